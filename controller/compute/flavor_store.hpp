#pragma once
// Nova's flavors (the flavors, flavor_extra_specs and flavor_projects tables). The API calls
// flavors by their flavorid; the integer primary key stays internal.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "controller/identity/auth_context.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::compute {

struct Flavor {
  int64_t db_id = 0;
  std::string flavorid;
  std::string name;
  int64_t memory_mb = 0;
  int64_t vcpus = 0;
  int64_t root_gb = 0;
  int64_t ephemeral_gb = 0;
  int64_t swap = 0;  // MB
  double rxtx_factor = 1.0;
  bool is_public = true;
  bool disabled = false;
  std::optional<std::string> description;
  std::map<std::string, std::string> extra_specs;
  int64_t created_at = 0;
};

class FlavorStore {
 public:
  static std::optional<Flavor> find(store::SqlSession& s, const std::string& flavorid);
  // The flavor if the caller may use it (public, admin, or its project was given access);
  // 404 "Flavor <id> could not be found." otherwise.
  static Flavor visible(store::SqlSession& s, const identity::AuthContext& ctx,
                        const std::string& flavorid);
  static bool accessible(store::SqlSession& s, const Flavor& flavor,
                         const identity::AuthContext& ctx);
  // Every flavor, by flavorid.
  static std::vector<Flavor> list(store::SqlSession& s);
  // Inserts; 409 FlavorExists / FlavorIdExists with Nova's messages.
  static Flavor create(store::SqlSession& s, Flavor flavor);
  static void remove(store::SqlSession& s, const Flavor& flavor);
  static void set_description(store::SqlSession& s, const Flavor& flavor,
                              const std::optional<std::string>& description);

  static std::vector<std::string> access_projects(store::SqlSession& s, const Flavor& flavor);
  // False when the pair already existed (add) or did not exist (remove).
  static bool add_access(store::SqlSession& s, const Flavor& flavor, const std::string& project);
  static bool remove_access(store::SqlSession& s, const Flavor& flavor, const std::string& project);

  static void set_extra_specs(store::SqlSession& s, const Flavor& flavor,
                              const std::map<std::string, std::string>& specs);
  static bool remove_extra_spec(store::SqlSession& s, const Flavor& flavor, const std::string& key);
};

}  // namespace neutrino::compute
