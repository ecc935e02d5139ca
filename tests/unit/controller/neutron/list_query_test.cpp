// Parsing of list queries and Neutron's filter semantics.
#include "controller/neutron/list_query.hpp"

#include <gtest/gtest.h>

#include <climits>

#include "controller/neutron/list_filter.hpp"
#include "tests/unit/controller/neutron/list_query_fixture.hpp"

namespace neutrino::neutron::testing {
namespace {

TEST(ListFilterTest, NoQueryListsEverythingSortedById) {
  const Json result = list("");
  EXPECT_EQ(ids(result), (Ids{"p1", "p2", "p3", "p4", "p5"}));
  EXPECT_FALSE(result.contains("ports_links"));
  EXPECT_EQ(result.size(), 1u);
}

TEST(ListFilterTest, RepeatedKeyIsOrDifferentKeysAreAnd) {
  EXPECT_EQ(listed_ids("name=web&name=db"), (Ids{"p1", "p2", "p3"}));
  EXPECT_EQ(listed_ids("name=web&mtu=1450"), (Ids{"p3"}));
  EXPECT_EQ(listed_ids("name=nothing"), Ids{});
}

TEST(ListFilterTest, BooleansTakeNeutronSpellings) {
  EXPECT_EQ(listed_ids("admin_state_up=False"), (Ids{"p2", "p5"}));
  EXPECT_EQ(listed_ids("admin_state_up=0"), (Ids{"p2", "p5"}));
  EXPECT_EQ(listed_ids("admin_state_up=TRUE"), (Ids{"p1", "p3", "p4"}));
  EXPECT_EQ(listed_ids("admin_state_up=1"), (Ids{"p1", "p3", "p4"}));
  EXPECT_EQ(listed_ids("admin_state_up=yes"), (Ids{"p1", "p3", "p4"}));
}

TEST(ListFilterTest, BadBooleanIsInvalidInputEvenNextToAGoodOne) {
  const std::string message =
      "Invalid input for operation: 'maybe' cannot be converted to boolean.";
  expect_bad_list("admin_state_up=maybe", "InvalidInput", message);
  // Neutron converts every value before querying, so a matching first value does not help.
  expect_bad_list("admin_state_up=true&admin_state_up=maybe", "InvalidInput", message);
  // Even when another filter already rules every item out.
  expect_bad_list("name=nothing&admin_state_up=maybe", "InvalidInput", message);
}

TEST(ListFilterTest, IntegersCompareNumerically) {
  EXPECT_EQ(listed_ids("mtu=1450"), (Ids{"p2", "p3"}));
  EXPECT_EQ(listed_ids("mtu=+1500"), (Ids{"p1", "p4", "p5"}));
  EXPECT_EQ(listed_ids("mtu=1_450"), (Ids{"p2", "p3"}));
  expect_bad_list("mtu=15x", "InvalidInput",
                  "Invalid input for operation: '15x' is not an integer.");
  expect_bad_list("mtu=1450.0", "InvalidInput",
                  "Invalid input for operation: '1450.0' is not an integer.");
}

TEST(ListFilterTest, ListAttributeMatchesWhenItContainsTheValue) {
  EXPECT_EQ(listed_ids("security_groups=sg2"), (Ids{"p2", "p4"}));
  EXPECT_EQ(listed_ids("security_groups=sg2&security_groups=sg3"), (Ids{"p2", "p4", "p5"}));
  EXPECT_EQ(listed_ids("security_groups=sg"), Ids{});
}

TEST(ListFilterTest, EmptyValueMatchesEmptyStringAndNull) {
  EXPECT_EQ(listed_ids("name="), (Ids{"p4", "p5"}));
  EXPECT_EQ(listed_ids("description="), (Ids{"p1", "p2", "p4"}));
  EXPECT_EQ(listed_ids("description=x"), (Ids{"p3"}));
}

TEST(ListFilterTest, MacAddressIgnoresCaseAndSeparator) {
  EXPECT_EQ(listed_ids("mac_address=fa-16-3e-00-00-01"), (Ids{"p1"}));
  EXPECT_EQ(listed_ids("mac_address=FA:16:3E:00:00:02"), (Ids{"p2"}));
}

TEST(ListFilterTest, UnknownAttributesAreRefusedTogether) {
  expect_bad_list("foo=1", "HTTPBadRequest", "['foo'] is invalid attribute for filtering");
  expect_bad_list("foo=1&name=web&bar=2&foo=3", "HTTPBadRequest",
                  "['foo', 'bar'] is invalid attribute for filtering");
}

TEST(ListFilterTest, ReservedKeysAreNotFilters) {
  EXPECT_EQ(listed_ids("fields=id&sort_key=name&sort_dir=asc&limit=0&marker=zz&page_reverse=False")
                .size(),
            5u);
}

TEST(ListFilterTest, FixedIpsByAddressAndBySubnet) {
  EXPECT_EQ(listed_ids("fixed_ips=ip_address=10.0.0.5"), (Ids{"p1"}));
  EXPECT_EQ(listed_ids("fixed_ips=subnet_id=s2"), (Ids{"p2", "p3"}));
  // Encoded '=' as clients send it, and spaces Neutron strips.
  EXPECT_EQ(listed_ids("fixed_ips=subnet_id%3D+s1+"), (Ids{"p1", "p2", "p5"}));
}

TEST(ListFilterTest, FixedIpsSameKeyIsOrDifferentKeysAreAnd) {
  EXPECT_EQ(listed_ids("fixed_ips=ip_address=10.0.0.5&fixed_ips=ip_address=10.1.0.7"),
            (Ids{"p1", "p3"}));
  // Each key is its own "some address has it" test: p2 has s1 on one address and
  // 10.1.0.5 on the other, and Neutron's query matches it.
  EXPECT_EQ(listed_ids("fixed_ips=subnet_id=s1&fixed_ips=ip_address=10.1.0.5"), (Ids{"p2"}));
  EXPECT_EQ(listed_ids("fixed_ips=subnet_id=s2&fixed_ips=ip_address=10.0.0.5"), Ids{});
}

TEST(ListFilterTest, FixedIpsSubstringAndIgnoredForms) {
  EXPECT_EQ(listed_ids("fixed_ips=ip_address_substr=10.0.0.5"), (Ids{"p1", "p5"}));
  EXPECT_EQ(listed_ids("fixed_ips=ip_address_substr=0.5&fixed_ips=subnet_id=s2"), (Ids{"p2"}));
  // A bare flag ("True") and keys Neutron does not know filter nothing.
  EXPECT_EQ(listed_ids("fixed_ips=True").size(), 5u);
  EXPECT_EQ(listed_ids("fixed_ips=mac=1").size(), 5u);
}

TEST(ListFilterTest, MalformedFixedIpsIsInvalidInput) {
  expect_bad_list("fixed_ips=10.0.0.5", "InvalidInput",
                  "Invalid input for operation: '10.0.0.5' is not of the form <key>=[value].");
  expect_bad_list("fixed_ips==10.0.0.5", "InvalidInput",
                  "Invalid input for operation: '=10.0.0.5' is not of the form <key>=[value].");
}

TEST(ListFilterTest, TagFiltersFourWays) {
  EXPECT_EQ(listed_ids("tags=red,blue"), (Ids{"p1"}));
  EXPECT_EQ(listed_ids("tags=red&tags=blue"), (Ids{"p1"}));
  EXPECT_EQ(listed_ids("tags=red"), (Ids{"p1", "p2"}));
  EXPECT_EQ(listed_ids("tags-any=red,green"), (Ids{"p1", "p2", "p4", "p5"}));
  EXPECT_EQ(listed_ids("not-tags=red,blue"), (Ids{"p2", "p3", "p4", "p5"}));
  EXPECT_EQ(listed_ids("not-tags-any=red&not-tags-any=green"), (Ids{"p3"}));
  EXPECT_EQ(listed_ids("tags-any=blue&not-tags=green"), (Ids{"p1"}));
  EXPECT_EQ(listed_ids("tags="), Ids{});
}

TEST(ListFilterTest, TagFiltersNeedATaggableResource) {
  const http::QueryParams params = http::parse_query("tags-any=red");
  expect_error(
      [&] {
        parse_list_query(params, {"id", "name"});
      },
      400, "HTTPBadRequest", "['tags-any'] is invalid attribute for filtering");
}

TEST(ListFilterTest, MatchesFiltersOnASingleItem) {
  ListQuery query = parse_list_query(http::parse_query("name=web&tags-any=blue"), kAttributes);
  EXPECT_TRUE(matches_filters(ports()[1], query));      // p1
  EXPECT_FALSE(matches_filters(ports()[0], query));     // p3: no tags
  query.filters["admin_state_up"] = {"true", "maybe"};  // refused although "true" matches
  expect_error([&] { matches_filters(ports()[1], query); }, 400, "InvalidInput",
               "Invalid input for operation: 'maybe' cannot be converted to boolean.");
  query.filters.erase("admin_state_up");
  query.filters["mtu"] = {"big"};
  expect_error([&] { matches_filters(ports()[1], query); }, 400, "InvalidInput",
               "Invalid input for operation: 'big' is not an integer.");
}

TEST(ListQueryParseTest, CollectsEveryPart) {
  const auto query = parse_list_query(
      http::parse_query("name=a&fields=id,name&fields=mtu&fields=id&sort_key=name&sort_dir=desc"
                        "&limit=3&marker=m1&page_reverse=TRUE&fixed_ips=ip_address=1.2.3.4"),
      kAttributes);
  EXPECT_EQ(query.filters, (std::map<std::string, std::vector<std::string>>{{"name", {"a"}}}));
  EXPECT_EQ(query.fields, (Ids{"id", "name", "mtu"}));
  ASSERT_EQ(query.sort.size(), 1u);
  EXPECT_EQ(query.sort[0].key, "name");
  EXPECT_FALSE(query.sort[0].ascending);
  EXPECT_EQ(query.limit, 3u);
  EXPECT_EQ(query.marker, "m1");
  EXPECT_TRUE(query.page_reverse);
  EXPECT_EQ(query.fixed_ips.at("ip_address"), (std::set<std::string>{"1.2.3.4"}));
}

TEST(ListQueryParseTest, LastLimitWinsAndZeroMeansNoPaging) {
  const auto params = http::parse_query("limit=1&limit=0&marker=zz&page_reverse=nonsense");
  const auto query = parse_list_query(params, kAttributes);
  EXPECT_FALSE(query.limit);
  EXPECT_FALSE(query.marker);  // Neutron ignores a marker without a limit
  EXPECT_FALSE(query.page_reverse);
}

TEST(ListQueryParseTest, BadLimit) {
  expect_bad_list("limit=-1", "BadRequest",
                  "Bad limit request: Limit must be an integer 0 or greater and not '-1'.");
  expect_bad_list("limit=abc", "BadRequest",
                  "Bad limit request: Limit must be an integer 0 or greater and not 'abc'.");
  expect_bad_list("limit=", "BadRequest",
                  "Bad limit request: Limit must be an integer 0 or greater and not ''.");
}

TEST(ListQueryParseTest, SortErrors) {
  expect_bad_list("sort_key=name", "HTTPBadRequest",
                  "The number of sort_keys and sort_dirs must be same");
  expect_bad_list("sort_key=name&sort_dir=asc&sort_dir=desc", "HTTPBadRequest",
                  "The number of sort_keys and sort_dirs must be same");
  expect_bad_list("sort_key=foo&sort_dir=asc", "HTTPBadRequest",
                  "['foo'] is invalid attribute for sort_keys");
  expect_bad_list("sort_key=name&sort_dir=ASC", "HTTPBadRequest",
                  "['ASC'] is invalid value for sort_dirs, valid value is 'asc' and 'desc'");
  const auto params = http::parse_query("sort_key=tags&sort_dir=asc");
  expect_error(
      [&] {
        parse_list_query(params, kAttributes, {"id", "name"});
      },
      400, "HTTPBadRequest", "['tags'] is invalid attribute for sort_keys");
}

TEST(ListQueryParseTest, PythonReprOfNames) {
  EXPECT_EQ(python_list_repr({}), "[]");
  EXPECT_EQ(python_list_repr({"a", "it's"}), "['a', \"it's\"]");
  EXPECT_EQ(python_list_repr({"both'\""}), "['both\\'\"']");
  EXPECT_EQ(python_list_repr({"tab\there"}), "['tab\\there']");
}

TEST(ListQueryParseTest, ConvertersFollowPython) {
  EXPECT_EQ(parse_python_int(" 42 "), 42);
  EXPECT_EQ(parse_python_int("-7"), -7);
  EXPECT_EQ(parse_python_int("1_000"), 1000);
  EXPECT_FALSE(parse_python_int("1__0"));
  EXPECT_FALSE(parse_python_int("_1"));
  EXPECT_FALSE(parse_python_int("+"));
  EXPECT_FALSE(parse_python_int("0x10"));
  EXPECT_EQ(parse_python_int("99999999999999999999999"), LLONG_MAX);
  EXPECT_EQ(parse_neutron_bool(" On "), true);
  EXPECT_EQ(parse_neutron_bool("f"), false);
  EXPECT_FALSE(parse_neutron_bool("2"));
}

}  // namespace
}  // namespace neutrino::neutron::testing
