#pragma once
// Servers as Nova's views show them at a microversion: the summary of GET /servers and the
// full representation of show and detail lists, with the admin-only extended attributes
// (OS-EXT-SRV-ATTR:*), the fault of a failed server, and the shape changes of 2.3, 2.9,
// 2.16, 2.19, 2.26, 2.47, 2.63, 2.71 and 2.73.
#include <string>

#include "common/json.hpp"
#include "controller/compute/microversion.hpp"
#include "controller/compute/server_record.hpp"

namespace neutrino::compute {

struct ServerViewContext {
  ApiVersion version;
  bool is_admin = false;
  std::string base;         // "http://host:port/compute"
  bool show_detail = true;  // GET /servers/{id}: also 2.71's server_groups
};

Json server_links(const std::string& base, const std::string& id);
Json server_summary(const ServerRecord& server, const std::string& base);
// `addresses` from load_addresses(); `host_status` is 2.16's UP/DOWN/UNKNOWN.
Json server_detail(const ServerRecord& server, const Json& addresses,
                   const std::string& host_status, const ServerViewContext& view);

}  // namespace neutrino::compute
