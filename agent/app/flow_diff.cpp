#include "agent/app/flow_diff.hpp"

#include <cstdio>
#include <set>

namespace neutrino::agent {
namespace {

namespace openflow = dataplane::openflow;

// Fields a dump shows that are no part of a flow's identity.
bool is_identity_free(const std::string& key) {
  static const std::set<std::string> kFields = {
      "cookie",        "idle_timeout", "hard_timeout",     "duration",      "n_packets",
      "n_bytes",       "idle_age",     "hard_age",         "importance",    "send_flow_rem",
      "check_overlap", "reset_counts", "no_packet_counts", "no_byte_counts"};
  return kFields.contains(key);
}

}  // namespace

std::string strict_delete_of(const std::string& flow, std::uint64_t cookie) {
  const size_t actions = flow.find("actions=");
  const std::string head = flow.substr(0, actions == std::string::npos ? flow.size() : actions);
  std::string out;
  size_t start = 0;
  while (start < head.size()) {
    size_t end = head.find_first_of(", ", start);
    if (end == std::string::npos) {
      end = head.size();
    }
    const std::string token = head.substr(start, end - start);
    start = end + 1;
    if (token.empty() || is_identity_free(token.substr(0, token.find('=')))) {
      continue;
    }
    out += (out.empty() ? "" : ",") + token;
  }
  char prefix[64];
  std::snprintf(prefix, sizeof prefix, "cookie=0x%llx/-1,",
                static_cast<unsigned long long>(cookie));
  return prefix + out;
}

std::vector<openflow::FlowChange> flow_diff(const std::vector<std::string>& installed,
                                            const std::vector<std::string>& desired,
                                            std::uint64_t cookie) {
  const std::set<std::string> have(installed.begin(), installed.end());
  const std::set<std::string> want(desired.begin(), desired.end());
  std::vector<openflow::FlowChange> changes;
  std::set<std::string> added;  // strict identities of the adds
  for (const auto& flow : want) {
    if (!have.contains(flow)) {
      changes.push_back(openflow::FlowChange::add(flow));
      added.insert(strict_delete_of(flow, cookie));
    }
  }
  for (const auto& flow : have) {
    if (!want.contains(flow)) {
      // A flow whose table, priority and match an add names is replaced by that add (an
      // OpenFlow add overwrites it); deleting it as well would delete the new one.
      if (auto identity = strict_delete_of(flow, cookie); !added.contains(identity)) {
        changes.push_back(openflow::FlowChange::remove_strict(std::move(identity)));
      }
    }
  }
  return changes;
}

}  // namespace neutrino::agent
