// neutrino-agent: parses its configuration and runs the agent; the logic lives in libraries.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "agent/app/agent.hpp"
#include "common/log.hpp"

int main(int argc, char** argv) {
  using namespace neutrino;
  try {
    const agent::AgentConfig config =
        agent::parse_agent_config(std::vector<std::string>(argv + 1, argv + argc),
                                  [](const std::string& name) -> std::optional<std::string> {
                                    const char* value = std::getenv(name.c_str());
                                    return value ? std::optional<std::string>(value) : std::nullopt;
                                  });
    if (config.show_help) {
      std::fputs(agent::agent_usage().c_str(), stdout);
      return 0;
    }
    log::set_level(log::parse_level(config.log_level));
    agent::Agent agent(config);
    return agent.run();
  } catch (const agent::AgentConfigError& e) {
    std::fprintf(stderr, "neutrino-agent: %s\n\n%s", e.what(), agent::agent_usage().c_str());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "neutrino-agent: %s\n", e.what());
    return 1;
  }
}
