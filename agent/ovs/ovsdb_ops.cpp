#include "agent/ovs/ovsdb_ops.hpp"

#include "agent/ovs/ovsdb_datum.hpp"

namespace neutrino::agent::ovs::op {

Json condition(std::string_view column, std::string_view function, Json value) {
  return Json::array({column, function, std::move(value)});
}

Json row_is(std::string_view uuid) {
  return Json::array({condition("_uuid", "==", datum::uuid(uuid))});
}

Json mutation(std::string_view column, std::string_view mutator, Json value) {
  return Json::array({column, mutator, std::move(value)});
}

Json merge_map(std::string_view column, const std::map<std::string, std::string>& current,
               const std::map<std::string, std::string>& desired) {
  std::vector<std::string> stale;
  std::map<std::string, std::string> changed;
  for (const auto& [key, value] : desired) {
    const auto it = current.find(key);
    if (it == current.end() || it->second != value) {
      changed[key] = value;
      if (it != current.end()) {
        stale.push_back(key);
      }
    }
  }
  // A map "insert" never overwrites a key, so a changed key is deleted first.
  Json mutations = Json::array();
  if (!stale.empty()) {
    mutations.push_back(mutation(column, "delete", datum::string_set(stale)));
  }
  if (!changed.empty()) {
    mutations.push_back(mutation(column, "insert", datum::string_map(changed)));
  }
  return mutations;
}

Json insert(std::string_view table, Json row, std::string_view uuid_name) {
  Json op = {{"op", "insert"}, {"table", table}, {"row", std::move(row)}};
  if (!uuid_name.empty()) {
    op["uuid-name"] = uuid_name;
  }
  return op;
}

Json select(std::string_view table, Json where, std::vector<std::string> columns) {
  Json op = {{"op", "select"}, {"table", table}, {"where", std::move(where)}};
  if (!columns.empty()) {
    op["columns"] = std::move(columns);
  }
  return op;
}

Json update(std::string_view table, Json where, Json row) {
  return {{"op", "update"}, {"table", table}, {"where", std::move(where)}, {"row", std::move(row)}};
}

Json mutate(std::string_view table, Json where, Json mutations) {
  return {{"op", "mutate"},
          {"table", table},
          {"where", std::move(where)},
          {"mutations", std::move(mutations)}};
}

Json remove(std::string_view table, Json where) {
  return {{"op", "delete"}, {"table", table}, {"where", std::move(where)}};
}

Json wait(std::string_view table, Json where, std::vector<std::string> columns, Json rows,
          std::string_view until) {
  return {{"op", "wait"},
          {"table", table},
          {"timeout", 0},
          {"where", std::move(where)},
          {"columns", std::move(columns)},
          {"until", until},
          {"rows", std::move(rows)}};
}

Json comment(std::string_view text) {
  return {{"op", "comment"}, {"comment", text}};
}

}  // namespace neutrino::agent::ovs::op
