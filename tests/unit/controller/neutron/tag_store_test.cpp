// TagStore::load_for: the tags of one resource, several, or all of a type, in one query.
#include "controller/neutron/tag_store.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "store_fixture.hpp"

namespace neutrino::neutron {
namespace {

using Tags = std::map<std::string, std::vector<std::string>>;

class TagStoreTest : public testing::StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    db().write([&](store::SqlSession& s) {
      TagStore::replace(s, "ports", "p1", Json::array({"red", "blue"}));
      TagStore::replace(s, "ports", "p2", Json::array({"green"}));
      TagStore::add(s, "networks", "p1", "other-type");
    });
  }
  Tags loaded(const IdSelection& ids) {
    return db().read([&](store::SqlSession& s) { return TagStore::load_for(s, "ports", ids); });
  }
};

TEST_F(TagStoreTest, LoadsOneResourcesSortedTags) {
  EXPECT_EQ(loaded(IdSelection::of("p1")), (Tags{{"p1", {"blue", "red"}}}));
  EXPECT_TRUE(loaded(IdSelection::of("untagged")).empty());
}

TEST_F(TagStoreTest, LoadsEveryResourceOfTheTypeWithoutAnId) {
  EXPECT_EQ(loaded(IdSelection::of(std::nullopt)),
            (Tags{{"p1", {"blue", "red"}}, {"p2", {"green"}}}));
}

TEST_F(TagStoreTest, LoadsTheListedResources) {
  EXPECT_EQ(loaded(IdSelection::only({"p2", "p3"})), (Tags{{"p2", {"green"}}}));
  EXPECT_TRUE(loaded(IdSelection::only({})).empty());
}

}  // namespace
}  // namespace neutrino::neutron
