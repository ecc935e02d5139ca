// IdSelection: the IN clause a batched load appends, and what it selects in SQL.
#include "controller/neutron/id_selection.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store_fixture.hpp"

namespace neutrino::neutron {
namespace {

TEST(IdSelectionTest, AllAddsNoClause) {
  EXPECT_EQ(IdSelection::all().clause("WHERE", "port_id"), "");
  EXPECT_EQ(IdSelection::of(std::nullopt).clause("AND", "port_id"), "");
  EXPECT_EQ(IdSelection::all().params({"ports"}), store::SqlParams{"ports"});
}

TEST(IdSelectionTest, IdsBecomeAnInListBoundAfterTheLeadingParams) {
  const auto two = IdSelection::only({"a", "b"});
  EXPECT_EQ(two.clause("AND", "resource_id"), " AND resource_id IN (?, ?)");
  EXPECT_EQ(two.params({"ports"}), (store::SqlParams{"ports", "a", "b"}));
  EXPECT_EQ(IdSelection::of("a").clause("WHERE", "id"), " WHERE id IN (?)");
  EXPECT_EQ(IdSelection::of("a").params(), store::SqlParams{"a"});
}

TEST(IdSelectionTest, SubqueryIsNestedWithItsParams) {
  const auto chosen = IdSelection::selected_by("SELECT id FROM t WHERE p = ?", {"x"});
  EXPECT_EQ(chosen.clause("WHERE", "id"), " WHERE id IN (SELECT id FROM t WHERE p = ?)");
  EXPECT_EQ(chosen.params({"lead"}), (store::SqlParams{"lead", "x"}));
}

class IdSelectionStoreTest : public testing::StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    db().write([&](store::SqlSession& s) {
      s.execute("CREATE TABLE picks (id TEXT PRIMARY KEY, kind TEXT NOT NULL)");
      for (const char* id : {"a", "b", "c"}) {
        s.execute("INSERT INTO picks (id, kind) VALUES (?, ?)",
                  {std::string(id), std::string("k")});
      }
    });
  }
  std::vector<std::string> selected(const IdSelection& ids) {
    return db().read([&](store::SqlSession& s) {
      std::vector<std::string> out;
      for (const auto& r :
           s.query("SELECT id FROM picks WHERE kind = ?" + ids.clause("AND", "id") + " ORDER BY id",
                   ids.params({"k"}))) {
        out.push_back(r.text(0));
      }
      return out;
    });
  }
};

TEST_F(IdSelectionStoreTest, SelectsWhatItNames) {
  EXPECT_EQ(selected(IdSelection::all()), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(selected(IdSelection::only({"c", "a", "z"})), (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(selected(IdSelection::selected_by("SELECT id FROM picks WHERE id > ?", {"a"})),
            (std::vector<std::string>{"b", "c"}));
}

TEST_F(IdSelectionStoreTest, AnEmptyListSelectsNothing) {
  EXPECT_TRUE(selected(IdSelection::only({})).empty());
}

}  // namespace
}  // namespace neutrino::neutron
