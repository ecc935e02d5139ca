#include "controller/neutron/tag_store.hpp"

#include "common/text_prefix.hpp"
#include "controller/api/api_error.hpp"

namespace neutrino::neutron {

std::map<std::string, std::vector<std::string>> TagStore::load_for(store::SqlSession& session,
                                                                   const std::string& type,
                                                                   const IdSelection& ids) {
  std::map<std::string, std::vector<std::string>> tags;
  for (const auto& row : session.query("SELECT resource_id, tag FROM tags WHERE resource_type = ?" +
                                           ids.clause("AND", "resource_id") + " ORDER BY tag",
                                       ids.params({type}))) {
    tags[row.text(0)].push_back(row.text(1));
  }
  return tags;
}

void TagStore::validate(const std::string& tag) {
  if (tag.empty() || tag.size() > 255 || tag.find(',') != std::string::npos) {
    throw api::bad_request("Invalid input for tags. Reason: '" + text_prefix(tag) +
                           "' is not a valid tag: it must be 1 to 255 characters without ','.");
  }
}

void TagStore::replace(store::SqlSession& session, const std::string& type, const std::string& id,
                       const Json& tags) {
  if (!tags.is_array()) {
    throw api::bad_request("Invalid input for tags. Reason: '" + json_prefix(tags) +
                           "' is not a list.");
  }
  for (const auto& tag : tags) {
    if (!tag.is_string()) {
      throw api::bad_request("Invalid input for tags. Reason: '" + json_prefix(tag) +
                             "' is not a valid string.");
    }
    validate(tag.get<std::string>());
  }
  remove_all(session, type, id);
  for (const auto& tag : tags) {
    session.execute(
        "INSERT INTO tags (resource_type, resource_id, tag) VALUES (?, ?, ?) ON CONFLICT DO "
        "NOTHING",
        {type, id, tag.get<std::string>()});
  }
}

void TagStore::add(store::SqlSession& session, const std::string& type, const std::string& id,
                   const std::string& tag) {
  validate(tag);
  session.execute(
      "INSERT INTO tags (resource_type, resource_id, tag) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
      {type, id, tag});
}

bool TagStore::remove(store::SqlSession& session, const std::string& type, const std::string& id,
                      const std::string& tag) {
  return session.execute("DELETE FROM tags WHERE resource_type = ? AND resource_id = ? AND tag = ?",
                         {type, id, tag}) > 0;
}

void TagStore::remove_all(store::SqlSession& session, const std::string& type,
                          const std::string& id) {
  session.execute("DELETE FROM tags WHERE resource_type = ? AND resource_id = ?", {type, id});
}

}  // namespace neutrino::neutron
