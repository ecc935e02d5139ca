#include "controller/neutron/port_policy.hpp"

#include <string>
#include <vector>

#include "controller/api/api_error.hpp"

namespace neutrino::neutron {
namespace {

enum class PortAction { kCreate, kUpdate };

// Who passes one rule; the names follow Neutron's base.py.
enum class Who {
  kAnyone,
  kNetOwner,          // ADMIN, ADVSVC or NET_OWNER
  kNetOwnerOrShared,  // ... or 'rule:shared' (the network is shared)
  kAdminOrNetOwner,   // ADMIN or NET_OWNER (allowed_address_pairs: no advsvc)
  kAdminOrAdvsvc,
  kAdmin,
};

struct Caller {
  bool admin = false;
  bool advsvc = false;
  bool net_owner = false;
  bool shared = false;
};

bool passes(Who who, const Caller& c) {
  switch (who) {
    case Who::kAnyone:
      return true;
    case Who::kNetOwner:
      return c.admin || c.advsvc || c.net_owner;
    case Who::kNetOwnerOrShared:
      return c.admin || c.advsvc || c.net_owner || c.shared;
    case Who::kAdminOrNetOwner:
      return c.admin || c.net_owner;
    case Who::kAdminOrAdvsvc:
      return c.admin || c.advsvc;
    case Who::kAdmin:
      return c.admin;
  }
  return false;
}

// An oslo.policy check as Neutron composes them, with its text and whether it passes. Its
// AndCheck prints as "(a and b and ...)".
struct Check {
  std::string text;
  bool pass = true;

  static Check all(const std::vector<Check>& checks) {
    Check out{"(", true};
    for (size_t i = 0; i < checks.size(); ++i) {
      out.text += (i ? " and " : "") + checks[i].text;
      out.pass = out.pass && checks[i].pass;
    }
    out.text += ")";
    return out;
  }
};

// One port attribute that policy governs, in the order Neutron's attribute map holds them:
// the core port attributes, then allowed-address-pairs, port bindings and port security as
// the extension manager loads them.
struct Governed {
  const char* name;
  Who create;
  Who update;
  // Keys of list entries with their own rules ("fixed_ips:subnet_id"), in the order clients
  // send them: the JSON object we get is sorted, not the client's order.
  std::vector<std::pair<const char*, Who>> create_keys = {};
  std::vector<std::pair<const char*, Who>> update_keys = {};
};

const std::vector<Governed>& governed() {
  static const std::vector<Governed> attributes = {
      {"mac_address", Who::kNetOwner, Who::kAdminOrAdvsvc},
      {"fixed_ips",
       Who::kNetOwnerOrShared,
       Who::kNetOwner,
       {{"subnet_id", Who::kNetOwnerOrShared}, {"ip_address", Who::kNetOwner}},
       {{"subnet_id", Who::kNetOwnerOrShared}, {"ip_address", Who::kNetOwner}}},
      {"device_owner", Who::kAnyone, Who::kAnyone},  // see device_owner_rule()
      {"allowed_address_pairs",
       Who::kAdminOrNetOwner,
       Who::kAdminOrNetOwner,
       {{"ip_address", Who::kAdminOrNetOwner}, {"mac_address", Who::kAdminOrNetOwner}},
       {{"ip_address", Who::kAdminOrNetOwner}, {"mac_address", Who::kAdminOrNetOwner}}},
      {"binding:vnic_type", Who::kAnyone, Who::kAnyone},
      {"binding:host_id", Who::kAdmin, Who::kAdmin},
      {"binding:profile", Who::kAdmin, Who::kAdmin},
      {"port_security_enabled", Who::kNetOwner, Who::kNetOwner},
  };
  return attributes;
}

// On create Neutron skips an attribute given with its default value; on update it checks
// every attribute the request names.
bool explicitly_set(const Json& attributes, const std::string& name, PortAction op) {
  const auto it = attributes.find(name);
  if (it == attributes.end()) {
    return false;
  }
  if (op == PortAction::kUpdate) {
    return true;
  }
  if (name == "device_owner") {
    return *it != "";
  }
  if (name == "binding:vnic_type") {
    return *it != "normal";
  }
  return true;
}

// 'not rule:network_device': a device owner in the network: namespace (routers, DHCP) is the
// network owner's to give.
Who device_owner_rule(const Json& value) {
  return value.is_string() && value.get<std::string>().rfind("network:", 0) == 0 ? Who::kNetOwner
                                                                                 : Who::kAnyone;
}

Check attribute_check(const std::string& action, const Governed& g, const Json& value,
                      PortAction op, const Caller& caller) {
  Who who = op == PortAction::kCreate ? g.create : g.update;
  if (std::string(g.name) == "device_owner") {
    who = device_owner_rule(value);
  }
  Check check{"rule:" + action + ":" + g.name, passes(who, caller)};
  const auto& keys = op == PortAction::kCreate ? g.create_keys : g.update_keys;
  if (keys.empty() || !value.is_array()) {
    return check;
  }
  std::vector<Check> entries;
  for (const auto& entry : value) {
    if (!entry.is_object()) {
      continue;
    }
    for (const auto& [key, key_who] : keys) {
      if (entry.contains(key)) {
        entries.push_back({"rule:" + action + ":" + g.name + ":" + key, passes(key_who, caller)});
      }
    }
  }
  return entries.empty() ? check : Check::all({check, Check::all(entries)});
}

void enforce(const AuthContext& ctx, const Json& attributes, const PortPolicy::Network& network,
             PortAction op) {
  const std::string action = op == PortAction::kCreate ? "create_port" : "update_port";
  const Caller caller{ctx.is_admin(), ctx.has_role("advsvc"), ctx.project_id == network.project_id,
                      network.shared};
  Check rule{"rule:" + action, true};
  for (const Governed& g : governed()) {
    if (explicitly_set(attributes, g.name, op)) {
      rule = Check::all({rule, attribute_check(action, g, attributes[g.name], op, caller)});
    }
  }
  if (!rule.pass) {
    throw api::forbidden(rule.text + " is disallowed by policy");
  }
}

}  // namespace

void PortPolicy::enforce_create(const AuthContext& ctx, const Json& attributes,
                                const Network& network) {
  enforce(ctx, attributes, network, PortAction::kCreate);
}

void PortPolicy::enforce_update(const AuthContext& ctx, const Json& attributes,
                                const Network& network) {
  enforce(ctx, attributes, network, PortAction::kUpdate);
}

}  // namespace neutrino::neutron
