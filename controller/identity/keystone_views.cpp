#include "controller/identity/keystone_views.hpp"

#include "common/clock.hpp"

namespace neutrino::identity::view {
namespace {

constexpr const char* kRegion = "RegionOne";

// Endpoint ids must be stable across restarts and requests, so they are fixed strings.
Json service(const std::string& type, const std::string& name, const std::string& id,
             const std::string& url) {
  Json endpoints = Json::array();
  for (const char* interface : {"public", "internal", "admin"}) {
    endpoints.push_back({{"id", id + "-" + interface},
                         {"interface", interface},
                         {"region", kRegion},
                         {"region_id", kRegion},
                         {"url", url}});
  }
  return {{"type", type}, {"name", name}, {"id", id}, {"endpoints", endpoints}};
}

std::string iso_micros(int64_t unix_seconds) {
  return clock::format_iso8601_micros(unix_seconds * 1000000);
}

}  // namespace

Json version(const std::string& base) {
  return {
      {"version",
       {{"id", "v3.14"},
        {"status", "stable"},
        {"updated", "2020-04-07T00:00:00Z"},
        {"links", Json::array({{{"rel", "self"}, {"href", base + "/v3/"}}})},
        {"media-types", Json::array({{{"base", "application/json"},
                                      {"type", "application/vnd.openstack.identity-v3+json"}}})}}}};
}

Json project(const Project& p, const std::string& base) {
  return {{"id", p.id},
          {"name", p.name},
          {"domain_id", p.domain_id},
          {"description", p.description},
          {"enabled", p.enabled},
          {"parent_id", p.domain_id},
          {"is_domain", false},
          {"tags", Json::array()},
          {"options", Json::object()},
          {"links", {{"self", base + "/v3/projects/" + p.id}}}};
}

Json user(const User& u, const std::string& base) {
  Json out = {{"id", u.id},
              {"name", u.name},
              {"domain_id", u.domain_id},
              {"enabled", u.enabled},
              {"password_expires_at", nullptr},
              {"options", Json::object()},
              {"links", {{"self", base + "/v3/users/" + u.id}}}};
  if (u.ignore_lockout_failure_attempts) {
    out["options"]["ignore_lockout_failure_attempts"] = true;
  }
  // Keystone shows optional attributes only once they are set.
  if (u.email) {
    out["email"] = *u.email;
  }
  if (!u.description.empty()) {
    out["description"] = u.description;
  }
  if (u.default_project_id) {
    out["default_project_id"] = *u.default_project_id;
  }
  return out;
}

Json role(const Role& r, const std::string& base) {
  return {{"id", r.id},
          {"name", r.name},
          {"domain_id", nullptr},
          {"description", nullptr},
          {"options", Json::object()},
          {"links", {{"self", base + "/v3/roles/" + r.id}}}};
}

Json group(const Group& g, const std::string& base) {
  return {{"id", g.id},
          {"name", g.name},
          {"domain_id", g.domain_id},
          {"description", g.description},
          {"links", {{"self", base + "/v3/groups/" + g.id}}}};
}

Json domain(const std::string& base) {
  return {{"id", kDefaultDomainId},
          {"name", kDefaultDomainName},
          {"description", "The default domain"},
          {"enabled", true},
          {"tags", Json::array()},
          {"options", Json::object()},
          {"links", {{"self", base + "/v3/domains/" + kDefaultDomainId}}}};
}

Json domain_ref(const std::string& domain_id) {
  return {{"id", domain_id},
          {"name", domain_id == kDefaultDomainId ? kDefaultDomainName : domain_id}};
}

Json collection_links(const std::string& base, const std::string& target) {
  return {{"self", base + target}, {"previous", nullptr}, {"next", nullptr}};
}

Json catalog(const std::string& base) {
  return Json::array(
      {service("identity", "keystone", "8e0d4f3c1b2a4e5f9a7b6c5d4e3f2a10", base + "/v3"),
       service("network", "neutron", "5b7c9d1e3f2a4b6c8d0e1f2a3b4c5d20", base),
       // Nova and Glance under path prefixes of the same listener, as devstack serves them.
       service("compute", "nova", "3c6e8a0b2d4f4e1a9c7b5d3f1e2a4c30", base + "/compute/v2.1"),
       service("image", "glance", "7a9c1e3b5d7f4a2c8e0b6d4f2a1c3e40", base + "/image")});
}

Json token(const TokenInfo& info, const std::string& base, bool with_catalog) {
  const AuthContext& c = info.context;
  Json body = {{"methods", info.methods},
               {"user",
                {{"id", c.user_id},
                 {"name", c.user_name},
                 {"domain", domain_ref(c.user_domain_id)},
                 {"password_expires_at", nullptr}}},
               {"audit_ids", Json::array({info.audit_id})},
               {"expires_at", iso_micros(c.expires_at)},
               {"issued_at", iso_micros(info.issued_at)}};
  if (!c.project_id.empty()) {
    body["project"] = {{"id", c.project_id},
                       {"name", c.project_name},
                       {"domain", domain_ref(c.project_domain_id)}};
    body["is_domain"] = false;
    Json roles = Json::array();
    for (size_t i = 0; i < c.roles.size(); ++i) {
      roles.push_back({{"id", info.role_ids.at(i)}, {"name", c.roles[i]}});
    }
    body["roles"] = roles;
    if (with_catalog) {
      body["catalog"] = catalog(base);
    }
  }
  return {{"token", body}};
}

}  // namespace neutrino::identity::view
