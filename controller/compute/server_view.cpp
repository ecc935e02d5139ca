#include "controller/compute/server_view.hpp"

#include <openssl/evp.h>

#include <vector>

#include "common/random.hpp"
#include "controller/compute/compute_time.hpp"
#include "controller/compute/server_status.hpp"

namespace neutrino::compute {
namespace {

// Nova's hostId: sha224(project_id + host), so a project can tell its servers apart by host
// without learning host names.
std::string host_id(const ServerRecord& server) {
  if (!server.host || server.host->empty()) {
    return "";
  }
  const std::string text = server.project_id() + *server.host;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha224(), nullptr);
  return random::hex(std::vector<uint8_t>(digest, digest + length));
}

Json optional_text(const std::optional<std::string>& value) {
  return value ? Json(*value) : Json(nullptr);
}

Json flavor_of(const ServerRecord& server, const ServerViewContext& view) {
  if (view.version >= ApiVersion{2, 47}) {
    Json flavor = server.flavor;
    flavor.erase("id");
    return flavor;
  }
  const std::string id = server.flavor.value("id", "");
  return {{"id", id},
          {"links", Json::array({{{"rel", "bookmark"}, {"href", view.base + "/flavors/" + id}}})}};
}

Json fault_of(const ServerRecord& server, const std::string& status, bool is_admin) {
  if (!server.fault || (status != "ERROR" && status != "DELETED")) {
    return nullptr;
  }
  Json fault = {{"code", server.fault->code},
                {"created", iso_time(server.fault->created_at)},
                {"message", server.fault->message}};
  if (!server.fault->details.empty() && (is_admin || server.fault->code != 500)) {
    fault["details"] = server.fault->details;
  }
  return fault;
}

void add_admin_attributes(Json& out, const ServerRecord& server, const ServerViewContext& view) {
  out["OS-EXT-SRV-ATTR:host"] = optional_text(server.host);
  out["OS-EXT-SRV-ATTR:hypervisor_hostname"] = optional_text(server.node);
  out["OS-EXT-SRV-ATTR:instance_name"] = metadata::domain_name(server.instance.ec2_id);
  if (view.version >= ApiVersion{2, 3}) {
    out["OS-EXT-SRV-ATTR:reservation_id"] = server.instance.reservation_id;
    out["OS-EXT-SRV-ATTR:launch_index"] = server.instance.launch_index;
    out["OS-EXT-SRV-ATTR:kernel_id"] = server.kernel_id;
    out["OS-EXT-SRV-ATTR:ramdisk_id"] = server.ramdisk_id;
    out["OS-EXT-SRV-ATTR:hostname"] = server.instance.hostname;
    out["OS-EXT-SRV-ATTR:root_device_name"] = "/dev/vda";
    out["OS-EXT-SRV-ATTR:user_data"] = optional_text(server.instance.user_data);
  }
}

}  // namespace

Json server_links(const std::string& base, const std::string& id) {
  return Json::array({{{"rel", "self"}, {"href", base + "/v2.1/servers/" + id}},
                      {{"rel", "bookmark"}, {"href", base + "/servers/" + id}}});
}

Json server_summary(const ServerRecord& server, const std::string& base) {
  return {{"id", server.id()},
          {"name", server.instance.name},
          {"links", server_links(base, server.id())}};
}

Json server_detail(const ServerRecord& server, const Json& addresses,
                   const std::string& host_status, const ServerViewContext& view) {
  const std::string status = server_status(server.vm_state, server.task_state);
  Json out = server_summary(server, view.base);
  out["status"] = status;
  out["tenant_id"] = server.project_id();
  out["user_id"] = server.user_id;
  out["metadata"] = server.instance.metadata;
  out["hostId"] = host_id(server);
  out["image"] =
      server.image_ref.empty()
          ? Json("")
          : Json{{"id", server.image_ref},
                 {"links", Json::array({{{"rel", "bookmark"},
                                         {"href", view.base + "/images/" + server.image_ref}}})}};
  out["flavor"] = flavor_of(server, view);
  out["created"] = iso_time(server.instance.created_at);
  out["updated"] = iso_time(server.instance.updated_at);
  out["addresses"] = addresses.is_object() ? addresses : Json::object();
  out["accessIPv4"] = "";
  out["accessIPv6"] = "";
  out["OS-DCF:diskConfig"] = "MANUAL";
  for (const char* progressing :
       {"ACTIVE", "BUILD", "REBUILD", "RESIZE", "VERIFY_RESIZE", "MIGRATING"}) {
    if (status == progressing) {
      out["progress"] = 0;
    }
  }
  out["OS-EXT-AZ:availability_zone"] = server.instance.availability_zone;
  out["config_drive"] = server.config_drive;
  out["key_name"] = optional_text(server.instance.key_name);
  out["OS-SRV-USG:launched_at"] =
      server.launched_at ? Json(nova_time(*server.launched_at)) : Json(nullptr);
  out["OS-SRV-USG:terminated_at"] = nullptr;
  out["OS-EXT-STS:task_state"] = optional_text(server.task_state);
  out["OS-EXT-STS:vm_state"] = server.vm_state;
  out["OS-EXT-STS:power_state"] = server.power_state;
  out["os-extended-volumes:volumes_attached"] = Json::array();
  Json groups = Json::array();
  for (const auto& name : server.instance.security_groups) {
    groups.push_back({{"name", name}});
  }
  out["security_groups"] = groups;
  if (const Json fault = fault_of(server, status, view.is_admin); !fault.is_null()) {
    out["fault"] = fault;
  }
  if (view.is_admin) {
    add_admin_attributes(out, server, view);
  }
  const auto& v = view.version;
  if (v >= ApiVersion{2, 9})
    out["locked"] = false;
  if (v >= ApiVersion{2, 16} && view.is_admin)
    out["host_status"] = host_status;
  if (v >= ApiVersion{2, 19})
    out["description"] = optional_text(server.description);
  if (v >= ApiVersion{2, 26})
    out["tags"] = Json::array();
  if (v >= ApiVersion{2, 63})
    out["trusted_image_certificates"] = nullptr;
  if (v >= ApiVersion{2, 71} && view.show_detail)
    out["server_groups"] = Json::array();
  if (v >= ApiVersion{2, 73})
    out["locked_reason"] = nullptr;
  return out;
}

}  // namespace neutrino::compute
