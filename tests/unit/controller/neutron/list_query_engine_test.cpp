// Fields, sorting, pagination and links of the list query engine.
#include "controller/neutron/list_query_engine.hpp"

#include <gtest/gtest.h>

#include "tests/unit/controller/neutron/list_query_fixture.hpp"

namespace neutrino::neutron::testing {
namespace {

TEST(ListFieldsTest, KeepsOnlyAskedFieldsThatExist) {
  const Json result = list("fields=id&fields=name,nope&name=db");
  ASSERT_EQ(result.at("ports").size(), 1u);
  EXPECT_EQ(result.at("ports")[0], (Json{{"id", "p2"}, {"name", "db"}}));
  // Only unknown fields leave empty objects, as Neutron does.
  EXPECT_EQ(list("fields=nope&name=db").at("ports")[0], Json::object());
}

TEST(ListFieldsTest, FiltersSortingAndPagingUseFieldsNotShown) {
  const Json result = list("fields=name&mtu=1500&sort_key=name&sort_dir=desc&limit=2");
  EXPECT_EQ(result.at("ports"), Json::parse(R"([{"name": "web"}, {"name": ""}])"));
  EXPECT_EQ(href(result, "next"),
            kBase + "?fields=name&mtu=1500&sort_key=name&sort_dir=desc&limit=2&marker=p4");
}

TEST(ListFieldsTest, HiddenAttributesFilterButAreNeverShown) {
  // A subnet's "shared" (its network's) is filterable but not an attribute Neutron shows.
  std::vector<Json> items = ports();
  for (auto& item : items) {
    item["shared"] = item["id"] == "p1" || item["id"] == "p4";
  }
  std::set<std::string> filterable = kAttributes;
  filterable.insert("shared");
  const auto query =
      parse_list_query(http::parse_query("shared=False&sort_key=name&sort_dir=asc&limit=2"),
                       filterable, kAttributes);
  const Json result = apply_list_query(items, query, {"ports", kBase, {}, {"shared"}});
  EXPECT_EQ(ids(result), (std::vector<std::string>{"p5", "p2"}));
  for (const auto& port : result.at("ports")) {
    EXPECT_FALSE(port.contains("shared"));
  }
  EXPECT_EQ(href(result, "next"),
            kBase + "?shared=False&sort_key=name&sort_dir=asc&limit=2&marker=p2");
  const auto asked = parse_list_query(http::parse_query("fields=shared&fields=id&shared=true"),
                                      filterable, kAttributes);
  EXPECT_EQ(apply_list_query(items, asked, {"ports", kBase, {}, {"shared"}}).at("ports"),
            Json::parse(R"([{"id": "p1"}, {"id": "p4"}])"));
}

TEST(ListSortTest, MultipleKeysWithDescendingAndNulls) {
  // mtu descending, then name ascending with null before "".
  EXPECT_EQ(listed_ids("sort_key=mtu&sort_dir=desc&sort_key=name&sort_dir=asc"),
            (Ids{"p5", "p4", "p1", "p2", "p3"}));
  EXPECT_EQ(listed_ids("sort_key=name&sort_dir=asc"), (Ids{"p5", "p4", "p2", "p1", "p3"}));
}

TEST(ListSortTest, NullsFirstAscendingLastDescendingIdAlwaysAscending) {
  EXPECT_EQ(listed_ids("sort_key=description&sort_dir=asc"), (Ids{"p2", "p4", "p1", "p3", "p5"}));
  // The id tiebreaker stays ascending when the asked key is descending.
  EXPECT_EQ(listed_ids("sort_key=description&sort_dir=desc"), (Ids{"p5", "p3", "p1", "p2", "p4"}));
  EXPECT_EQ(listed_ids("sort_key=id&sort_dir=desc"), (Ids{"p5", "p4", "p3", "p2", "p1"}));
}

TEST(ListSortTest, EffectiveSortAppendsIdOnce) {
  ListQuery query;
  query.sort = {{"name", false}};
  const auto keys = effective_sort(query);
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[1].key, "id");
  EXPECT_TRUE(keys[1].ascending);
  query.sort = {{"id", false}, {"name", true}};
  EXPECT_EQ(effective_sort(query).size(), 2u);
}

TEST(ListPageTest, FirstPageHasNextAndPreviousLinks) {
  const Json result = list("limit=2");
  EXPECT_EQ(ids(result), (Ids{"p1", "p2"}));
  EXPECT_EQ(result.at("ports_links"),
            Json::parse(R"([{"rel": "next", "href": ")" + kBase +
                        R"(?limit=2&marker=p2"}, {"rel": "previous", "href": ")" + kBase +
                        R"(?limit=2&marker=p1&page_reverse=True"}])"));
}

TEST(ListPageTest, MarkerStartsAfterItsItem) {
  const Json result = list("limit=2&marker=p2");
  EXPECT_EQ(ids(result), (Ids{"p3", "p4"}));
  EXPECT_EQ(href(result, "next"), kBase + "?limit=2&marker=p4");
  EXPECT_EQ(href(result, "previous"), kBase + "?limit=2&marker=p3&page_reverse=True");
}

