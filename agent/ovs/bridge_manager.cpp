#include "agent/ovs/bridge_manager.hpp"

#include <algorithm>
#include <climits>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>

#include "agent/ovs/bridge_rows.hpp"
#include "agent/ovs/ovsdb_client.hpp"
#include "agent/ovs/ovsdb_datum.hpp"
#include "agent/ovs/ovsdb_error.hpp"
#include "agent/ovs/ovsdb_ops.hpp"
#include "common/log.hpp"

namespace neutrino::agent::ovs {
namespace {

constexpr int kMaxAttempts = 5;
const std::vector<std::string> kBridgeColumns = {"_uuid",        "name",      "datapath_type",
                                                 "fail_mode",    "protocols", "other_config",
                                                 "external_ids", "ports"};
const std::vector<std::string> kPortColumns = {"_uuid", "name", "interfaces", "tag",
                                               "external_ids"};
const std::vector<std::string> kInterfaceColumns = {"_uuid",      "name",         "type",
                                                    "options",    "external_ids", "ofport",
                                                    "mac_in_use", "link_state",   "error"};

Json all_rows() {
  return Json::array();
}

Json name_is(const std::string& name) {
  return Json::array({op::condition("name", "==", name)});
}

std::optional<Json> single_row(const Json& select_result) {
  const Json& rows = select_result.at("rows");
  if (rows.empty()) {
    return std::nullopt;
  }
  return rows[0];
}

// Asserts that the row read earlier still exists under the same name.
Json still_exists(std::string_view table, const std::string& uuid, const std::string& name) {
  Json row = Json::object();
  row["name"] = name;
  return op::wait(table, op::row_is(uuid), {"name"}, Json::array({row}));
}

// Asserts that no row of `table` has this name (yet).
Json still_absent(std::string_view table, const std::string& name) {
  return op::wait(table, name_is(name), {"name"}, Json::array());
}

// Asserts that the root row exists: without it the new bridge would not be linked anywhere
// and OVSDB would garbage-collect it.
Json root_exists() {
  return op::wait("Open_vSwitch", all_rows(), {}, Json::array(), "!=");
}

Json optional_string(const std::string& value) {
  return value.empty() ? datum::set({}) : datum::set({value});
}

Json optional_integer(const std::optional<int64_t>& value) {
  return value ? datum::set({*value}) : datum::set({});
}

bool contains(const std::vector<std::string>& values, const std::string& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

std::vector<std::string> sorted(std::vector<std::string> values) {
  std::sort(values.begin(), values.end());
  return values;
}

}  // namespace

BridgeManager::BridgeManager(OvsdbClient& client, std::chrono::milliseconds timeout)
    : client_(client), timeout_(timeout) {}

Json BridgeManager::transact(const Json& ops) {
  return client_.transact(ops, timeout_);
}

template <typename Attempt>
bool BridgeManager::with_retries(const char* what, const std::string& name, Attempt attempt) {
  for (int i = 1;; ++i) {
    try {
      return attempt();
    } catch (const OvsdbTransactionError& e) {
      const bool conflict = e.error() == "timed out" && e.op().is_object() &&
                            e.op().value("op", std::string()) == "wait";
      if (!conflict || i >= kMaxAttempts) {
        throw;
      }
      log::info("OVSDB ", what, " ", name,
                ": what it read changed meanwhile, retrying: ", e.what());
    }
  }
}

bool BridgeManager::ensure_bridge(const std::string& name, const BridgeSpec& spec) {
  if (name.empty()) {
    throw std::invalid_argument("ensure_bridge: empty bridge name");
  }
  return with_retries("ensure_bridge", name, [&]() -> bool {
    const Json read = transact(Json::array({op::select("Bridge", name_is(name), kBridgeColumns)}));
    const auto row = single_row(read[0]);
    if (!row) {
      const Json bridge = {{"name", name},
                           {"ports", datum::set({datum::named_uuid("port")})},
                           {"datapath_type", spec.datapath_type},
                           {"fail_mode", optional_string(spec.fail_mode)},
                           {"protocols", datum::string_set(spec.protocols)},
                           {"other_config", datum::string_map(spec.other_config)},
                           {"external_ids", datum::string_map(spec.external_ids)}};
      transact(Json::array(
          {root_exists(), still_absent("Bridge", name),
           op::insert("Interface", {{"name", name}, {"type", "internal"}}, "iface"),
           op::insert("Port",
                      {{"name", name}, {"interfaces", datum::set({datum::named_uuid("iface")})}},
                      "port"),
           op::insert("Bridge", bridge, "bridge"),
           op::mutate("Open_vSwitch", all_rows(),
                      Json::array({op::mutation("bridges", "insert",
                                                datum::set({datum::named_uuid("bridge")}))}))}));
      log::info("OVSDB: created bridge ", name, " (datapath ", spec.datapath_type, ")");
      return true;
    }
    const BridgeInfo current = bridge_from_row(*row);
    Json changes = Json::object();
    if (current.datapath_type != spec.datapath_type) {
      changes["datapath_type"] = spec.datapath_type;
    }
    if (current.fail_mode != spec.fail_mode) {
      changes["fail_mode"] = optional_string(spec.fail_mode);
    }
    if (sorted(current.protocols) != sorted(spec.protocols)) {
      changes["protocols"] = datum::string_set(spec.protocols);
    }
    Json mutations = op::merge_map("other_config", current.other_config, spec.other_config);
    for (Json& m : op::merge_map("external_ids", current.external_ids, spec.external_ids)) {
      mutations.push_back(std::move(m));
    }
    if (changes.empty() && mutations.empty()) {
      return false;
    }
    Json ops = Json::array({still_exists("Bridge", current.uuid, name)});
    if (!changes.empty()) {
      ops.push_back(op::update("Bridge", op::row_is(current.uuid), changes));
    }
    if (!mutations.empty()) {
      ops.push_back(op::mutate("Bridge", op::row_is(current.uuid), mutations));
    }
    transact(ops);
    log::info("OVSDB: updated bridge ", name);
    return true;
  });
}

bool BridgeManager::delete_bridge(const std::string& name) {
  const Json read = transact(Json::array({op::select("Bridge", name_is(name), {"_uuid"})}));
  const auto row = single_row(read[0]);
  if (!row) {
    return false;
  }
  const std::string uuid = datum::as_uuid(row->at("_uuid"));
  // Unlinking from the root and deleting the row are both no-ops if someone else got there
  // first; its ports and interfaces go with it (OVSDB collects unreferenced rows).
  const Json results = transact(Json::array(
      {op::mutate(
           "Open_vSwitch", all_rows(),
           Json::array({op::mutation("bridges", "delete", datum::set({datum::uuid(uuid)}))})),
       op::remove("Bridge", op::row_is(uuid))}));
  const bool deleted = results[1].value("count", 0) > 0;
  if (deleted) {
    log::info("OVSDB: deleted bridge ", name);
  }
  return deleted;
}

bool BridgeManager::ensure_port(const std::string& bridge, const PortSpec& spec) {
  if (spec.name.empty()) {
    throw std::invalid_argument("ensure_port: empty port name");
  }
  return with_retries("ensure_port", spec.name, [&]() -> bool {
    const Json read = transact(
        Json::array({op::select("Bridge", name_is(bridge), {"_uuid", "ports"}),
                     op::select("Port", name_is(spec.name), {"_uuid", "interfaces", "tag"}),
                     op::select("Interface", name_is(spec.name),
                                {"_uuid", "type", "options", "external_ids"})}));
    const auto bridge_row = single_row(read[0]);
    if (!bridge_row) {
      throw OvsdbError("ensure_port " + spec.name + ": there is no bridge " + bridge);
    }
    const std::string bridge_uuid = datum::as_uuid(bridge_row->at("_uuid"));
    const auto port_row = single_row(read[1]);
    const auto iface_row = single_row(read[2]);
    if (!port_row) {
      Json port = {{"name", spec.name}, {"interfaces", datum::set({datum::named_uuid("iface")})}};
      if (spec.tag) {
        port["tag"] = *spec.tag;
      }
      transact(Json::array(
          {still_exists("Bridge", bridge_uuid, bridge), still_absent("Port", spec.name),
           op::insert("Interface",
                      {{"name", spec.name},
                       {"type", spec.type},
                       {"options", datum::string_map(spec.options)},
                       {"external_ids", datum::string_map(spec.external_ids)}},
                      "iface"),
           op::insert("Port", port, "port"),
           op::mutate("Bridge", op::row_is(bridge_uuid),
                      Json::array({op::mutation("ports", "insert",
                                                datum::set({datum::named_uuid("port")}))}))}));
      log::info("OVSDB: added port ", spec.name, " (type \"", spec.type, "\") to ", bridge);
      return true;
    }
    const std::string port_uuid = datum::as_uuid(port_row->at("_uuid"));
    if (!contains(datum::as_uuid_set(bridge_row->at("ports")), port_uuid)) {
      throw OvsdbError("ensure_port " + spec.name + ": the port belongs to another bridge than " +
                       bridge);
    }
    const std::string iface_uuid = iface_row ? datum::as_uuid(iface_row->at("_uuid")) : "";
    if (datum::as_uuid_set(port_row->at("interfaces")) != std::vector<std::string>{iface_uuid}) {
      throw OvsdbError("ensure_port " + spec.name +
                       ": the port does not have exactly one interface of the same name");
    }
    Json iface_changes = Json::object();
    if (iface_row->at("type").get<std::string>() != spec.type) {
      iface_changes["type"] = spec.type;
    }
    if (datum::as_string_map(iface_row->at("options")) != spec.options) {
      iface_changes["options"] = datum::string_map(spec.options);
    }
    const Json iface_mutations = op::merge_map(
        "external_ids", datum::as_string_map(iface_row->at("external_ids")), spec.external_ids);
    const bool tag_changed = datum::as_optional_integer(port_row->at("tag")) != spec.tag;
    if (iface_changes.empty() && iface_mutations.empty() && !tag_changed) {
      return false;
    }
    Json ops = Json::array({still_exists("Port", port_uuid, spec.name),
                            still_exists("Interface", iface_uuid, spec.name)});
    if (!iface_changes.empty()) {
      ops.push_back(op::update("Interface", op::row_is(iface_uuid), iface_changes));
    }
    if (!iface_mutations.empty()) {
      ops.push_back(op::mutate("Interface", op::row_is(iface_uuid), iface_mutations));
    }
    if (tag_changed) {
      ops.push_back(
          op::update("Port", op::row_is(port_uuid), {{"tag", optional_integer(spec.tag)}}));
    }
    transact(ops);
    log::info("OVSDB: updated port ", spec.name, " on ", bridge);
    return true;
  });
}

bool BridgeManager::delete_port(const std::string& bridge, const std::string& port) {
  const Json read = transact(Json::array({op::select("Bridge", name_is(bridge), {"_uuid", "ports"}),
                                          op::select("Port", name_is(port), {"_uuid"})}));
  const auto bridge_row = single_row(read[0]);
  const auto port_row = single_row(read[1]);
  if (!bridge_row || !port_row) {
    return false;
  }
  const std::string bridge_uuid = datum::as_uuid(bridge_row->at("_uuid"));
  const std::string port_uuid = datum::as_uuid(port_row->at("_uuid"));
  if (!contains(datum::as_uuid_set(bridge_row->at("ports")), port_uuid)) {
    return false;  // someone else's port on another bridge
  }
  const Json results = transact(Json::array(
      {op::mutate(
           "Bridge", op::row_is(bridge_uuid),
           Json::array({op::mutation("ports", "delete", datum::set({datum::uuid(port_uuid)}))})),
       op::remove("Port", op::row_is(port_uuid))}));
  const bool deleted = results[1].value("count", 0) > 0;
  if (deleted) {
    log::info("OVSDB: deleted port ", port, " from ", bridge);
  }
  return deleted;
}

std::vector<PortInfo> BridgeManager::list_ports(const std::string& bridge) {
  // One read transaction: a consistent snapshot of the bridge, its ports and interfaces.
  const Json read = transact(Json::array({op::select("Bridge", name_is(bridge), {"ports"}),
                                          op::select("Port", all_rows(), kPortColumns),
                                          op::select("Interface", all_rows(), kInterfaceColumns)}));
  const auto bridge_row = single_row(read[0]);
  if (!bridge_row) {
    return {};
  }
  const auto port_uuids = datum::as_uuid_set(bridge_row->at("ports"));
  std::map<std::string, InterfaceInfo> interfaces;
  for (const Json& row : read[2].at("rows")) {
    InterfaceInfo info = interface_from_row(row);
    interfaces.emplace(info.uuid, std::move(info));
  }
  std::vector<PortInfo> ports;
  for (const Json& row : read[1].at("rows")) {
    PortInfo port = port_from_row(row);
    if (!contains(port_uuids, port.uuid)) {
      continue;
    }
    for (const auto& uuid : datum::as_uuid_set(row.at("interfaces"))) {
      if (const auto it = interfaces.find(uuid); it != interfaces.end()) {
        port.interfaces.push_back(it->second);
      }
    }
    ports.push_back(std::move(port));
  }
  std::sort(ports.begin(), ports.end(),
            [](const PortInfo& a, const PortInfo& b) { return a.name < b.name; });
  return ports;
}

std::optional<BridgeInfo> BridgeManager::get_bridge(const std::string& name) {
  const Json read = transact(Json::array({op::select("Bridge", name_is(name), kBridgeColumns)}));
  const auto row = single_row(read[0]);
  if (!row) {
    return std::nullopt;
  }
  return bridge_from_row(*row);
}

std::vector<std::string> BridgeManager::list_bridges() {
  const Json read = transact(Json::array({op::select("Bridge", all_rows(), {"name"})}));
  std::vector<std::string> names;
  for (const Json& row : read[0].at("rows")) {
    names.push_back(row.at("name").get<std::string>());
  }
  return sorted(std::move(names));
}

void BridgeManager::wait_applied(std::chrono::milliseconds timeout) {
  // As ovs-vsctl does: bump next_cfg, then wait for ovs-vswitchd to copy it to cur_cfg,
  // which it does after finishing a reconfiguration that saw every earlier commit.
  const Json results = transact(Json::array(
      {op::mutate("Open_vSwitch", all_rows(), Json::array({op::mutation("next_cfg", "+=", 1)})),
       op::select("Open_vSwitch", all_rows(), {"next_cfg"})}));
  const auto row = single_row(results[1]);
  if (!row) {
    throw OvsdbError("wait_applied: the Open_vSwitch table has no row");
  }
  const int64_t target = row->at("next_cfg").get<int64_t>();
  struct Progress {
    std::mutex mutex;
    std::condition_variable changed;
    int64_t cur_cfg = INT64_MIN;
  };
  auto progress = std::make_shared<Progress>();
  const auto monitor = client_.monitor(
      {{"Open_vSwitch", {"cur_cfg"}}},
      [progress](const std::vector<RowUpdate>& updates, bool) {
        for (const auto& update : updates) {
          if (update.new_row.is_object() && update.new_row.contains("cur_cfg")) {
            std::lock_guard lock(progress->mutex);
            progress->cur_cfg = update.new_row["cur_cfg"].get<int64_t>();
            progress->changed.notify_all();
          }
        }
      },
      timeout_);
  std::unique_lock lock(progress->mutex);
  if (!progress->changed.wait_for(lock, timeout, [&] { return progress->cur_cfg >= target; })) {
    throw OvsdbTimeoutError("ovs-vswitchd did not apply configuration " + std::to_string(target) +
                            " within " + std::to_string(timeout.count()) + " ms (cur_cfg " +
                            std::to_string(progress->cur_cfg) + ")");
  }
}

}  // namespace neutrino::agent::ovs
