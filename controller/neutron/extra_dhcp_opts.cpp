#include "controller/neutron/extra_dhcp_opts.hpp"

#include <set>
#include <utility>
#include <vector>

#include "common/text_prefix.hpp"
#include "controller/api/api_error.hpp"

namespace neutrino::neutron {
namespace {

struct Option {
  std::string name;
  std::optional<std::string> value;  // nullopt: remove
  int64_t ip_version = 4;
};

api::ApiError invalid(const std::string& reason) {
  return api::bad_request("Invalid input for extra_dhcp_opts. Reason: " + reason + ".");
}

std::string quoted(const Json& value) {
  return "'" + (value.is_string() ? text_prefix(value.get<std::string>()) : json_prefix(value)) +
         "'";
}

bool one_line(const std::string& text) {
  return text.find_first_of("\r\n") == std::string::npos;
}

// Options dnsmasq accepts with an empty value (Neutron's VALID_BLANK_EXTRA_DHCP_OPTS): an empty
// router or classless route list tells the client there is none.
bool may_be_blank(const std::string& name) {
  return name == "router" || name == "classless-static-route";
}

std::string checked_string(const Json& value, const char* key, size_t max_length, bool blank_ok) {
  if (!value.is_string()) {
    throw invalid(quoted(value) + " is not a valid string");
  }
  const std::string text = value.get<std::string>();
  if (text.size() > max_length) {
    throw invalid(quoted(value) + " exceeds maximum length of " + std::to_string(max_length));
  }
  if (!blank_ok && (text.empty() || !one_line(text))) {
    throw invalid(std::string("'") + key + "' " + quoted(value) +
                  " is not a one-line non-empty string");
  }
  return text;
}

int64_t checked_version(const Json& value) {
  int64_t version = 0;
  if (value.is_number_integer()) {
    version = value.get<int64_t>();
  } else if (value.is_string() && (value == "4" || value == "6")) {
    version = value.get<std::string>()[0] - '0';
  } else {
    throw invalid(quoted(value) + " is not an integer");
  }
  if (version != 4 && version != 6) {
    throw invalid(std::to_string(version) + " is not in [4, 6]");
  }
  return version;
}

Option checked_option(const Json& entry) {
  if (!entry.is_object()) {
    throw invalid(quoted(entry) + " is not a dictionary");
  }
  for (const auto& [key, value] : entry.items()) {
    if (key != "opt_name" && key != "opt_value" && key != "ip_version") {
      throw invalid("Unexpected keys supplied: " + text_prefix(key));
    }
  }
  for (const char* key : {"opt_name", "opt_value"}) {
    if (!entry.contains(key)) {
      throw invalid(std::string("Validation of dictionary's keys failed. Expected keys: "
                                "{'opt_name', 'opt_value'} Provided keys: ") +
                    json_prefix(entry));
    }
  }
  Option option;
  option.name = checked_string(entry["opt_name"], "opt_name", ExtraDhcpOpts::kMaxNameLength, false);
  const Json& value = entry["opt_value"];
  if (!value.is_null()) {
    option.value = checked_string(value, "opt_value", ExtraDhcpOpts::kMaxValueLength,
                                  may_be_blank(option.name));
  }
  if (const auto version = entry.find("ip_version"); version != entry.end()) {
    option.ip_version = checked_version(*version);
  }
  return option;
}

// nullopt when the request does not name the attribute or gives null.
std::optional<std::vector<Option>> requested(const Json& attributes) {
  const auto it = attributes.find("extra_dhcp_opts");
  if (it == attributes.end() || it->is_null()) {
    return std::nullopt;
  }
  if (!it->is_array()) {
    throw invalid(quoted(*it) + " is not a list");
  }
  std::vector<Option> options;
  std::set<std::pair<std::string, int64_t>> seen;
  for (const auto& entry : *it) {
    Option option = checked_option(entry);
    if (!seen.emplace(option.name, option.ip_version).second) {
      throw invalid("Duplicate option " + text_prefix(option.name) + " for IP version " +
                    std::to_string(option.ip_version));
    }
    options.push_back(std::move(option));
  }
  return options;
}

void upsert(store::SqlSession& s, const std::string& port_id, const Option& option) {
  const auto existing =
      s.query("SELECT 1 FROM extradhcpopts WHERE port_id = ? AND opt_name = ? AND ip_version = ?",
              {port_id, option.name, option.ip_version});
  if (!option.value) {
    s.execute("DELETE FROM extradhcpopts WHERE port_id = ? AND opt_name = ? AND ip_version = ?",
              {port_id, option.name, option.ip_version});
  } else if (!existing.empty()) {
    s.execute(
        "UPDATE extradhcpopts SET opt_value = ? WHERE port_id = ? AND opt_name = ? AND "
        "ip_version = ?",
        {*option.value, port_id, option.name, option.ip_version});
  } else {
    s.execute(
        "INSERT INTO extradhcpopts (port_id, opt_name, opt_value, ip_version, position) SELECT "
        "?, ?, ?, ?, COALESCE(MAX(position) + 1, 0) FROM extradhcpopts WHERE port_id = ?",
        {port_id, option.name, *option.value, option.ip_version, port_id});
  }
}

}  // namespace

void ExtraDhcpOpts::validate(const Json& attributes) {
  requested(attributes);
}

void ExtraDhcpOpts::on_create(store::SqlSession& s, const std::string& port_id,
                              const Json& attributes) {
  on_update(s, port_id, attributes);
}

void ExtraDhcpOpts::on_update(store::SqlSession& s, const std::string& port_id,
                              const Json& attributes) {
  const auto options = requested(attributes);
  if (!options) {
    return;
  }
  for (const auto& option : *options) {
    upsert(s, port_id, option);
  }
}

std::map<std::string, Json> ExtraDhcpOpts::load(store::SqlSession& s, const IdSelection& ports) {
  const auto rows = s.query("SELECT port_id, opt_name, opt_value, ip_version FROM extradhcpopts" +
                                ports.clause("WHERE", "port_id") + " ORDER BY port_id, position",
                            ports.params());
  std::map<std::string, Json> out;
  for (const auto& r : rows) {
    out[r.text(0)].push_back(
        {{"opt_name", r.text(1)}, {"opt_value", r.text(2)}, {"ip_version", r.integer(3)}});
  }
  return out;
}

}  // namespace neutrino::neutron
