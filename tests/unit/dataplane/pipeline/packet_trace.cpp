#include "tests/unit/dataplane/pipeline/packet_trace.hpp"

#include <algorithm>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace neutrino::dataplane::pipeline {
namespace {

// Splits "a,b(c,d),e" at the commas outside parentheses.
std::vector<std::string> split_top_level(const std::string& text) {
  std::vector<std::string> out;
  std::string current;
  int depth = 0;
  for (const char c : text) {
    if (c == ',' && depth == 0) {
      out.push_back(current);
      current.clear();
      continue;
    }
    depth += c == '(' ? 1 : c == ')' ? -1 : 0;
    current += c;
  }
  if (!current.empty()) {
    out.push_back(current);
  }
  return out;
}

// The text inside the outermost parentheses of "name(...)".
std::string inner(const std::string& action) {
  const auto open = action.find('(');
  return action.substr(open + 1, action.size() - open - 2);
}

std::string capture(const std::string& text, const std::string& pattern) {
  std::smatch match;
  if (!std::regex_search(text, match, std::regex(pattern))) {
    throw std::runtime_error("no " + pattern + " in " + text);
  }
  return match[1];
}

std::string line_after(const std::string& text, const std::string& label) {
  const auto at = text.rfind(label);
  if (at == std::string::npos) {
    throw std::runtime_error("no \"" + label + "\" in the trace:\n" + text);
  }
  const auto start = at + label.size();
  return text.substr(start, text.find('\n', start) - start);
}

}  // namespace

std::ostream& operator<<(std::ostream& out, const TracedOutput& o) {
  out << "{" << o.port;
  if (o.vlan) {
    out << " vlan " << *o.vlan;
  }
  if (o.vni) {
    out << " vni " << *o.vni << " to " << o.tunnel_dst;
  }
  return out << "}";
}

PacketTrace::PacketTrace(const testing::OvsSandbox& sandbox, const std::string& bridge,
                         const std::string& flow) {
  // "    n1a2ba1 1/3: (tap)": name, ofport / datapath port.
  std::istringstream show(sandbox.appctl("vswitchd", {"dpif/show"}));
  // VXLAN interfaces share one datapath port: they are told apart by their remote_ip.
  const std::regex port(R"(^\s+(\S+) (\d+|LOCAL)/(\d+):)");
  const std::regex tunnel(R"(^\s+(\S+) \d+/\d+: \(vxlan:.*remote_ip=([0-9.]+))");
  for (std::string line; std::getline(show, line);) {
    std::smatch match;
    if (std::regex_search(line, match, tunnel)) {
      tunnels_.emplace_back(match[2], match[1]);
    } else if (std::regex_search(line, match, port)) {
      odp_ports_.emplace_back(std::stoi(match[3]), match[1]);
    }
  }
  text_ = sandbox.appctl("vswitchd", {"ofproto/trace", bridge, flow});
  final_flow_ = line_after(text_, "Final flow: ");
  // A frame traced in with a tag (from a patch port) carries it until an action removes it.
  State initial;
  std::smatch vlan;
  if (std::regex_search(flow, vlan, std::regex(R"(dl_vlan=(\d+))"))) {
    initial.vlans.push_back(std::stoi(vlan[1]));
  }
  parse_actions(line_after(text_, "Datapath actions: "), initial);
}

void PacketTrace::parse_actions(const std::string& actions, State state) {
  for (const auto& action : split_top_level(actions)) {
    if (!action.empty() && std::all_of(action.begin(), action.end(), ::isdigit)) {
      if (state.encapsulated) {
        continue;  // the underlay frame of a tunnel output recorded at its tnl_push
      }
      const int number = std::stoi(action);
      const auto it = std::find_if(odp_ports_.begin(), odp_ports_.end(),
                                   [&](const auto& p) { return p.first == number; });
      TracedOutput out{.port = it == odp_ports_.end() ? action : it->second};
      if (!state.vlans.empty()) {
        out.vlan = state.vlans.back();
      }
      outputs_.push_back(out);
    } else if (action.starts_with("push_vlan(")) {
      state.vlans.push_back(std::stoi(capture(action, R"(vid=(\d+))")));
    } else if (action == "pop_vlan") {
      if (!state.vlans.empty()) {
        state.vlans.pop_back();
      }
    } else if (action.starts_with("clone(")) {
      parse_actions(inner(action), state);  // a copy: its changes end with it
    } else if (action.starts_with("tnl_push(")) {
      const std::string dst = capture(action, R"(ipv4\(src=[0-9.]+,dst=([0-9.]+))");
      const auto it = std::find_if(tunnels_.begin(), tunnels_.end(),
                                   [&](const auto& t) { return t.first == dst; });
      outputs_.push_back(
          TracedOutput{.port = it == tunnels_.end() ? "vxlan to " + dst : it->second,
                       .vni = std::stoull(capture(action, R"(vni=(0x[0-9a-f]+))"), nullptr, 16),
                       .tunnel_dst = dst});
      state.encapsulated = true;
    }
    // Anything else (set(...), drop, ...) does not change where copies go.
  }
}

std::vector<std::string> PacketTrace::ports() const {
  std::vector<std::string> out;
  for (const auto& o : outputs_) {
    out.push_back(o.port);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace neutrino::dataplane::pipeline
