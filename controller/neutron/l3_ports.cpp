#include "controller/neutron/l3_ports.hpp"

#include "common/clock.hpp"
#include "controller/api/api_error.hpp"
#include "controller/neutron/tag_store.hpp"
#include "controller/store/change_journal.hpp"

namespace neutrino::neutron {
namespace {

AuthContext service_context(const std::string& project_id) {
  AuthContext ctx;
  ctx.roles = {"admin"};
  ctx.project_id = project_id.empty() ? "l3" : project_id;
  return ctx;
}

L3Subnet subnet_from(const store::SqlRow& r) {
  return L3Subnet{r.text(0),
                  r.text(1),
                  r.text(2),
                  r.text(3),
                  r.is_null(4) ? std::nullopt : std::optional<std::string>(r.text(4)),
                  static_cast<int>(r.integer(5))};
}

constexpr const char* kSubnetColumns =
    "SELECT s.id, s.network_id, s.project_id, s.cidr, s.gateway_ip, s.ip_version, n.shared "
    "FROM subnets s JOIN networks n ON n.id = s.network_id WHERE s.id = ?";

}  // namespace

std::string L3Ports::create(store::SqlSession& s, const std::string& network_id,
                            const std::string& project_id, const std::string& device_owner,
                            const std::string& device_id,
                            const std::optional<Json>& fixed_ips) const {
  const AuthContext ctx = service_context(project_id);
  Json attributes = {{"network_id", network_id},     {"project_id", ctx.project_id},
                     {"device_owner", device_owner}, {"device_id", device_id},
                     {"admin_state_up", true},       {"name", ""}};
  if (fixed_ips) {
    attributes["fixed_ips"] = *fixed_ips;
  }
  const std::string id = ports_.create(s, ctx, attributes)["id"].get<std::string>();
  if (project_id.empty()) {
    s.execute("UPDATE ports SET project_id = '' WHERE id = ?", {id});
  }
  return id;
}

void L3Ports::remove(store::SqlSession& s, const std::string& port_id) const {
  TagStore::remove_all(s, "ports", port_id);
  s.execute("DELETE FROM ports WHERE id = ?", {port_id});
  store::ChangeJournal::append(s, store::JournalKind::kPort, port_id);
}

Json L3Ports::show(store::SqlSession& s, const std::string& port_id) const {
  return ports_.show(s, service_context(""), port_id);
}

std::optional<L3Subnet> L3Ports::find_subnet(store::SqlSession& s, const std::string& id) {
  const auto rows = s.query(kSubnetColumns, {id});
  if (rows.empty()) {
    return std::nullopt;
  }
  return subnet_from(rows[0]);
}

L3Subnet L3Ports::visible_subnet(store::SqlSession& s, const AuthContext& ctx,
                                 const std::string& id) {
  const auto rows = s.query(kSubnetColumns, {id});
  if (rows.empty() || !(owns(ctx, rows[0].text(2)) || rows[0].boolean(6))) {
    throw api::not_found("Subnet " + id + " could not be found.", "SubnetNotFound");
  }
  return subnet_from(rows[0]);
}

void L3Ports::before_port_delete(store::SqlSession& s, const std::string& port_id) {
  const auto rows = s.query("SELECT device_owner FROM ports WHERE id = ?", {port_id});
  if (rows.empty()) {
    return;
  }
  const std::string owner = rows[0].text(0);
  const bool held =
      owner == kFloatingIpOwner
          ? !s.query("SELECT 1 FROM floatingips WHERE floating_port_id = ?", {port_id}).empty()
          : !s.query("SELECT 1 FROM routerports WHERE port_id = ?", {port_id}).empty();
  if (held) {
    throw api::conflict("ServicePortInUse", "Port " + port_id +
                                                " cannot be deleted directly via the port API: "
                                                "has device owner " +
                                                owner + ".");
  }
  store::ChangeJournal::append_selected(s, store::JournalKind::kFloatingIp,
                                        "SELECT id FROM floatingips WHERE fixed_port_id = ?",
                                        {port_id});
  s.execute(
      "UPDATE floatingips SET fixed_port_id = NULL, fixed_ip_address = NULL, router_id = NULL, "
      "status = 'DOWN', revision_number = revision_number + 1, updated_at = ? "
      "WHERE fixed_port_id = ?",
      {clock::now_unix_seconds(), port_id});
}

}  // namespace neutrino::neutron
