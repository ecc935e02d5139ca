// Flavors, their access lists and extra specs (Nova's flavors, flavor_manage, flavor_access
// and flavors_extraspecs controllers).
#include <algorithm>
#include <regex>

#include "common/random.hpp"
#include "controller/api/api_error.hpp"
#include "controller/compute/compute_api.hpp"
#include "controller/compute/flavor_store.hpp"
#include "controller/compute/flavor_view.hpp"
#include "controller/compute/nova_paging.hpp"
#include "controller/compute/nova_validation.hpp"

namespace neutrino::compute {
namespace {

constexpr int64_t kMaxFlavorValue = 2147483647;

std::optional<std::string> query_value(const http::QueryParams& query, const std::string& key) {
  for (const auto& [k, v] : query) {
    if (k == key) {
      return v;
    }
  }
  return std::nullopt;
}

// Nova's _parse_is_public: absent is true, "none" is either.
std::optional<bool> is_public_filter(const std::optional<std::string>& value) {
  if (!value) {
    return true;
  }
  std::string text = *value;
  std::transform(text.begin(), text.end(), text.begin(), ::tolower);
  if (text == "none") {
    return std::nullopt;
  }
  if (text == "true" || text == "1" || text == "yes" || text == "t" || text == "on") {
    return true;
  }
  if (text == "false" || text == "0" || text == "no" || text == "f" || text == "off") {
    return false;
  }
  throw api::bad_request("Invalid is_public filter [" + *value + "]");
}

int64_t min_filter(const http::QueryParams& query, const std::string& key) {
  const auto value = query_value(query, key);
  if (!value) {
    return 0;
  }
  if (value->empty() || value->size() > 12 ||
      !std::all_of(value->begin(), value->end(), ::isdigit)) {
    throw api::bad_request("Invalid " + key + " filter [" + *value + "]");
  }
  return std::stoll(*value);
}

void check_flavor_name(const std::string& name) {
  if (name.empty() || std::isspace(static_cast<unsigned char>(name.front())) ||
      std::isspace(static_cast<unsigned char>(name.back()))) {
    throw nova_invalid("name", name,
                       "'" + name + "' does not match '^(?! )[a-zA-Z0-9. _-]+(?<! )$'");
  }
}

void check_flavor_id(const std::string& id) {
  static const std::regex allowed("^[a-zA-Z0-9. _-]+$");
  if (id.empty() || id.front() == ' ' || id.back() == ' ' || !std::regex_match(id, allowed)) {
    throw nova_invalid("id", id, "'" + id + "' does not match '^(?! )[a-zA-Z0-9. _-]+(?<! )$'");
  }
}

Flavor parse_new_flavor(const Json& body, bool with_description) {
  const Json& f = required_object(body, "flavor");
  std::set<std::string> allowed = {"name",  "id",          "ram",
                                   "vcpus", "disk",        "OS-FLV-EXT-DATA:ephemeral",
                                   "swap",  "rxtx_factor", "os-flavor-access:is_public"};
  if (with_description) {
    allowed.insert("description");
  }
  check_known_keys(f, "flavor", allowed);
  Flavor flavor;
  flavor.name = string_field(f, "flavor", "name", 1, 255);
  check_flavor_name(flavor.name);
  if (f.contains("id") && !f["id"].is_null()) {
    flavor.flavorid = *optional_string_field(f, "id", 1, 255);
    check_flavor_id(flavor.flavorid);
  } else {
    flavor.flavorid = random::uuid4();
  }
  flavor.memory_mb = integer_field(f, "flavor", "ram", 1, kMaxFlavorValue);
  flavor.vcpus = integer_field(f, "flavor", "vcpus", 1, kMaxFlavorValue);
  flavor.root_gb = integer_field(f, "flavor", "disk", 0, kMaxFlavorValue);
  flavor.ephemeral_gb =
      optional_integer_field(f, "OS-FLV-EXT-DATA:ephemeral", 0, kMaxFlavorValue).value_or(0);
  flavor.swap = optional_integer_field(f, "swap", 0, kMaxFlavorValue).value_or(0);
  if (f.contains("rxtx_factor")) {
    if (!f["rxtx_factor"].is_number() || f["rxtx_factor"].get<double>() <= 0) {
      throw nova_invalid("rxtx_factor", f["rxtx_factor"],
                         f["rxtx_factor"].dump() + " is less than or equal to the minimum of 0");
    }
    flavor.rxtx_factor = f["rxtx_factor"].get<double>();
  }
  flavor.is_public = optional_boolean_field(f, "os-flavor-access:is_public").value_or(true);
  if (f.contains("description") && !f["description"].is_null()) {
    flavor.description = optional_string_field(f, "description", 0, 65535);
  }
  return flavor;
}

Json access_list(const Flavor& flavor, const std::vector<std::string>& projects) {
  Json list = Json::array();
  for (const auto& project : projects) {
    list.push_back({{"flavor_id", flavor.flavorid}, {"tenant_id", project}});
  }
  return {{"flavor_access", list}};
}

std::map<std::string, std::string> parse_extra_specs(const Json& specs) {
  if (!specs.is_object()) {
    throw nova_invalid("extra_specs", specs, specs.dump() + " is not of type 'object'");
  }
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : specs.items()) {
    static const std::regex key_pattern("^[a-zA-Z0-9-_:. ]{1,255}$");
    if (!std::regex_match(key, key_pattern)) {
      throw nova_invalid("extra_specs", specs,
                         "Additional properties are not allowed ('" + key + "' was unexpected)");
    }
    if (value.is_string()) {
      out[key] = value.get<std::string>();
    } else if (value.is_number() || value.is_boolean()) {
      out[key] = value.dump();
    } else {
      throw nova_invalid(key, value, value.dump() + " is not of type 'string', 'number'");
    }
    if (out[key].size() > 255) {
      throw nova_invalid(key, value, "'" + out[key] + "' is too long");
    }
  }
  return out;
}

}  // namespace

