#pragma once
// Networks: create (with their segment), show, list, update, delete. Every method runs in the
// caller's transaction, so a bulk request is all-or-nothing and the API layer decides where
// transactions begin.
#include <optional>
#include <string>
#include <vector>

#include "common/json.hpp"
#include "controller/neutron/policy.hpp"
#include "controller/neutron/segment_allocator.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::neutron {

// A network row as services other than the API need it.
struct NetworkInfo {
  std::string id;
  std::string project_id;
  bool shared = false;
  bool external = false;  // router:external
  bool port_security_enabled = true;
  int mtu = 0;
};

class NetworkService {
 public:
  explicit NetworkService(const SegmentAllocator& segments) : segments_(segments) {}

  Json create(store::SqlSession& s, const AuthContext& ctx, const Json& attributes) const;
  Json show(store::SqlSession& s, const AuthContext& ctx, const std::string& id) const;
  std::vector<Json> list(store::SqlSession& s, const AuthContext& ctx) const;
  Json update(store::SqlSession& s, const AuthContext& ctx, const std::string& id,
              const Json& attributes) const;
  void remove(store::SqlSession& s, const AuthContext& ctx, const std::string& id) const;

  // The network if the caller may see it (its own, or an access_as_shared or
  // access_as_external policy names the caller's project or '*'), its `shared` as the caller
  // sees it; throws 404 NetworkNotFound otherwise.
  static NetworkInfo visible(store::SqlSession& s, const AuthContext& ctx, const std::string& id);
  // The network if the caller may attach ports to it (its own or shared with the caller):
  // another project's external network is seen, not used; 404 NetworkNotFound otherwise.
  static NetworkInfo attachable(store::SqlSession& s, const AuthContext& ctx,
                                const std::string& id);
  static std::optional<NetworkInfo> find(store::SqlSession& s, const std::string& id);
  // Marks a change: bumps revision_number and updated_at.
  static void touch(store::SqlSession& s, const std::string& id);

 private:
  // shared=True/False on update: creates or removes the wildcard access_as_shared policy;
  // 409 InvalidSharedSetting while other projects' ports depend on it.
  static void update_sharing(store::SqlSession& s, const NetworkInfo& network, bool shared);
  std::vector<Json> load(store::SqlSession& s, const AuthContext& ctx,
                         const std::optional<std::string>& id) const;

  const SegmentAllocator& segments_;
};

}  // namespace neutrino::neutron
