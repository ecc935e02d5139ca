#pragma once
// An instance as the controller keeps it: what the compute driver registers when it boots a
// guest, and all the metadata service needs to tell the guest who it is.
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace neutrino::metadata {

struct InstanceRecord {
  std::string id;              // UUID; ports name it in device_id
  int64_t ec2_id = 0;          // behind the EC2 id "i-0000000a"; never reused
  std::string reservation_id;  // "r-xxxxxxxx", as Nova gives each boot request
  std::string project_id;
  std::string name;
  std::string hostname;  // without a domain
  std::optional<std::string> key_name;
  std::optional<std::string> public_key;
  std::string key_type = "ssh";
  std::optional<std::string> user_data;  // base64, as Nova takes it
  std::string availability_zone = "nova";
  int64_t launch_index = 0;
  std::string flavor_name;
  std::map<std::string, std::string> metadata;
  std::vector<std::string> security_groups;  // names
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

// "instance-0000000a": the libvirt domain name Nova derives from the instance's number (the
// one behind its EC2 id), so operators find the guest under the name they know.
inline std::string domain_name(int64_t number) {
  char name[32];
  std::snprintf(name, sizeof name, "instance-%08llx", static_cast<unsigned long long>(number));
  return name;
}

}  // namespace neutrino::metadata
