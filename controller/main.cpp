// neutrino-controller: parses its configuration and runs the controller until SIGTERM/SIGINT.
#include <iostream>
#include <string>
#include <vector>

#include "common/log.hpp"
#include "controller/app/controller_app.hpp"
#include "controller/app/controller_config.hpp"

int main(int argc, char** argv) {
  using namespace neutrino;
  controller::ControllerConfig config;
  try {
    config = controller::parse_controller_config(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const controller::ConfigError& error) {
    std::cerr << "neutrino-controller: " << error.what() << "\n"
              << "Try 'neutrino-controller --help'.\n";
    return 2;
  }
  if (config.show_help) {
    std::cout << controller::controller_usage();
    return 0;
  }
  log::set_level(log::parse_level(config.log_level));
  try {
    controller::ControllerApp app(std::move(config));
    return app.run();
  } catch (const std::exception& error) {
    log::error("neutrino-controller: ", error.what());
    return 1;
  }
}
