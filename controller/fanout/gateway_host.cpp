#include "controller/fanout/gateway_host.hpp"

#include <cstdint>
#include <optional>
#include <utility>

#include "common/json.hpp"

namespace neutrino::fanout {
namespace {

// FNV-1a, 64 bits: the same on every controller and across restarts, unlike std::hash.
uint64_t stable_hash(const std::string& text) {
  uint64_t hash = 14695981039346656037ULL;
  for (const unsigned char c : text) {
    hash = (hash ^ c) * 1099511628211ULL;
  }
  return hash;
}

std::optional<std::string> physnet_of(store::SqlSession& s, const std::string& network_id) {
  const auto rows = s.query(
      "SELECT physical_network FROM networksegments WHERE network_id = ? ORDER BY segment_index",
      {network_id});
  if (rows.empty() || rows[0].is_null(0)) {
    return std::nullopt;
  }
  return rows[0].text(0);
}

}  // namespace

std::string choose_gateway_host(const std::string& router_id,
                                const std::vector<std::string>& candidates) {
  std::string best;
  std::pair<uint64_t, std::string> best_rank;
  for (const auto& host : candidates) {
    std::pair<uint64_t, std::string> rank{stable_hash(router_id + "|" + host), host};
    if (best.empty() || rank < best_rank) {
      best = host;
      best_rank = std::move(rank);
    }
  }
  return best;
}

std::vector<std::string> gateway_candidates(store::SqlSession& s, const std::string& network_id) {
  const auto physnet = physnet_of(s, network_id);
  std::vector<std::string> out;
  for (const auto& r : s.query("SELECT host, configurations FROM agents WHERE agent_type = "
                               "'Open vSwitch agent' AND channel_session IS NOT NULL ORDER BY host",
                               {})) {
    const Json config = Json::parse(r.text(1), nullptr, false);
    const Json mappings =
        config.is_object() ? config.value("bridge_mappings", Json::object()) : Json::object();
    if (!physnet || (mappings.is_object() && mappings.contains(*physnet))) {
      out.push_back(r.text(0));
    }
  }
  return out;
}

std::string gateway_tunnel_ip(store::SqlSession& s, const std::string& host) {
  if (host.empty()) {
    return "";
  }
  const auto rows = s.query(
      "SELECT configurations FROM agents WHERE agent_type = 'Open vSwitch agent' AND host = ?",
      {host});
  if (rows.empty()) {
    return "";
  }
  const Json config = Json::parse(rows[0].text(0), nullptr, false);
  const auto ip = config.is_object() ? config.find("tunneling_ip") : config.end();
  return ip != config.end() && ip->is_string() ? ip->get<std::string>() : "";
}

}  // namespace neutrino::fanout