http::Response ComputeApi::list_flavors(const Call& call) {
  return flavor_list(call, false);
}

http::Response ComputeApi::list_flavors_detail(const Call& call) {
  return flavor_list(call, true);
}

http::Response ComputeApi::flavor_list(const Call& call, bool detail) {
  const auto& query = call.request.query;
  const std::optional<bool> is_public =
      call.auth.is_admin() ? is_public_filter(query_value(query, "is_public")) : true;
  const int64_t min_ram = min_filter(query, "minRam");
  const int64_t min_disk = min_filter(query, "minDisk");
  const PageRequest page = parse_page(query);
  const std::string sort_key = query_value(query, "sort_key").value_or("flavorid");
  const bool descending = query_value(query, "sort_dir").value_or("asc") == "desc";
  std::vector<Flavor> flavors = db_.read([&](store::SqlSession& s) {
    std::vector<Flavor> out;
    for (auto& flavor : FlavorStore::list(s)) {
      bool shown = !is_public || flavor.is_public == *is_public;
      if (!call.auth.is_admin()) {
        // Members see public flavors and the private ones their project was given.
        shown = !flavor.disabled && FlavorStore::accessible(s, flavor, call.auth);
      }
      if (shown && flavor.memory_mb >= min_ram && flavor.root_gb >= min_disk) {
        out.push_back(std::move(flavor));
      }
    }
    return out;
  });
  const auto key = [&](const Flavor& f) -> std::pair<int64_t, std::string> {
    if (sort_key == "memory_mb")
      return {f.memory_mb, f.flavorid};
    if (sort_key == "vcpus")
      return {f.vcpus, f.flavorid};
    if (sort_key == "root_gb")
      return {f.root_gb, f.flavorid};
    if (sort_key == "name")
      return {0, f.name};
    if (sort_key == "created_at")
      return {f.created_at, f.flavorid};
    if (sort_key == "flavorid" || sort_key == "id")
      return {0, f.flavorid};
    throw api::bad_request("Invalid input for query parameters sort_key. Value: " + sort_key +
                           ". '" + sort_key + "' is not one of the valid sort keys");
  };
  std::stable_sort(flavors.begin(), flavors.end(), [&](const Flavor& a, const Flavor& b) {
    return descending ? key(b) < key(a) : key(a) < key(b);
  });
  std::vector<Json> items;
  for (const auto& flavor : flavors) {
    items.push_back(detail ? flavor_detail(flavor, call.version, call.base)
                           : flavor_summary(flavor, call.version, call.base));
  }
  Page result = paginate(std::move(items), page, "id", query,
                         call.base + "/v2.1/flavors" + (detail ? "/detail" : ""));
  Json body = {{"flavors", result.items}};
  if (result.links) {
    body["flavors_links"] = *result.links;
  }
  return http::Response::json(200, body);
}

