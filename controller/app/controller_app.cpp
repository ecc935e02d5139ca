#include "controller/app/controller_app.hpp"

#include <pthread.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "common/clock.hpp"
#include "common/fd_limit.hpp"
#include "common/log.hpp"
#include "common/termination.hpp"
#include "common/time_source.hpp"
#include "controller/api/api_error.hpp"
#include "controller/api/store_unavailable.hpp"
#include "controller/identity/bootstrap.hpp"

namespace neutrino::controller {
namespace {

bool under(const std::string& path, const std::string& prefix) {
  return path == prefix || path.rfind(prefix + "/", 0) == 0;
}

// Each API answers errors in its own service's format; the path says which API it is.
http::Response render_for_path(const std::string& path, const std::string& accept,
                               const api::ApiError& error) {
  if (under(path, "/v3")) {
    return api::keystone_error_response(error);
  }
  if (under(path, "/compute")) {
    return api::nova_error_response(error);
  }
  if (under(path, "/image")) {
    return api::glance_error_response(error, accept);
  }
  return api::neutron_error_response(error);
}

bool is_wildcard(const std::string& host) {
  return host == "0.0.0.0" || host == "::" || host.empty();
}

// A Host header is echoed into links; accept only what a host[:port] can contain.
bool plausible_host(const std::string& host) {
  if (host.empty() || host.size() > 255) {
    return false;
  }
  for (unsigned char c : host) {
    if (!std::isalnum(c) && c != '.' && c != '-' && c != ':' && c != '[' && c != ']') {
      return false;
    }
  }
  return true;
}

}  // namespace

ControllerApp::ControllerApp(ControllerConfig config)
    : config_(std::move(config)), consoles_(std::max(1, config_.api_workers / 2)) {
  std::filesystem::create_directories(config_.data_dir);
  store::SqliteOptions sqlite;
  sqlite.synchronous = config_.db_sync;
  store::PostgresOptions postgres;
  postgres.pool_size = config_.database_max_connections;
  postgres.acquire_timeout = std::chrono::seconds(config_.database_pool_timeout);
  db_ = store::open_database(config_.database_path(), sqlite, postgres);
  if (identity::needs_bootstrap(*db_)) {
    if (!config_.admin_password) {
      throw std::runtime_error(
          "the store at " + config_.database_name() +
          " has no users yet: give the admin password with --admin-password, the "
          "NEUTRINO_ADMIN_PASSWORD environment variable or admin_password in the config file");
    }
    try {
      identity::bootstrap(*db_, hasher_, *config_.admin_password);
    } catch (const store::ConstraintViolation&) {
      // Another controller on the same database bootstrapped it at the same moment.
      if (identity::needs_bootstrap(*db_)) {
        throw;
      }
    }
  }
  identity::TokenOptions token_options;
  token_options.ttl_seconds = config_.token_expiration;
  tokens_ = std::make_unique<identity::TokenService>(*db_, token_options);
  passwords_ = std::make_unique<identity::PasswordAuthenticator>(
      *db_, hasher_, SystemTimeSource::instance(), config_.lockout);
  const auto& lockout = config_.lockout;
  log::info("failed password logins: a user locks after ", lockout.failure_attempts, " for ",
            lockout.duration, "s, an address is blocked after ", lockout.source_failure_attempts,
            " within ", lockout.source_duration, "s (0: never)");
  keystone_ = std::make_unique<identity::KeystoneApi>(
      *db_, *tokens_, hasher_, *passwords_,
      [this](const http::Request& request) { return public_base_url(request); });
  keystone_->register_routes(identity_router_);
  neutron_ = std::make_unique<neutron::NeutronApi>(
      *db_, *tokens_, config_.network,
      [this](const http::Request& request) { return public_base_url(request); });
  neutron_->register_routes(network_router_);
  const auto base_url = [this](const http::Request& request) { return public_base_url(request); };
  images_ = std::make_unique<image::ImageService>(
      *db_, image::ImageSettings{config_.image_directory(), config_.user_storage_quota,
                                 config_.image_size_cap});
  image_api_ =
      std::make_unique<image::ImageApi>(*images_, *tokens_, config_.agent_secret, base_url);
  image_api_->register_routes(image_router_);
  servers_ = std::make_unique<compute::ServerOperations>(*db_, neutron_->ports(), config_.compute);
  compute_ = std::make_unique<compute::ComputeApi>(*db_, *tokens_, *servers_, consoles_,
                                                   config_.compute, base_url);
  compute_->register_routes(compute_router_);
  instances_ = std::make_unique<metadata::InstanceApi>(
      *db_, *tokens_, [this](const http::Request& request) { return public_base_url(request); });
  instances_->register_routes(network_router_);
  // The fan-out consistency check the multi-host tests run after each step: admin only.
  network_router_.add("GET", "/debug/fanout-consistency",
                      [this](const http::Request& request, const http::PathParams&) {
                        const auto token = request.header("x-auth-token");
                        const auto caller = token ? tokens_->validate(*token) : std::nullopt;
                        if (!caller) {
                          throw api::unauthorized();
                        }
                        if (!caller->is_admin()) {
                          throw api::forbidden("(rule:fanout_consistency) is disallowed by policy");
                        }
                        if (!channel_) {
                          throw api::not_found("No agent channel is configured.");
                        }
                        const auto diverging = channel_->diverging_hosts();
                        return http::Response::json(200, {{"revision", channel_->revision()},
                                                          {"consistent", diverging.empty()},
                                                          {"diverging_hosts", diverging}});
                      });
}

ControllerApp::~ControllerApp() {
  stop();
}

std::string ControllerApp::public_base_url(const http::Request& request) const {
  if (!config_.public_url.empty()) {
    return config_.public_url;
  }
  if (is_wildcard(config_.listen_host)) {
    if (const auto host = request.header("host"); host && plausible_host(*host)) {
      return (config_.tls() ? "https://" : "http://") + *host;
    }
  }
  return bound_url();
}

std::string ControllerApp::bound_url() const {
  MutexLock lock(bound_url_mutex_);
  return bound_url_;
}

http::Response ControllerApp::handle(const http::Request& request) {
  const int64_t started = clock::now_unix_micros();
  http::Response response = route(request);
  log::debug(request.method, " ", request.target, " ", response.status, " ",
             clock::now_unix_micros() - started, "us");
  return response;
}

http::Response ControllerApp::route(const http::Request& request) {
  const bool identity = under(request.path, "/v3");
  const bool compute = under(request.path, "/compute");
  const bool image = under(request.path, "/image");
  const std::string accept = request.header("accept").value_or("");
  const auto render = [&](const api::ApiError& e) {
    return render_for_path(request.path, accept, e);
  };
  try {
    const http::Router& router = identity  ? identity_router_
                                 : compute ? compute_router_
                                 : image   ? image_router_
                                           : network_router_;
    const auto match = router.match(request.method, request.path);
    if (match.handler == nullptr) {
      if (match.path_known) {
        throw api::ApiError(405, "HTTPMethodNotAllowed",
                            "The method " + request.method + " is not allowed for this resource.");
      }
      throw api::not_found("The resource could not be found.");
    }
    return (*match.handler)(request, match.params);
  } catch (const api::ApiError& error) {
    return render(error);
  } catch (const store::StoreUnavailable& error) {
    // The disk is full or failing: this write is refused, the store is intact, reads go on.
    http::Response response = render(api::store_unavailable(error));
    return api::with_retry_after(response);
  } catch (const std::exception& error) {
    log::error("request ", request.method, " ", request.target, " failed: ", error.what());
    return render(api::ApiError(500, "HTTPInternalServerError",
                                "Request Failed: internal server error while processing your "
                                "request."));
  }
}

bool ControllerApp::streams_body(const std::string& method, const std::string& path) const {
  return under(path, "/image") && image_router_.match(method, path).stream != nullptr;
}

http::StreamStart ControllerApp::start_stream(const http::Request& head) {
  const auto match = image_router_.match(head.method, head.path);
  try {
    if (match.stream == nullptr) {
      throw api::not_found("The resource could not be found.");
    }
    return (*match.stream)(head, match.params);
  } catch (const api::ApiError& error) {
    return render_for_path(head.path, head.header("accept").value_or(""), error);
  } catch (const store::StoreUnavailable& error) {
    http::Response response = render_for_path(head.path, head.header("accept").value_or(""),
                                              api::store_unavailable(error));
    return api::with_retry_after(response);
  }
}

void ControllerApp::start() {
  if (server_) {
    return;
  }
  // A stale file from an earlier run must not send clients to a dead port.
  std::filesystem::remove(config_.url_file_path());
  raise_fd_limit_for_listeners();
  // Before the API serves: its worker threads call the change listeners this installs.
  start_agent_channel();
  http::ServerOptions options = config_.http;
  options.address = config_.listen_host;
  options.port = config_.listen_port;
  options.threads = config_.api_workers;
  options.tls_cert_file = config_.tls_cert_file;
  options.tls_key_file = config_.tls_key_file;
  // The server's own refusals (413, 503, ...) in the format of the API the path belongs to.
  options.render_error = [](int status, const std::string& type, const std::string& message,
                            const std::string& path) {
    return render_for_path(path, "", api::ApiError(status, type, message));
  };
  // Image data is streamed to the data directory, bounded by image_size_cap and the storage
  // quota instead of max_request_body_size.
  options.streaming.wants = [this](const std::string& method, const std::string& path) {
    return streams_body(method, path);
  };
  options.streaming.start = [this](const http::Request& head) { return start_stream(head); };
  auto server = std::make_unique<http::HttpServer>(
      options, [this](const http::Request& request) { return handle(request); });
  server->start();
  std::string host = is_wildcard(config_.listen_host) ? "127.0.0.1" : config_.listen_host;
  if (host.find(':') != std::string::npos) {
    host = "[" + host + "]";
  }
  const std::string url = std::string(server->tls() ? "https" : "http") + "://" + host + ":" +
                          std::to_string(server->port());
  {
    MutexLock lock(bound_url_mutex_);
    bound_url_ = url;
  }
  server_ = std::move(server);
  start_metadata_service();
  // Finishes deleting servers whose host died before its agent could destroy them.
  reaper_ = std::make_unique<PeriodicTask>("compute reaper", std::chrono::seconds(5),
                                           [this] { servers_->reap(); });
  publish_url();
  log::info("neutrino-controller serving on ", url,
            config_.public_url.empty() ? "" : " (public URL " + config_.public_url + ")");
}

void ControllerApp::raise_fd_limit_for_listeners() {
  const FdLimit limit = raise_fd_limit();
  log::info("file descriptor limit ", limit.now,
            limit.now > limit.before ? " (raised from " + std::to_string(limit.before) + ")" : "");
  // Each connection is a descriptor; the store, channel and logs need some more.
  const uint64_t wanted = config_.http.max_connections + config_.metadata_max_connections + 256;
  if (limit.now < wanted) {
    log::warning("the file descriptor limit ", limit.now, " is below what the connection limits ",
                 "need (", wanted, "): raise the hard limit (LimitNOFILE=, ulimit -Hn) or lower ",
                 "max_connections");
  }
}

void ControllerApp::start_agent_channel() {
  if (config_.agent_secret.empty()) {
    log::warning(
        "no agent secret configured (--agent-secret, NEUTRINO_AGENT_SECRET): agents "
        "cannot connect");
    return;
  }
  channel::ChannelServerOptions options;
  options.address = config_.agent_listen_host;
  options.port = config_.agent_listen_port;
  options.secret = config_.agent_secret;
  options.heartbeat_seconds = config_.agent_heartbeat;
  options.max_backlog_bytes = static_cast<size_t>(config_.agent_max_backlog);
  options.full_recompute = config_.fanout_full_recompute;
  options.on_dhcp_ports = [this](const std::string& host,
                                 const std::vector<std::string>& networks) {
    neutron_->ensure_dhcp_ports(host, networks);
  };
  options.tls = {config_.agent_tls_cert_file, config_.agent_tls_key_file,
                 config_.agent_tls_ca_file};
  options.compute = compute_hooks();
  channel_ = std::make_unique<channel::AgentChannelServer>(options, *db_, neutron_->agents());
  changes_ = std::make_unique<StoreChangeRelay>(*db_, [this] { channel_->notify_change(); });
  // Installed while no other thread runs: the listener is a plain std::function that the API
  // workers and the channel's own thread (on_dhcp_ports) call without a lock.
  neutron_->set_change_listener([this] { changes_->changed(); });
  servers_->set_change_listener([this] { changes_->changed(); });
  consoles_.set_channel(channel_.get());
  channel_->start();
  const std::string address = config_.agent_listen_host + ":" + std::to_string(channel_->port());
  std::ofstream(config_.agent_url_file_path(), std::ios::trunc) << address;
  log::info("agents connect to ", address,
            !channel_->tls()                    ? " (plain TCP)"
            : config_.agent_tls_ca_file.empty() ? " (TLS)"
                                                : " (TLS, client certificates required)");
}

channel::ComputeHooks ControllerApp::compute_hooks() {
  channel::ComputeHooks hooks;
  hooks.on_hello = [this](const std::string& host, const Json& compute,
                          const std::string& tunnel_ip) {
    db_->write([&](store::SqlSession& s) {
      compute::ComputeHosts::register_host(s, host, compute, tunnel_ip,
                                           config_.compute.default_availability_zone);
    });
  };
  hooks.on_instance_states = [this](const std::string& host, const Json& instances) {
    servers_->apply_reports(host, instances);
  };
  hooks.on_reboots_applied = [this](const std::string& host,
                                    const std::vector<std::pair<std::string, int64_t>>& counts) {
    servers_->reboots_applied(host, counts);
  };
  return hooks;
}

void ControllerApp::start_metadata_service() {
  if (config_.metadata_secret.empty()) {
    log::warning(
        "no metadata secret configured (--metadata-secret, NEUTRINO_METADATA_SECRET): the "
        "metadata service is off");
    return;
  }
  metadata_ = std::make_unique<metadata::MetadataService>(*db_, config_.metadata_secret,
                                                          config_.dhcp_domain);
  http::ServerOptions options = config_.http;
  options.address = config_.metadata_listen_host;
  options.port = config_.metadata_listen_port;
  options.threads = config_.api_workers;
  options.max_body_bytes = 64 * 1024;  // guests only GET
  options.max_connections = config_.metadata_max_connections;
  auto server = std::make_unique<http::HttpServer>(
      options, [this](const http::Request& request) { return metadata_->handle(request); });
  server->start();
  std::string host =
      is_wildcard(config_.metadata_listen_host) ? "127.0.0.1" : config_.metadata_listen_host;
  if (host.find(':') != std::string::npos) {
    host = "[" + host + "]";
  }
  metadata_url_ = "http://" + host + ":" + std::to_string(server->port());
  metadata_server_ = std::move(server);
  std::ofstream(config_.metadata_url_file_path(), std::ios::trunc) << metadata_url_;
  log::info("metadata service on ", metadata_url_);
}

void ControllerApp::publish_url() {
  // Written aside and renamed, so a reader never sees a half-written URL.
  const std::string path = config_.url_file_path();
  const std::string temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::trunc);
    out << bound_url();
    if (!out.flush()) {
      throw std::runtime_error("cannot write " + temp);
    }
  }
  std::filesystem::rename(temp, path);
}

void ControllerApp::stop() {
  if (!server_) {
    return;
  }
  server_->stop();
  server_.reset();
  reaper_.reset();
  if (metadata_server_) {
    metadata_server_->stop();
    metadata_server_.reset();
    std::error_code ignored;
    std::filesystem::remove(config_.metadata_url_file_path(), ignored);
  }
  if (channel_) {
    // The API workers and the reaper are gone; once the channel's thread is too, nothing
    // calls the listeners.
    channel_->stop();
    neutron_->set_change_listener([] {});
    servers_->set_change_listener([] {});
    consoles_.set_channel(nullptr);
    changes_.reset();
    channel_.reset();
  }
  std::error_code ignored;
  std::filesystem::remove(config_.url_file_path(), ignored);
  log::info("neutrino-controller stopped");
}

int ControllerApp::run() {
  run_until_terminated([this] { start(); }, [this] { stop(); });
  return 0;
}

}  // namespace neutrino::controller
