#include "controller/app/controller_app.hpp"

#include <pthread.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "common/clock.hpp"
#include "common/log.hpp"
#include "common/termination.hpp"
#include "controller/api/api_error.hpp"
#include "controller/identity/bootstrap.hpp"

namespace neutrino::controller {
namespace {

bool is_identity_path(const std::string& path) {
  return path == "/v3" || path.rfind("/v3/", 0) == 0;
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

ControllerApp::ControllerApp(ControllerConfig config) : config_(std::move(config)) {
  std::filesystem::create_directories(config_.data_dir);
  store::SqliteOptions options;
  options.synchronous = config_.db_sync;
  db_ = std::make_unique<store::SqliteDatabase>(config_.database_path(), options);
  if (identity::needs_bootstrap(*db_)) {
    if (!config_.admin_password) {
      throw std::runtime_error(
          "the store at " + config_.database_path() +
          " has no users yet: give the admin password with --admin-password, the "
          "NEUTRINO_ADMIN_PASSWORD environment variable or admin_password in the config file");
    }
    identity::bootstrap(*db_, hasher_, *config_.admin_password);
  }
  identity::TokenOptions token_options;
  token_options.ttl_seconds = config_.token_expiration;
  tokens_ = std::make_unique<identity::TokenService>(*db_, token_options);
  keystone_ = std::make_unique<identity::KeystoneApi>(
      *db_, *tokens_, hasher_,
      [this](const http::Request& request) { return public_base_url(request); });
  keystone_->register_routes(identity_router_);
  neutron_ = std::make_unique<neutron::NeutronApi>(
      *db_, *tokens_, config_.network,
      [this](const http::Request& request) { return public_base_url(request); });
  neutron_->register_routes(network_router_);
  instances_ = std::make_unique<metadata::InstanceApi>(
      *db_, *tokens_, [this](const http::Request& request) { return public_base_url(request); });
  instances_->register_routes(network_router_);
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
  const bool identity = is_identity_path(request.path);
  const auto render = identity ? api::keystone_error_response : api::neutron_error_response;
  try {
    const http::Router& router = identity ? identity_router_ : network_router_;
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
  } catch (const std::exception& error) {
    log::error("request ", request.method, " ", request.target, " failed: ", error.what());
    return render(api::ApiError(500, "HTTPInternalServerError",
                                "Request Failed: internal server error while processing your "
                                "request."));
  }
}

void ControllerApp::start() {
  if (server_) {
    return;
  }
  // A stale file from an earlier run must not send clients to a dead port.
  std::filesystem::remove(config_.url_file_path());
  // Before the API serves: its worker threads call the change listener this installs.
  start_agent_channel();
  http::ServerOptions options;
  options.address = config_.listen_host;
  options.port = config_.listen_port;
  options.threads = config_.api_workers;
  options.tls_cert_file = config_.tls_cert_file;
  options.tls_key_file = config_.tls_key_file;
  auto server = std::make_unique<http::HttpServer>(
      options, [this](const http::Request& request) { return handle(request); });
  server->start();
  std::string host = is_wildcard(config_.listen_host) ? "127.0.0.1" : config_.listen_host;
  if (host.find(':') != std::string::npos) {
    host = "[" + host + "]";
  }
  bound_url_ = std::string(server->tls() ? "https" : "http") + "://" + host + ":" +
               std::to_string(server->port());
  server_ = std::move(server);
  start_metadata_service();
  publish_url();
  log::info("neutrino-controller serving on ", bound_url_,
            config_.public_url.empty() ? "" : " (public URL " + config_.public_url + ")");
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
  options.on_dhcp_ports = [this](const std::string& host,
                                 const std::vector<std::string>& networks) {
    neutron_->ensure_dhcp_ports(host, networks);
  };
  options.tls = {config_.agent_tls_cert_file, config_.agent_tls_key_file,
                 config_.agent_tls_ca_file};
  channel_ = std::make_unique<channel::AgentChannelServer>(options, *db_, neutron_->agents());
  // Installed while no other thread runs: the listener is a plain std::function that the API
  // workers and the channel's own thread (on_dhcp_ports) call without a lock.
  neutron_->set_change_listener([this] { channel_->notify_change(); });
  channel_->start();
  const std::string address = config_.agent_listen_host + ":" + std::to_string(channel_->port());
  std::ofstream(config_.agent_url_file_path(), std::ios::trunc) << address;
  log::info("agents connect to ", address,
            !channel_->tls()                    ? " (plain TCP)"
            : config_.agent_tls_ca_file.empty() ? " (TLS)"
                                                : " (TLS, client certificates required)");
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
  http::ServerOptions options;
  options.address = config_.metadata_listen_host;
  options.port = config_.metadata_listen_port;
  options.threads = config_.api_workers;
  options.max_body_bytes = 64 * 1024;  // guests only GET
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
    out << bound_url_;
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
  if (metadata_server_) {
    metadata_server_->stop();
    metadata_server_.reset();
    std::error_code ignored;
    std::filesystem::remove(config_.metadata_url_file_path(), ignored);
  }
  if (channel_) {
    // The API workers are gone; once the channel's thread is too, nothing calls the listener.
    channel_->stop();
    neutron_->set_change_listener([] {});
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
