#include "controller/neutron/router_port_status.hpp"

#include "controller/neutron/l3_ports.hpp"
#include "controller/neutron/port_service.hpp"

namespace neutrino::neutron {

void RouterPortStatus::sync(store::SqlSession& s, const std::string& router_id) {
  const auto router = s.query("SELECT admin_state_up FROM routers WHERE id = ?", {router_id});
  if (router.empty()) {
    return;
  }
  const std::string status = router[0].boolean(0) ? "ACTIVE" : "DOWN";
  for (const auto& r : s.query("SELECT p.id FROM routerports rp JOIN ports p ON p.id = "
                               "rp.port_id WHERE rp.router_id = ? AND rp.port_type = ? AND "
                               "p.status <> ?",
                               {router_id, std::string(kRouterInterfaceOwner), status})) {
    s.execute("UPDATE ports SET status = ? WHERE id = ?", {status, r.text(0)});
    PortService::touch(s, r.text(0));
  }
}

}  // namespace neutrino::neutron