TEST(ListPageTest, ShortLastPageHasOnlyPrevious) {
  const Json result = list("marker=p4&limit=2");
  EXPECT_EQ(ids(result), (Ids{"p5"}));
  EXPECT_EQ(href(result, "next"), "");
  EXPECT_EQ(href(result, "previous"), kBase + "?limit=2&marker=p5&page_reverse=True");
  // Past the end: the previous link has no marker at all, as Neutron builds it.
  const Json empty = list("limit=2&marker=p5");
  EXPECT_EQ(ids(empty), Ids{});
  EXPECT_EQ(empty.at("ports_links"), Json::parse(R"([{"rel": "previous", "href": ")" + kBase +
                                                 R"(?limit=2&page_reverse=True"}])"));
}

TEST(ListPageTest, FullPageGetsNextEvenAtTheEnd) {
  // Neutron does not look ahead: a page of exactly `limit` items always links onwards.
  const Json result = list("limit=5");
  EXPECT_EQ(ids(result).size(), 5u);
  EXPECT_EQ(href(result, "next"), kBase + "?limit=5&marker=p5");
}

TEST(ListPageTest, PageReverseReturnsItemsBeforeTheMarkerInOrder) {
  const Json result = list("marker=p4&limit=2&page_reverse=True");
  EXPECT_EQ(ids(result), (Ids{"p2", "p3"}));
  EXPECT_EQ(href(result, "next"), kBase + "?limit=2&marker=p3");
  EXPECT_EQ(href(result, "previous"), kBase + "?limit=2&marker=p2&page_reverse=True");
}

TEST(ListPageTest, PageReverseShortPageHasOnlyNext) {
  const Json result = list("limit=2&marker=p2&page_reverse=true");
  EXPECT_EQ(ids(result), (Ids{"p1"}));
  EXPECT_EQ(href(result, "previous"), "");
  EXPECT_EQ(href(result, "next"), kBase + "?limit=2&marker=p1");
}

TEST(ListPageTest, PageReverseWithoutMarkerTakesTheLastItems) {
  EXPECT_EQ(listed_ids("limit=2&page_reverse=True"), (Ids{"p4", "p5"}));
  // Without a limit Neutron only reverses the ORDER BY.
  EXPECT_EQ(listed_ids("page_reverse=True"), (Ids{"p5", "p4", "p3", "p2", "p1"}));
}

TEST(ListPageTest, MarkerFollowsTheSortOrder) {
  // mtu desc then id: p1 p4 p5 p2 p3.
  const Json result = list("sort_key=mtu&sort_dir=desc&limit=2&marker=p4");
  EXPECT_EQ(ids(result), (Ids{"p5", "p2"}));
  EXPECT_EQ(href(result, "next"), kBase + "?sort_key=mtu&sort_dir=desc&limit=2&marker=p2");
  EXPECT_EQ(listed_ids("sort_key=mtu&sort_dir=desc&limit=2&marker=p5&page_reverse=True"),
            (Ids{"p1", "p4"}));
}

TEST(ListPageTest, MarkerMayBeFilteredOut) {
  // p2 is not "web" but still marks the place, as Neutron loads the marker by id.
  EXPECT_EQ(listed_ids("name=web&limit=1&marker=p2"), (Ids{"p3"}));
}

TEST(ListPageTest, LinksKeepOtherParametersEncoded) {
  std::vector<Json> items = {Json{{"id", "q1"}, {"name", "a b/c"}},
                             Json{{"id", "q2"}, {"name", "a b/c"}}};
  const Json result = list("name=a+b%2Fc&fields=id&fields=name&limit=1", items);
  EXPECT_EQ(ids(result), (Ids{"q1"}));
  EXPECT_EQ(href(result, "next"), kBase + "?name=a+b%2Fc&fields=id&fields=name&limit=1&marker=q1");
  // An old marker and page_reverse are replaced, not repeated.
  const Json back = list("page_reverse=True&marker=q2&name=a+b%2Fc&limit=1", items);
  EXPECT_EQ(ids(back), (Ids{"q1"}));
  EXPECT_EQ(href(back, "next"), kBase + "?name=a+b%2Fc&limit=1&marker=q1");
}

TEST(ListPageTest, MarkerNotFound) {
  expect_error([] { list("limit=2&marker=zz"); }, 404, "HTTPNotFound",
               "Marker zz could not be found.");
  const auto query = parse_list_query(http::parse_query("limit=2&marker=zz"), kAttributes);
  const ListTarget target{"ports", kBase, [](const std::string& id) {
                            return api::not_found("Port " + id + " could not be found.",
                                                  "PortNotFound");
                          }};
  expect_error([&] { apply_list_query(ports(), query, target); }, 404, "PortNotFound",
               "Port zz could not be found.");
  // Without a limit the marker is not even looked up.
  EXPECT_EQ(listed_ids("marker=zz").size(), 5u);
}

TEST(ListPageTest, ShortFirstPageStillHasPrevious) {
  EXPECT_FALSE(list("limit=0").contains("ports_links"));
  // Neutron only drops "next" for a short forward page; "previous" stays.
  const Json result = list("limit=9");
  EXPECT_EQ(ids(result).size(), 5u);
  EXPECT_EQ(href(result, "next"), "");
  EXPECT_EQ(href(result, "previous"), kBase + "?limit=9&marker=p1&page_reverse=True");
}

}  // namespace
}  // namespace neutrino::neutron::testing
