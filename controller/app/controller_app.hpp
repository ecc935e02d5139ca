#pragma once
// Wires the controller together: the store, identity (tokens, Keystone API), the routers and
// the HTTP server. Requests under /v3 go to the identity router and fail in Keystone's error
// shape, /compute to the compute router (Nova's faults), /image to the image router (Glance's
// error pages); everything else goes to the network router and fails in Neutron's.
#include <memory>
#include <string>

#include "controller/app/channel_console_source.hpp"
#include "controller/app/controller_config.hpp"
#include "controller/app/periodic_task.hpp"
#include "controller/app/store_change_relay.hpp"
#include "controller/channel/agent_channel_server.hpp"
#include "controller/compute/compute_api.hpp"
#include "controller/compute/server_operations.hpp"
#include "controller/http/http_server.hpp"
#include "controller/http/router.hpp"
#include "controller/identity/keystone_api.hpp"
#include "controller/identity/password_authenticator.hpp"
#include "controller/identity/password_hasher.hpp"
#include "controller/identity/token_service.hpp"
#include "controller/image/image_api.hpp"
#include "controller/image/image_service.hpp"
#include "controller/metadata/instance_api.hpp"
#include "controller/metadata/metadata_service.hpp"
#include "controller/neutron/neutron_api.hpp"
#include "controller/store/open_database.hpp"

namespace neutrino::controller {

class ControllerApp {
 public:
  // Opens (creating) the data directory and store, and bootstraps the admin on an empty store.
  // Throws std::runtime_error when the store is empty and no admin password was given.
  explicit ControllerApp(ControllerConfig config);
  ~ControllerApp();
  ControllerApp(const ControllerApp&) = delete;
  ControllerApp& operator=(const ControllerApp&) = delete;

  const ControllerConfig& config() const { return config_; }
  store::Database& database() { return *db_; }
  // What the network API authenticates X-Auth-Token with.
  identity::TokenValidator& token_validator() { return *tokens_; }
  // Every non-/v3 route: Neutron's, including GET /.
  http::Router& network_router() { return network_router_; }
  http::Router& identity_router() { return identity_router_; }
  compute::ServerOperations& servers() { return *servers_; }

  // The front dispatcher the server calls; public so tests can drive it without sockets.
  http::Response handle(const http::Request& request);
  // The base URL clients should use for links and the catalog: --public-url, else the host
  // the client addressed when listening on a wildcard address, else the bound URL.
  std::string public_base_url(const http::Request& request) const;

  // Binds, serves, and publishes the bound URL in <data dir>/controller.url.
  void start();
  // Stops serving and removes controller.url. Idempotent.
  void stop();
  // "http://127.0.0.1:41234"; empty before start().
  const std::string& bound_url() const { return bound_url_; }
  // "http://127.0.0.1:8775" once the metadata service serves (it needs a metadata secret).
  const std::string& metadata_url() const { return metadata_url_; }
  // start(), wait for SIGTERM or SIGINT, stop(). Returns the process exit code.
  int run();

 private:
  http::Response route(const http::Request& request);
  // Streaming routes (image uploads): whether a request's route takes its body as a stream,
  // and the route's sink for it.
  bool streams_body(const std::string& method, const std::string& path) const;
  http::StreamStart start_stream(const http::Request& head);
  void publish_url();
  // Raises RLIMIT_NOFILE to the hard limit and logs it: a soft limit of 1024 would cap the
  // listeners below their max_connections.
  void raise_fd_limit_for_listeners();
  void start_agent_channel();
  void start_metadata_service();
  channel::ComputeHooks compute_hooks();

  ControllerConfig config_;
  std::unique_ptr<store::Database> db_;
  identity::PasswordHasher hasher_;
  std::unique_ptr<identity::PasswordAuthenticator> passwords_;
  std::unique_ptr<identity::TokenService> tokens_;
  std::unique_ptr<identity::KeystoneApi> keystone_;
  std::unique_ptr<neutron::NeutronApi> neutron_;
  http::Router identity_router_;
  http::Router network_router_;
  std::unique_ptr<http::HttpServer> server_;
  std::unique_ptr<channel::AgentChannelServer> channel_;
  std::unique_ptr<StoreChangeRelay> changes_;  // wakes channel_, here and on other controllers
  std::unique_ptr<image::ImageService> images_;
  std::unique_ptr<image::ImageApi> image_api_;
  http::Router image_router_;
  std::unique_ptr<compute::ServerOperations> servers_;
  ChannelConsoleSource consoles_;
  std::unique_ptr<compute::ComputeApi> compute_;
  http::Router compute_router_;
  std::unique_ptr<PeriodicTask> reaper_;
  std::unique_ptr<metadata::InstanceApi> instances_;
  std::unique_ptr<metadata::MetadataService> metadata_;
  std::unique_ptr<http::HttpServer> metadata_server_;
  std::string metadata_url_;
  std::string bound_url_;
};

}  // namespace neutrino::controller