http::Response ComputeApi::show_flavor(const Call& call) {
  const Flavor flavor = db_.read([&](store::SqlSession& s) {
    return FlavorStore::visible(s, call.auth, call.param("flavor_id"));
  });
  return http::Response::json(200, {{"flavor", flavor_detail(flavor, call.version, call.base)}});
}

http::Response ComputeApi::create_flavor(const Call& call) {
  require_admin(call, "os_compute_api:os-flavor-manage:create");
  Flavor wanted = parse_new_flavor(parse_nova_body(call.request.body), call.at_least(2, 55));
  const Flavor created =
      db_.write([&](store::SqlSession& s) { return FlavorStore::create(s, std::move(wanted)); });
  return http::Response::json(200, {{"flavor", flavor_detail(created, call.version, call.base)}});
}

http::Response ComputeApi::update_flavor(const Call& call) {
  if (!call.at_least(2, 55)) {
    throw api::not_found("The resource could not be found.");
  }
  require_admin(call, "os_compute_api:os-flavor-manage:update");
  const Json body = parse_nova_body(call.request.body);
  const Json& f = required_object(body, "flavor");
  check_known_keys(f, "flavor", {"description"});
  if (!f.contains("description")) {
    throw nova_invalid("flavor", f, "'description' is a required property");
  }
  const std::optional<std::string> description =
      f["description"].is_null() ? std::nullopt : optional_string_field(f, "description", 0, 65535);
  const Flavor updated = db_.write([&](store::SqlSession& s) {
    const Flavor flavor = FlavorStore::visible(s, call.auth, call.param("flavor_id"));
    FlavorStore::set_description(s, flavor, description);
    return *FlavorStore::find(s, flavor.flavorid);
  });
  return http::Response::json(200, {{"flavor", flavor_detail(updated, call.version, call.base)}});
}

http::Response ComputeApi::delete_flavor(const Call& call) {
  require_admin(call, "os_compute_api:os-flavor-manage:delete");
  db_.write([&](store::SqlSession& s) {
    FlavorStore::remove(s, FlavorStore::visible(s, call.auth, call.param("flavor_id")));
  });
  return http::Response::empty(202);
}

http::Response ComputeApi::flavor_action(const Call& call) {
  const Json body = parse_nova_body(call.request.body);
  const bool add = body.contains("addTenantAccess");
  if (!add && !body.contains("removeTenantAccess")) {
    throw api::bad_request("There is no such action: " +
                           (body.empty() ? std::string("") : body.begin().key()));
  }
  require_admin(call, add ? "os_compute_api:os-flavor-access:add_tenant_access"
                          : "os_compute_api:os-flavor-access:remove_tenant_access");
  const std::string action = add ? "addTenantAccess" : "removeTenantAccess";
  const Json& args = required_object(body, action);
  check_known_keys(args, action, {"tenant"});
  const std::string project = string_field(args, action, "tenant", 1, 255);
  const Json out = db_.write([&](store::SqlSession& s) {
    const Flavor flavor = FlavorStore::visible(s, call.auth, call.param("flavor_id"));
    if (add) {
      if (flavor.is_public && call.at_least(2, 7)) {
        throw api::conflict("FlavorAccessConflict", "Can not add access to a public flavor.");
      }
      if (!FlavorStore::add_access(s, flavor, project)) {
        throw api::conflict("FlavorAccessExists", "Flavor access already exists for flavor " +
                                                      flavor.flavorid + " and project " + project +
                                                      " combination.");
      }
    } else if (!FlavorStore::remove_access(s, flavor, project)) {
      throw api::not_found("Flavor access not found for " + flavor.flavorid + " / " + project +
                           " combination.");
    }
    return access_list(flavor, FlavorStore::access_projects(s, flavor));
  });
  return http::Response::json(200, out);
}

