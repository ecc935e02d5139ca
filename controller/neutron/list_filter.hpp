#pragma once
// Whether a resource matches the filters of a ListQuery. Neutron converts each filter value
// with the attribute's converter (convert_to_boolean, convert_to_int) and then compares in SQL;
// here the attribute's type is read from the item's own JSON value, so "mtu=1450" matches
// 1450 and "admin_state_up=False" matches false. A value the type cannot take is Neutron's
// 400 InvalidInput.
#include <optional>
#include <string>
#include <vector>

#include "common/json.hpp"
#include "controller/neutron/list_query.hpp"

namespace neutrino::neutron {

// True when the item passes every attribute, fixed_ips and tag filter of the query. Throws
// api::ApiError (400 InvalidInput) for a value its attribute's type cannot take.
bool matches_filters(const Json& item, const ListQuery& query);

// Throws the same 400 as matches_filters for any bad value, judging types from the first item
// that has a value for the key; so the error does not depend on which items match first.
void check_filter_values(const std::vector<Json>& items, const ListQuery& query);

// Python's int(): surrounding whitespace, a sign, '_' between digits. Saturates on overflow.
std::optional<long long> parse_python_int(const std::string& text);
// oslo strutils.bool_from_string(strict=True): true/t/yes/y/on/1 and their negatives, any case.
std::optional<bool> parse_neutron_bool(const std::string& text);

}  // namespace neutrino::neutron
