// Servers: list, show, create, update, delete, actions and console output (Nova's servers,
// server actions, console_output and ips controllers).
#include <algorithm>

#include "common/clock.hpp"
#include "controller/api/api_error.hpp"
#include "controller/compute/compute_api.hpp"
#include "controller/compute/nova_paging.hpp"
#include "controller/compute/nova_validation.hpp"
#include "controller/compute/server_addresses.hpp"
#include "controller/compute/server_list_query.hpp"
#include "controller/compute/server_store.hpp"
#include "controller/compute/server_view.hpp"

namespace neutrino::compute {
namespace {

// Nova strips control characters (but tab and newline) from console output.
std::string printable(std::string text) {
  std::erase_if(text, [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u <= 0x08) || (u >= 0x0b && u <= 0x1f);
  });
  return text;
}

std::optional<int64_t> console_length(const Json& args) {
  if (!args.is_object() || !args.contains("length") || args["length"].is_null()) {
    return std::nullopt;
  }
  const Json& length = args["length"];
  int64_t n = 0;
  if (length.is_number_integer()) {
    n = length.get<int64_t>();
  } else if (length.is_string() && !length.get<std::string>().empty() &&
             length.get<std::string>().size() < 10 &&
             std::all_of(
                 length.get<std::string>().begin() + (length.get<std::string>()[0] == '-' ? 1 : 0),
                 length.get<std::string>().end(), ::isdigit) &&
             length.get<std::string>() != "-") {
    n = std::stoll(length.get<std::string>());
  } else {
    throw nova_invalid("length", length, length.dump() + " is not of type 'integer', 'string'");
  }
  if (n < -1) {
    throw nova_invalid("length", length, std::to_string(n) + " is less than the minimum of -1");
  }
  return n == -1 ? std::nullopt : std::optional(n);
}

}  // namespace

std::map<std::string, std::string> ComputeApi::host_statuses(store::SqlSession& s) const {
  std::map<std::string, std::string> out;
  const int64_t now = clock::now_unix_seconds();
  for (const auto& r :
       s.query("SELECT v.host, v.disabled, v.forced_down, "
               "(SELECT MAX(a.heartbeat_timestamp) FROM agents a WHERE a.host = v.host) "
               "FROM services v")) {
    const bool up =
        !r.boolean(2) && !r.is_null(3) && now - r.integer(3) <= settings_.service_down_time;
    out[r.text(0)] = !up ? "DOWN" : r.boolean(1) ? "MAINTENANCE" : "UP";
  }
  return out;
}

http::Response ComputeApi::list_servers(const Call& call) {
  return server_list(call, false);
}

http::Response ComputeApi::list_servers_detail(const Call& call) {
  return server_list(call, true);
}

http::Response ComputeApi::server_list(const Call& call, bool detail) {
  const auto& query = call.request.query;
  const ServerListScope scope = server_list_scope(query, call.version, call.auth);
  const PageRequest page = parse_page(query);
  std::map<std::string, Json> addresses;
  std::map<std::string, std::string> statuses;
  auto servers = db_.read([&](store::SqlSession& s) {
    auto found = ServerStore::list(s, scope.project_id);
    std::vector<std::string> ids;
    for (const auto& server : found) {
      ids.push_back(server.id());
    }
    addresses = load_addresses(s, ids);
    statuses = host_statuses(s);
    return found;
  });
  servers = select_servers(std::move(servers), addresses, query, call.version, call.auth);
  const ServerViewContext view{call.version, call.auth.is_admin(), call.base, false};
  std::vector<Json> items;
  for (const auto& server : servers) {
    items.push_back(detail ? server_detail(server, addresses[server.id()],
                                           server.host ? statuses[*server.host] : "", view)
                           : server_summary(server, call.base));
  }
  Page result = paginate(std::move(items), page, "id", query,
                         call.base + "/v2.1/servers" + (detail ? "/detail" : ""));
  Json body = {{"servers", result.items}};
  if (result.links) {
    body["servers_links"] = *result.links;
  }
  return http::Response::json(200, body);
}

http::Response ComputeApi::show_server(const Call& call) {
  Json addresses;
  std::string host_status;
  const ServerRecord server = db_.read([&](store::SqlSession& s) {
    ServerRecord found = ServerStore::visible(s, call.auth, call.param("server_id"));
    addresses = load_addresses(s, {found.id()})[found.id()];
    if (found.host) {
      host_status = host_statuses(s)[*found.host];
    }
    return found;
  });
  const ServerViewContext view{call.version, call.auth.is_admin(), call.base, true};
  return http::Response::json(200,
                              {{"server", server_detail(server, addresses, host_status, view)}});
}

http::Response ComputeApi::create_server(const Call& call) {
  const ServerCreateRequest request =
      parse_server_create(parse_nova_body(call.request.body), call.version, call.auth);
  const ServerOperations::Created created = servers_.create(call.auth, request);
  if (request.return_reservation_id) {
    return http::Response::json(202, {{"reservation_id", created.reservation_id}});
  }
  const ServerRecord& first = created.servers.front();
  Json groups = Json::array();
  for (const auto& name : first.instance.security_groups) {
    groups.push_back({{"name", name}});
  }
  Json server = {{"id", first.id()},
                 {"links", server_links(call.base, first.id())},
                 {"OS-DCF:diskConfig", "MANUAL"},
                 {"security_groups", groups},
                 {"adminPass", created.admin_pass}};
  return http::Response::json(202, {{"server", server}})
      .with_header("Location", call.base + "/v2.1/servers/" + first.id());
}

