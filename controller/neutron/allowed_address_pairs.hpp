#pragma once
// The allowed_address_pairs attribute of ports (allowed-address-pairs): addresses or CIDRs,
// each with a MAC (the port's own unless given), that anti-spoofing lets the port send from
// besides its fixed IPs. Neutron's validation and limits, and its rule that a port with pairs
// keeps port security on.
#include <map>
#include <string>

#include "common/json.hpp"
#include "controller/neutron/id_selection.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::neutron {

struct AddressPairsPort {
  std::string id;
  std::string mac;            // the port's after the request
  bool port_security = true;  // the port's after the request
};

class AllowedAddressPairs {
 public:
  // Neutron's max_allowed_address_pair default.
  static constexpr size_t kMaxPairs = 10;

  // Throws Neutron's 400s for a malformed request (to be called before policy, as Neutron
  // validates attributes first). A request without the attribute passes.
  static void validate(const Json& attributes);
  // Stores a new port's pairs; 409 AddressPairAndPortSecurityRequired with port security off.
  static void on_create(store::SqlSession& s, const AddressPairsPort& port, const Json& attributes);
  // Replaces the pairs if the request names them, and refuses (409) to leave a port with pairs
  // and without port security, whichever of the two the request changes.
  static void on_update(store::SqlSession& s, const AddressPairsPort& port, const Json& attributes);
  // [{"ip_address", "mac_address"}] per port, in the order given, for the ports selected.
  static std::map<std::string, Json> load(store::SqlSession& s, const IdSelection& ports);
};

}  // namespace neutrino::neutron
