#pragma once
// Keystone's JSON shapes for each resource. `base` is the public URL of the controller without
// a trailing slash ("http://127.0.0.1:9696"); links and the catalog are built from it.
#include <string>

#include "common/json.hpp"
#include "controller/identity/group_store.hpp"
#include "controller/identity/identity_records.hpp"
#include "controller/identity/token_service.hpp"

namespace neutrino::identity::view {

Json version(const std::string& base);
Json project(const Project& p, const std::string& base);
Json user(const User& u, const std::string& base);
Json role(const Role& r, const std::string& base);
Json group(const Group& g, const std::string& base);
Json domain(const std::string& base);
// {"id": "default", "name": "Default"} as tokens embed it.
Json domain_ref(const std::string& domain_id);
// The collection's "links" member; `target` is the request target ("/v3/projects?name=x").
Json collection_links(const std::string& base, const std::string& target);
// Identity (base + "/v3") and network (base) services, each with public, internal and admin
// endpoints in RegionOne.
Json catalog(const std::string& base);
// {"token": {...}}; the catalog only for project-scoped tokens, and only if asked for.
Json token(const TokenInfo& info, const std::string& base, bool with_catalog);

}  // namespace neutrino::identity::view