http::Response ComputeApi::update_server(const Call& call) {
  const Json body = parse_nova_body(call.request.body);
  const Json& server = required_object(body, "server");
  std::set<std::string> allowed = {"name", "accessIPv4", "accessIPv6", "OS-DCF:diskConfig"};
  if (call.at_least(2, 19)) {
    allowed.insert("description");
  }
  check_known_keys(server, "server", allowed);
  const auto name = optional_string_field(server, "name", 1, 255);
  std::optional<std::optional<std::string>> description;
  if (server.contains("description")) {
    description = server["description"].is_null()
                      ? std::optional<std::string>()
                      : optional_string_field(server, "description", 0, 255);
  }
  const ServerRecord updated =
      servers_.update(call.auth, call.param("server_id"), name, description);
  Json addresses;
  std::string host_status;
  db_.read([&](store::SqlSession& s) {
    addresses = load_addresses(s, {updated.id()})[updated.id()];
    if (updated.host) {
      host_status = host_statuses(s)[*updated.host];
    }
  });
  const ServerViewContext view{call.version, call.auth.is_admin(), call.base, true};
  return http::Response::json(200,
                              {{"server", server_detail(updated, addresses, host_status, view)}});
}

http::Response ComputeApi::delete_server(const Call& call) {
  servers_.remove(call.auth, call.param("server_id"));
  return http::Response::empty(204);
}

http::Response ComputeApi::server_action(const Call& call) {
  const Json body = parse_nova_body(call.request.body);
  if (body.size() != 1) {
    throw api::bad_request("Malformed request body");
  }
  const std::string action = body.begin().key();
  const Json& args = body.begin().value();
  const std::string& id = call.param("server_id");
  if (action == "os-stop") {
    servers_.stop(call.auth, id);
  } else if (action == "os-start") {
    servers_.start(call.auth, id);
  } else if (action == "reboot") {
    const Json& reboot = required_object(body, "reboot");
    check_known_keys(reboot, "reboot", {"type"});
    std::string type = string_field(reboot, "reboot", "type", 1, 255);
    std::string upper = type;
    std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
    if ((upper != "SOFT" && upper != "HARD") ||
        (type != upper && type != "soft" && type != "hard" && type != "Soft" && type != "Hard")) {
      throw nova_invalid(
          "type", type,
          "'" + type + "' is not one of ['HARD', 'Hard', 'hard', 'SOFT', 'Soft', 'soft']");
    }
    servers_.reboot(call.auth, id, upper == "HARD");
  } else if (action == "os-getConsoleOutput") {
    return console_output(call, args);
  } else {
    throw api::bad_request("There is no such action: " + action);
  }
  return http::Response::empty(202);
}

http::Response ComputeApi::console_output(const Call& call, const Json& args) {
  const std::optional<int64_t> length = console_length(args);
  const ServerRecord server = db_.read([&](store::SqlSession& s) {
    return ServerStore::visible(s, call.auth, call.param("server_id"));
  });
  if (!server.host) {
    throw api::conflict("InstanceNotReady", "Instance " + server.id() + " is not ready");
  }
  const ConsoleLog log = consoles_.fetch(*server.host, server.id(), length,
                                         std::chrono::seconds(settings_.console_timeout_seconds));
  switch (log.outcome) {
    case ConsoleLog::Outcome::kOk:
      return http::Response::json(200, {{"output", printable(log.output)}});
    case ConsoleLog::Outcome::kAgentError:
      throw api::not_found(
          log.error.empty() ? "Guest does not have a console available." : log.error,
          "ConsoleNotAvailable");
    case ConsoleLog::Outcome::kHostNotConnected:
      throw api::conflict("InstanceNotReady", "Instance " + server.id() +
                                                  " is not ready: its compute host " +
                                                  *server.host + " is not connected");
    case ConsoleLog::Outcome::kTimedOut:
    default:
      throw api::conflict("InstanceNotReady",
                          "Instance " + server.id() + " is not ready: its compute host " +
                              *server.host + " did not answer within " +
                              std::to_string(settings_.console_timeout_seconds) + " seconds");
  }
}

http::Response ComputeApi::list_server_ips(const Call& call) {
  const Json addresses = db_.read([&](store::SqlSession& s) {
    const ServerRecord server = ServerStore::visible(s, call.auth, call.param("server_id"));
    return load_addresses(s, {server.id()})[server.id()];
  });
  Json out = Json::object();
  for (const auto& [network, list] : addresses.items()) {
    for (const auto& address : list) {
      out[network].push_back({{"version", address["version"]}, {"addr", address["addr"]}});
    }
  }
  return http::Response::json(200, {{"addresses", out}});
}

}  // namespace neutrino::compute

namespace neutrino::compute {

// No block storage service is in the catalog, so no server has a volume attached: the list
// is empty for a server the caller may see (Horizon's instance pages read it), 404 otherwise.
http::Response ComputeApi::list_volume_attachments(const Call& call) {
  db_.read([&](store::SqlSession& s) {
    return ServerStore::visible(s, call.auth, call.param("server_id"));
  });
  return http::Response::json(200, {{"volumeAttachments", Json::array()}});
}

}  // namespace neutrino::compute
