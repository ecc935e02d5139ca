#pragma once
// Builders for the operations of an OVSDB "transact" (RFC 7047 section 5.2), so that callers
// read as the transaction they send rather than as JSON plumbing.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/json.hpp"

namespace neutrino::agent::ovs::op {

// [column, function, value], e.g. condition("name", "==", "br-int").
Json condition(std::string_view column, std::string_view function, Json value);
// The condition that selects one row by its UUID.
Json row_is(std::string_view uuid);
// [column, mutator, value], e.g. mutation("ports", "insert", datum::set(..)).
Json mutation(std::string_view column, std::string_view mutator, Json value);
// The mutations (0 to 2) that make map `column` hold every pair of `desired` while keeping
// keys others set, given what it holds now. Unlike "update", this leaves other keys alone.
Json merge_map(std::string_view column, const std::map<std::string, std::string>& current,
               const std::map<std::string, std::string>& desired);

// `uuid_name` lets later operations of the same transaction refer to the new row.
Json insert(std::string_view table, Json row, std::string_view uuid_name = "");
Json select(std::string_view table, Json where, std::vector<std::string> columns = {});
Json update(std::string_view table, Json where, Json row);
Json mutate(std::string_view table, Json where, Json mutations);
Json remove(std::string_view table, Json where);
// Fails the whole transaction (error "timed out") unless the rows matching `where`,
// projected on `columns`, compare to `rows` as `until` ("==" or "!=") says. With timeout 0
// it asserts what an earlier read saw, which turns read-then-write into an atomic
// compare-and-swap.
Json wait(std::string_view table, Json where, std::vector<std::string> columns, Json rows,
          std::string_view until = "==");
Json comment(std::string_view text);

}  // namespace neutrino::agent::ovs::op
