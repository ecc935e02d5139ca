#pragma once
// Tags of any resource (Neutron's standard-attr-tag): a set of strings per resource, kept in
// the `tags` table keyed by resource type and id.
#include <map>
#include <string>
#include <vector>

#include "common/json.hpp"
#include "controller/neutron/id_selection.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::neutron {

class TagStore {
 public:
  // The tags (sorted) per resource of a type, for the resources selected: one query for a
  // show or a whole list.
  static std::map<std::string, std::vector<std::string>> load_for(store::SqlSession& session,
                                                                  const std::string& type,
                                                                  const IdSelection& ids);
  // Validates (400) and replaces the whole set.
  static void replace(store::SqlSession& session, const std::string& type, const std::string& id,
                      const Json& tags);
  static void add(store::SqlSession& session, const std::string& type, const std::string& id,
                  const std::string& tag);
  // Returns false when the resource did not have the tag.
  static bool remove(store::SqlSession& session, const std::string& type, const std::string& id,
                     const std::string& tag);
  static void remove_all(store::SqlSession& session, const std::string& type,
                         const std::string& id);
  static void validate(const std::string& tag);
};

}  // namespace neutrino::neutron
