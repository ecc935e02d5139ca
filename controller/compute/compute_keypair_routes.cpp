// Key pairs (Nova's keypairs controller).
#include "controller/api/api_error.hpp"
#include "controller/compute/compute_api.hpp"
#include "controller/compute/compute_time.hpp"
#include "controller/compute/keypair_store.hpp"
#include "controller/compute/nova_paging.hpp"
#include "controller/compute/nova_validation.hpp"

namespace neutrino::compute {
namespace {

Json keypair_summary(const KeyPair& k, bool with_type) {
  Json out = {{"name", k.name}, {"public_key", k.public_key}, {"fingerprint", k.fingerprint}};
  if (with_type) {
    out["type"] = k.type;
  }
  return out;
}

}  // namespace

std::string ComputeApi::keypair_user(const Call& call, const Json* body) const {
  std::optional<std::string> user;
  if (body != nullptr && body->contains("user_id")) {
    user = (*body)["user_id"].get<std::string>();
  }
  for (const auto& [key, value] : call.request.query) {
    if (key == "user_id") {
      user = value;
    }
  }
  if (!user || !call.at_least(2, 10) || *user == call.auth.user_id) {
    return call.auth.user_id;
  }
  require_admin(call, "os_compute_api:os-keypairs:index");
  return *user;
}

http::Response ComputeApi::list_keypairs(const Call& call) {
  const std::string user = keypair_user(call, nullptr);
  const auto pairs = db_.read([&](store::SqlSession& s) { return KeypairStore::list(s, user); });
  std::vector<Json> items;
  for (const auto& pair : pairs) {
    items.push_back(keypair_summary(pair, call.at_least(2, 2)));
  }
  PageRequest page;
  if (call.at_least(2, 35)) {
    page = parse_page(call.request.query);
  }
  Page result =
      paginate(std::move(items), page, "name", call.request.query, call.base + "/v2.1/os-keypairs");
  Json wrapped = Json::array();
  for (auto& item : result.items) {
    wrapped.push_back({{"keypair", std::move(item)}});
  }
  Json body = {{"keypairs", wrapped}};
  if (result.links) {
    body["keypairs_links"] = *result.links;
  }
  return http::Response::json(200, body);
}

http::Response ComputeApi::create_keypair(const Call& call) {
  const Json body = parse_nova_body(call.request.body);
  const Json& k = required_object(body, "keypair");
  std::set<std::string> allowed = {"name", "public_key"};
  if (call.at_least(2, 2)) {
    allowed.insert("type");
  }
  if (call.at_least(2, 10)) {
    allowed.insert("user_id");
  }
  check_known_keys(k, "keypair", allowed);
  KeyPair wanted;
  wanted.name = string_field(k, "keypair", "name", 1, 255);
  wanted.public_key = optional_string_field(k, "public_key", 0, 65535).value_or("");
  wanted.type = optional_string_field(k, "type", 1, 255).value_or("ssh");
  if (wanted.type != "ssh" && wanted.type != "x509") {
    throw nova_invalid("type", wanted.type, "'" + wanted.type + "' is not one of ['ssh', 'x509']");
  }
  if (wanted.type == "x509" && wanted.public_key.empty()) {
    throw api::bad_request("Keypair data is invalid: x509 key pairs can only be imported");
  }
  wanted.user_id = keypair_user(call, &k);
  const KeyPair created = db_.write([&](store::SqlSession& s) {
    return KeypairStore::create(s, std::move(wanted), settings_.quotas.key_pairs);
  });
  Json out = keypair_summary(created, call.at_least(2, 2));
  out["user_id"] = created.user_id;
  if (!created.private_key.empty()) {
    out["private_key"] = created.private_key;
  }
  return http::Response::json(call.at_least(2, 2) ? 201 : 200, {{"keypair", out}});
}

http::Response ComputeApi::show_keypair(const Call& call) {
  const std::string user = keypair_user(call, nullptr);
  const KeyPair pair = db_.read(
      [&](store::SqlSession& s) { return KeypairStore::get(s, user, call.param("name")); });
  Json out = keypair_summary(pair, call.at_least(2, 2));
  out["user_id"] = pair.user_id;
  out["id"] = pair.id;
  out["deleted"] = false;
  out["created_at"] = nova_time(pair.created_at);
  out["updated_at"] = nullptr;
  out["deleted_at"] = nullptr;
  return http::Response::json(200, {{"keypair", out}});
}

http::Response ComputeApi::delete_keypair(const Call& call) {
  const std::string user = keypair_user(call, nullptr);
  db_.write([&](store::SqlSession& s) {
    if (!KeypairStore::remove(s, user, call.param("name"))) {
      throw api::not_found("Keypair " + call.param("name") + " not found for user " + user,
                           "KeypairNotFound");
    }
  });
  return http::Response::empty(call.at_least(2, 2) ? 204 : 202);
}

}  // namespace neutrino::compute
