#include "controller/neutron/neutron_api.hpp"

#include <set>

#include "controller/api/api_error.hpp"
#include "controller/api/request_json.hpp"
#include "controller/neutron/extensions.hpp"
#include "controller/neutron/list_query.hpp"
#include "controller/neutron/list_query_engine.hpp"
#include "controller/neutron/neutron_guard.hpp"
#include "controller/neutron/quota_service.hpp"
#include "controller/neutron/resource_schemas.hpp"
#include "controller/neutron/revision_constraint.hpp"
#include "controller/neutron/tag_store.hpp"

namespace neutrino::neutron {
namespace {

Json select_fields(const Json& item, const http::QueryParams& query) {
  std::vector<std::string> fields;
  for (const auto& [key, value] : query) {
    if (key == "fields") {
      size_t start = 0;
      while (start <= value.size()) {
        const size_t comma = std::min(value.find(',', start), value.size());
        if (comma > start) {
          fields.push_back(value.substr(start, comma - start));
        }
        start = comma + 1;
      }
    }
  }
  if (fields.empty()) {
    return item;
  }
  Json out = Json::object();
  for (const auto& field : fields) {
    if (item.contains(field)) {
      out[field] = item[field];
    }
  }
  return out;
}

// If-Match: revision_number=N on a PUT or DELETE, checked inside the write's transaction.
// Resources without revisions (agents) are not constrained, as in Neutron.
void check_revision(const Json& item, const std::optional<int64_t>& expected) {
  const auto current = item.find("revision_number");
  if (expected && current != item.end() && current->is_number_integer()) {
    enforce_revision_constraint(*expected, current->get<int64_t>());
  }
}

}  // namespace

Json parse_body(const http::Request& request) {
  JsonParseResult parsed = parse_bounded_json(request.body, api::kRequestJsonLimits);
  if (parsed.refusal == JsonRefusal::kTooLarge) {
    throw api::ApiError(413, "HTTPRequestEntityTooLarge", "Request is too large.");
  }
  if (!parsed.ok() || !parsed.value.is_object()) {
    // Neutron's message; the detail names a broken limit, never the body itself.
    throw api::ApiError(400, "HTTPBadRequest", "Body contains invalid data",
                        parsed.refusal == JsonRefusal::kTooDeep ? parsed.reason : "");
  }
  return std::move(parsed.value);
}

NeutronApi::NeutronApi(store::Database& db, identity::TokenValidator& tokens,
                       const NetworkSettings& settings, BaseUrl base_url)
    : db_(db),
      tokens_(tokens),
      agents_(settings.agent_down_time),
      segments_(settings),
      networks_(segments_),
      ports_(settings.base_mac, agents_),
      port_bindings_(agents_, ports_),
      l3_ports_(ports_),
      routers_(l3_ports_),
      router_interfaces_(l3_ports_),
      floating_ips_(l3_ports_),
      base_url_(std::move(base_url)) {
  resources_.push_back(bind(networks_, network_schema(), &NetworkService::touch, "Network"));
  Resource subnets = bind(subnets_, subnet_schema(), &SubnetService::touch, "Subnet");
  subnets.hidden_filters = {"shared"};  // the network's, as Neutron filters subnets by it
  resources_.push_back(subnets);
  Resource pools =
      bind(subnet_pools_, subnet_pool_schema(), &SubnetPoolService::touch, "SubnetPool");
  pools.not_found = &subnet_pool_not_found;
  resources_.push_back(pools);
  Resource scopes =
      bind(address_scopes_, address_scope_schema(), &AddressScopeService::touch, "AddressScope");
  scopes.taggable = false;  // no standard attributes in Neutron
  scopes.not_found = [](const std::string& id) {
    return api::not_found("Address scope " + id + " could not be found.", "AddressScopeNotFound");
  };
  resources_.push_back(scopes);
  resources_.push_back(bind(ports_, port_schema(), &PortService::touch, "Port"));
  Resource groups = bind(security_groups_, security_group_schema(), &SecurityGroupService::touch,
                         "SecurityGroup");
  groups.not_found = &security_group_not_found;
  groups.prepare_list = &SecurityGroupService::prepare_list;
  resources_.push_back(groups);
  Resource rules = bind(security_group_rules_, security_group_rule_schema(),
                        &SecurityGroupRuleService::touch, "SecurityGroupRule");
  rules.not_found = [](const std::string& id) {
    return api::not_found("Security group rule " + id + " does not exist",
                          "SecurityGroupRuleNotFound");
  };
  rules.prepare_list = &SecurityGroupService::prepare_list;
  rules.taggable = false;  // tag_support is off for rules in Neutron
  resources_.push_back(rules);
  resources_.push_back(agents_resource());
  Resource address_groups =
      bind(address_groups_, address_group_schema(), &AddressGroupService::touch, "AddressGroup");
  address_groups.not_found = [](const std::string& id) {
    return api::not_found("Address group " + id + " could not be found.", "AddressGroupNotFound");
  };
  resources_.push_back(address_groups);
  add_flavor_resources();
  Resource routers = bind(routers_, router_schema(), &RouterService::touch, "Router");
  routers.not_found = &router_not_found;
  resources_.push_back(routers);
  Resource fips =
      bind(floating_ips_, floating_ip_schema(), &FloatingIpService::touch, "FloatingIP");
  fips.not_found = [](const std::string& id) {
    return api::not_found("Floating IP " + id + " could not be found", "FloatingIPNotFound");
  };
  resources_.push_back(fips);
  Resource rbac = bind(rbac_policies_, rbac_policy_schema(), &RbacPolicyService::touch, "");
  rbac.not_found = &rbac_policy_not_found;
  rbac.taggable = false;  // not a standard-attribute resource
  resources_.push_back(rbac);
}

NeutronApi::Resource NeutronApi::agents_resource() {
  using S = store::SqlSession;
  using C = AuthContext;
  Resource r;
  r.schema = &agent_schema();
  r.show = [this](S& s, const C& c, const std::string& id) { return agents_.show(s, c, id); };
  r.list = [this](S& s, const C& c, const ListQuery&) { return agents_.list(s, c); };
  r.update = [this](S& s, const C& c, const std::string& id, const Json& a) {
    return agents_.update(s, c, id, a);
  };
  r.remove = [this](S& s, const C& c, const std::string& id) { agents_.remove(s, c, id); };
  r.touch = [](S&, const std::string&) {};
  r.not_found = [](const std::string& id) {
    return api::not_found("Agent " + id + " could not be found.", "AgentNotFound");
  };
  r.taggable = false;  // agents are created by agents reporting in, never through the API
  return r;
}

template <typename Service>
NeutronApi::Resource NeutronApi::bind(const Service& service, const ResourceSchema& schema,
                                      void (*touch)(store::SqlSession&, const std::string&),
                                      const std::string& label) {
  using S = store::SqlSession;
  using C = AuthContext;
  const Service* svc = &service;
  return Resource{&schema,
                  [svc](S& s, const C& c, const Json& a) { return svc->create(s, c, a); },
                  [svc](S& s, const C& c, const std::string& id) { return svc->show(s, c, id); },
                  [svc](S& s, const C& c, const ListQuery& q) {
                    if constexpr (requires { svc->list(s, c, q); }) {
                      return svc->list(s, c, q);
                    } else {
                      return svc->list(s, c);
                    }
                  },
                  [svc](S& s, const C& c, const std::string& id, const Json& a) {
                    return svc->update(s, c, id, a);
                  },
                  [svc](S& s, const C& c, const std::string& id) { svc->remove(s, c, id); },
                  touch,
                  [label](const std::string& id) {
                    return api::not_found(label + " " + id + " could not be found.",
                                          label + "NotFound");
                  }};
}

void NeutronApi::ensure_dhcp_ports(const std::string& host,
                                   const std::vector<std::string>& networks) {
  if (db_.write(
          [&](store::SqlSession& s) { return dhcp_scheduler_.ensure_ports(s, host, networks); })) {
    changed_();
  }
}

AuthContext NeutronApi::authenticate(const http::Request& request) const {
  const auto token = request.header("x-auth-token");
  if (!token || token->empty()) {
    throw api::unauthorized();
  }
  auto ctx = tokens_.validate(*token);
  if (!ctx || ctx->project_id.empty()) {
    throw api::unauthorized();
  }
  return *ctx;
}

void NeutronApi::register_routes(http::Router& router) {
  router.add("GET", "/",
             [this](const http::Request& r, const http::PathParams&) { return versions(r); });
  for (const char* path : {"/v2.0", "/v2.0/"}) {
    router.add("GET", path, [this](const http::Request& r, const http::PathParams&) {
      return guarded(
          [&] {
            authenticate(r);
            return resources(r);
          },
          base_url_(r));
    });
  }
  router.add("GET", "/v2.0/extensions", [this](const http::Request& r, const http::PathParams&) {
    return guarded(
        [&] {
          authenticate(r);
          return http::Response::json(200, {{"extensions", supported_extensions()}});
        },
        base_url_(r));
  });
  router.add(
      "GET", "/v2.0/extensions/{alias}", [this](const http::Request& r, const http::PathParams& p) {
        return guarded(
            [&] {
              authenticate(r);
              for (const auto& e : supported_extensions()) {
                if (e["alias"] == p.at("alias")) {
                  return http::Response::json(200, {{"extension", e}});
                }
              }
              throw api::not_found("Extension with alias " + p.at("alias") + " does not exist");
            },
            base_url_(r));
      });
  for (const auto& resource : resources_) {
    register_resource(router, resource);
    if (resource.taggable) {
      register_tags(router, resource);
    }
  }
  register_quota_routes(router);
  register_ip_availability_routes(router);
  register_prefix_ops(router);
  register_address_group_actions(router);
  register_port_binding_routes(router);
  register_subnet_onboarding_routes(router);
  register_agent_extension_routes(router);
  register_flavor_binding_routes(router);
  register_dhcp_agent_scheduler_routes(router);
  register_router_interface_routes(router);
}

void NeutronApi::register_prefix_ops(http::Router& router) {
  using Op = Json (SubnetPoolService::*)(store::SqlSession&, const AuthContext&, const std::string&,
                                         const Json&) const;
  // Not a structured binding: clang 14 (the sanitizer flavours) cannot capture one.
  for (const auto& entry :
       {std::pair<std::string, Op>{"add_prefixes", &SubnetPoolService::add_prefixes},
        {"remove_prefixes", &SubnetPoolService::remove_prefixes}}) {
    const Op op = entry.second;
    router.add("PUT", "/v2.0/subnetpools/{id}/" + entry.first,
               [this, op](const http::Request& req, const http::PathParams& p) {
                 return guarded(
                     [&] {
                       const AuthContext ctx = authenticate(req);
                       const Json body = parse_body(req);
                       const Json pool = db_.write([&](store::SqlSession& s) {
                         return (subnet_pools_.*op)(s, ctx, p.at("id"), body);
                       });
                       changed_();
                       // A member action: the pool itself, not wrapped in "subnetpool".
                       return http::Response::json(200, pool);
                     },
                     base_url_(req));
               });
  }
}

void NeutronApi::register_resource(http::Router& router, const Resource& resource) {
  const std::string collection =
      "/v2.0/" + (resource.path.empty() ? resource.schema->path() : resource.path);
  const std::string item = collection + "/{id}";
  const Resource* r = &resource;
  router.add("GET", collection, [this, r](const http::Request& req, const http::PathParams&) {
    return guarded([&] { return list(*r, req); }, base_url_(req));
  });
  if (resource.create) {
    router.add("POST", collection, [this, r](const http::Request& req, const http::PathParams&) {
      return guarded([&] { return create(*r, req); }, base_url_(req));
    });
  }
  router.add("GET", item, [this, r](const http::Request& req, const http::PathParams& p) {
    return guarded([&] { return show(*r, req, p.at("id")); }, base_url_(req));
  });
  router.add("PUT", item, [this, r](const http::Request& req, const http::PathParams& p) {
    return guarded([&] { return update(*r, req, p.at("id")); }, base_url_(req));
  });
  router.add("DELETE", item, [this, r](const http::Request& req, const http::PathParams& p) {
    return guarded([&] { return remove(*r, req, p.at("id")); }, base_url_(req));
  });
}

http::Response NeutronApi::versions(const http::Request& request) const {
  const std::string base = base_url_(request);
  return http::Response::json(200,
                              {{"versions",
                                {{{"id", "v2.0"},
                                  {"status", "CURRENT"},
                                  {"links", {{{"href", base + "/v2.0/"}, {"rel", "self"}}}}}}}});
}

http::Response NeutronApi::resources(const http::Request& request) const {
  const std::string base = base_url_(request);
  Json list = Json::array();
  for (const auto& r : resources_) {
    list.push_back({{"name", r.schema->singular()},
                    {"collection", r.schema->plural()},
                    {"links",
                     {{{"href", base + "/v2.0/" + (r.path.empty() ? r.schema->path() : r.path)},
                       {"rel", "self"}}}}});
  }
  return http::Response::json(200, {{"resources", list}});
}

http::Response NeutronApi::list(const Resource& r, const http::Request& request) {
  const AuthContext ctx = authenticate(request);
  std::set<std::string> filterable = r.schema->attribute_names();
  filterable.insert(r.hidden_filters.begin(), r.hidden_filters.end());
  const ListQuery query = parse_list_query(request.query, filterable, r.schema->attribute_names());
  if (r.prepare_list) {
    db_.write([&](store::SqlSession& s) { r.prepare_list(s, ctx, request.query); });
  }
  auto items = db_.read([&](store::SqlSession& s) { return r.list(s, ctx, query); });
  const ListTarget target{
      r.schema->plural(),
      base_url_(request) + "/v2.0/" + (r.path.empty() ? r.schema->path() : r.path), r.not_found,
      r.hidden_filters};
  return http::Response::json(200, apply_list_query(std::move(items), query, target));
}

http::Response NeutronApi::show(const Resource& r, const http::Request& request,
                                const std::string& id) {
  const AuthContext ctx = authenticate(request);
  const Json item = db_.read([&](store::SqlSession& s) { return r.show(s, ctx, id); });
  return http::Response::json(200, {{r.schema->singular(), select_fields(item, request.query)}});
}

http::Response NeutronApi::create(const Resource& r, const http::Request& request) {
  const AuthContext ctx = authenticate(request);
  const Json body = parse_body(request);
  const std::string& one = r.schema->singular();
  const std::string& many = r.schema->plural();
  if (body.is_object() && body.contains(many)) {
    if (!body[many].is_array() || body[many].empty()) {
      throw api::bad_request("Resources required");
    }
    std::vector<Json> attributes;
    for (const auto& entry : body[many]) {
      if (!entry.is_object() || !entry.contains(one)) {
        // Bulk entries are either bare attribute maps or wrapped in their singular key.
        attributes.push_back(r.schema->validate(entry, Operation::kCreate));
      } else {
        attributes.push_back(r.schema->validate(entry[one], Operation::kCreate));
      }
    }
    // One transaction: a bulk request creates all of its resources or none, and each one is
    // counted against the quota after those before it.
    Json created = db_.write([&](store::SqlSession& s) {
      Json out = Json::array();
      for (const auto& a : attributes) {
        QuotaService::enforce_create(s, one, owning_project(ctx, a));
        out.push_back(r.create(s, ctx, a));
      }
      return out;
    });
    changed_();
    return http::Response::json(201, {{many, created}});
  }
  if (!body.is_object() || !body.contains(one)) {
    throw api::bad_request("Unable to find '" + one + "' in request body");
  }
  const Json attributes = r.schema->validate(body[one], Operation::kCreate);
  const Json created = db_.write([&](store::SqlSession& s) {
    QuotaService::enforce_create(s, one, owning_project(ctx, attributes));
    return r.create(s, ctx, attributes);
  });
  changed_();
  return http::Response::json(201, {{one, created}});
}

http::Response NeutronApi::update(const Resource& r, const http::Request& request,
                                  const std::string& id) {
  const AuthContext ctx = authenticate(request);
  const Json body = parse_body(request);
  const std::string& one = r.schema->singular();
  if (!body.is_object() || !body.contains(one)) {
    throw api::bad_request("Unable to find '" + one + "' in request body");
  }
  const Json attributes = r.schema->validate(body[one], Operation::kUpdate);
  const auto revision = parse_revision_constraint(request.header("if-match"));
  const Json updated = db_.write([&](store::SqlSession& s) {
    check_revision(r.show(s, ctx, id), revision);
    return r.update(s, ctx, id, attributes);
  });
  changed_();
  return http::Response::json(200, {{one, updated}});
}

http::Response NeutronApi::remove(const Resource& r, const http::Request& request,
                                  const std::string& id) {
  const AuthContext ctx = authenticate(request);
  const auto revision = parse_revision_constraint(request.header("if-match"));
  db_.write([&](store::SqlSession& s) {
    check_revision(r.show(s, ctx, id), revision);
    r.remove(s, ctx, id);
  });
  changed_();
  return http::Response::empty(204);
}

void NeutronApi::check_tag_owner(store::SqlSession& s, const Resource& r, const AuthContext& ctx,
                                 const std::string& id) const {
  const Json item = r.show(s, ctx, id);
  if (!owns(ctx, item["project_id"].get<std::string>())) {
    throw api::forbidden("(rule:update_" + r.schema->singular() + ":tags) is disallowed by policy");
  }
}

void NeutronApi::register_tags(http::Router& router, const Resource& resource) {
  const std::string base = "/v2.0/" + resource.schema->path() + "/{id}/tags";
  const Resource* r = &resource;
  const std::string type = resource.schema->plural();
  router.add("GET", base, [this, r](const http::Request& req, const http::PathParams& p) {
    return guarded(
        [&] {
          const AuthContext ctx = authenticate(req);
          const Json item =
              db_.read([&](store::SqlSession& s) { return r->show(s, ctx, p.at("id")); });
          return http::Response::json(200, {{"tags", item["tags"]}});
        },
        base_url_(req));
  });
  router.add(
      "GET", base + "/{tag}", [this, r](const http::Request& req, const http::PathParams& p) {
        return guarded(
            [&] {
              const AuthContext ctx = authenticate(req);
              const Json item =
                  db_.read([&](store::SqlSession& s) { return r->show(s, ctx, p.at("id")); });
              for (const auto& tag : item["tags"]) {
                if (tag == p.at("tag")) {
                  return http::Response::empty(204);
                }
              }
              throw api::not_found("Tag " + p.at("tag") + " could not be found for " +
                                       r->schema->singular() + " " + p.at("id") + ".",
                                   "TagNotFound");
            },
            base_url_(req));
      });
  router.add("PUT", base, [this, r, type](const http::Request& req, const http::PathParams& p) {
    return guarded(
        [&] {
          const AuthContext ctx = authenticate(req);
          const Json body = parse_body(req);
          if (!body.is_object() || !body.contains("tags")) {
            throw api::bad_request(
                "Invalid input for tags. Reason: body must be {\"tags\": [...]}.");
          }
          const Json item = db_.write([&](store::SqlSession& s) {
            check_tag_owner(s, *r, ctx, p.at("id"));
            TagStore::replace(s, type, p.at("id"), body["tags"]);
            r->touch(s, p.at("id"));
            return r->show(s, ctx, p.at("id"));
          });
          return http::Response::json(200, {{"tags", item["tags"]}});
        },
        base_url_(req));
  });
  router.add("PUT", base + "/{tag}",
             [this, r, type](const http::Request& req, const http::PathParams& p) {
               return guarded(
                   [&] {
                     const AuthContext ctx = authenticate(req);
                     db_.write([&](store::SqlSession& s) {
                       check_tag_owner(s, *r, ctx, p.at("id"));
                       TagStore::add(s, type, p.at("id"), p.at("tag"));
                       r->touch(s, p.at("id"));
                     });
                     return http::Response::empty(201);
                   },
                   base_url_(req));
             });
  router.add("DELETE", base, [this, r, type](const http::Request& req, const http::PathParams& p) {
    return guarded(
        [&] {
          const AuthContext ctx = authenticate(req);
          db_.write([&](store::SqlSession& s) {
            check_tag_owner(s, *r, ctx, p.at("id"));
            TagStore::remove_all(s, type, p.at("id"));
            r->touch(s, p.at("id"));
          });
          return http::Response::empty(204);
        },
        base_url_(req));
  });
  router.add("DELETE", base + "/{tag}",
             [this, r, type](const http::Request& req, const http::PathParams& p) {
               return guarded(
                   [&] {
                     const AuthContext ctx = authenticate(req);
                     db_.write([&](store::SqlSession& s) {
                       check_tag_owner(s, *r, ctx, p.at("id"));
                       if (!TagStore::remove(s, type, p.at("id"), p.at("tag"))) {
                         throw api::not_found("Tag " + p.at("tag") + " could not be found for " +
                                                  r->schema->singular() + " " + p.at("id") + ".",
                                              "TagNotFound");
                       }
                       r->touch(s, p.at("id"));
                     });
                     return http::Response::empty(204);
                   },
                   base_url_(req));
             });
}

// flavor_routes.cpp binds these services.
template NeutronApi::Resource NeutronApi::bind(const FlavorService&, const ResourceSchema&,
                                               void (*)(store::SqlSession&, const std::string&),
                                               const std::string&);
template NeutronApi::Resource NeutronApi::bind(const ServiceProfileService&, const ResourceSchema&,
                                               void (*)(store::SqlSession&, const std::string&),
                                               const std::string&);

}  // namespace neutrino::neutron
