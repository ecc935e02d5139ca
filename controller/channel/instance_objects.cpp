#include "controller/channel/instance_objects.hpp"

#include <map>

#include "controller/metadata/instance_record.hpp"

namespace neutrino::channel {

void add_instances(store::SqlSession& s, const std::string& host, HostState& state) {
  std::map<std::string, Json> ports;
  for (const auto& r : s.query(
           "SELECT ip.instance_uuid, p.id, p.mac_address, p.network_id, n.mtu FROM instance_ports "
           "ip JOIN instances i ON i.id = ip.instance_uuid JOIN ports p ON p.id = ip.port_id "
           "JOIN networks n ON n.id = p.network_id WHERE i.host = ? ORDER BY ip.position",
           {host})) {
    ports[r.text(0)].push_back({{"id", r.text(1)},
                                {"mac_address", r.text(2)},
                                {"network_id", r.text(3)},
                                {"mtu", r.integer(4)}});
  }
  for (const auto& r :
       s.query("SELECT i.id, m.id, i.hostname, i.project_id, i.vcpus, i.memory_mb, i.root_gb, "
               "i.ephemeral_gb, i.image_meta, i.desired_power, i.reboot_count, i.reboot_type, "
               "i.start_count FROM "
               "instances i JOIN instance_id_mappings m ON m.uuid = i.id WHERE i.host = ? AND "
               "i.vm_state IS NOT NULL AND (i.task_state IS NULL OR i.task_state <> 'deleting')",
               {host})) {
    const std::string id = r.text(0);
    const Json meta = Json::parse(r.text(8), nullptr, false);
    const auto part = [&](const char* key) {
      return meta.is_object() && meta.contains(key) ? meta[key] : Json(nullptr);
    };
    state["instance:" + id] = {{"id", id},
                               {"name", metadata::domain_name(r.integer(1))},
                               {"hostname", r.text(2)},
                               {"project_id", r.text(3)},
                               {"vcpus", r.integer(4)},
                               {"memory_mb", r.integer(5)},
                               {"root_gb", r.integer(6)},
                               {"ephemeral_gb", r.integer(7)},
                               {"image", part("image")},
                               {"kernel", part("kernel")},
                               {"ramdisk", part("ramdisk")},
                               {"kernel_cmdline", part("kernel_cmdline")},
                               {"ports", ports.contains(id) ? ports[id] : Json::array()},
                               {"power", r.text(9)},
                               {"reboot_count", r.integer(10)},
                               {"reboot_type", r.text(11)},
                               {"start_count", r.integer(12)}};
  }
}

}  // namespace neutrino::channel