http::Response ComputeApi::list_flavor_access(const Call& call) {
  require_admin(call, "os_compute_api:os-flavor-access");
  const Json out = db_.read([&](store::SqlSession& s) {
    const Flavor flavor = FlavorStore::visible(s, call.auth, call.param("flavor_id"));
    if (flavor.is_public) {
      throw api::not_found("Access list not available for public flavors.");
    }
    return access_list(flavor, FlavorStore::access_projects(s, flavor));
  });
  return http::Response::json(200, out);
}

http::Response ComputeApi::list_extra_specs(const Call& call) {
  const Flavor flavor = db_.read([&](store::SqlSession& s) {
    return FlavorStore::visible(s, call.auth, call.param("flavor_id"));
  });
  return http::Response::json(200, {{"extra_specs", flavor.extra_specs}});
}

http::Response ComputeApi::create_extra_specs(const Call& call) {
  require_admin(call, "os_compute_api:os-flavor-extra-specs:create");
  const Json body = parse_nova_body(call.request.body);
  if (!body.contains("extra_specs")) {
    throw api::bad_request("'extra_specs' is a required property");
  }
  const auto specs = parse_extra_specs(body["extra_specs"]);
  db_.write([&](store::SqlSession& s) {
    FlavorStore::set_extra_specs(s, FlavorStore::visible(s, call.auth, call.param("flavor_id")),
                                 specs);
  });
  return http::Response::json(200, {{"extra_specs", specs}});
}

http::Response ComputeApi::show_extra_spec(const Call& call) {
  const Flavor flavor = db_.read([&](store::SqlSession& s) {
    return FlavorStore::visible(s, call.auth, call.param("flavor_id"));
  });
  const auto it = flavor.extra_specs.find(call.param("key"));
  if (it == flavor.extra_specs.end()) {
    throw api::not_found("Flavor " + flavor.flavorid + " has no extra specs with key " +
                         call.param("key") + ".");
  }
  return http::Response::json(200, {{it->first, it->second}});
}

http::Response ComputeApi::update_extra_spec(const Call& call) {
  require_admin(call, "os_compute_api:os-flavor-extra-specs:update");
  const Json body = parse_nova_body(call.request.body);
  if (body.size() != 1 || !body.contains(call.param("key"))) {
    throw api::bad_request("Request body and URI mismatch");
  }
  const auto specs = parse_extra_specs(body);
  db_.write([&](store::SqlSession& s) {
    FlavorStore::set_extra_specs(s, FlavorStore::visible(s, call.auth, call.param("flavor_id")),
                                 specs);
  });
  return http::Response::json(200, specs);
}

http::Response ComputeApi::delete_extra_spec(const Call& call) {
  require_admin(call, "os_compute_api:os-flavor-extra-specs:delete");
  db_.write([&](store::SqlSession& s) {
    const Flavor flavor = FlavorStore::visible(s, call.auth, call.param("flavor_id"));
    if (!FlavorStore::remove_extra_spec(s, flavor, call.param("key"))) {
      throw api::not_found("Flavor " + flavor.flavorid + " has no extra specs with key " +
                           call.param("key") + ".");
    }
  });
  return http::Response::empty(202);
}

}  // namespace neutrino::compute
