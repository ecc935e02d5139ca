// ScopedSelect: an admin lists every row, a member those a term grants, a show its one row;
// narrowing and the select's own parameters bind in their places.
#include "controller/neutron/scoped_select.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store_fixture.hpp"

namespace neutrino::neutron {
namespace {

class ScopedSelectTest : public testing::StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    db().write([&](store::SqlSession& s) {
      s.execute(
          "CREATE TABLE things (id TEXT PRIMARY KEY, project_id TEXT NOT NULL, "
          "shared_with TEXT NOT NULL, name TEXT NOT NULL)");
      insert(s, "t1", alice_.project_id, "", "one");
      insert(s, "t2", bob_.project_id, alice_.project_id, "two");
      insert(s, "t3", bob_.project_id, "", "three");
      insert(s, "t4", admin_.project_id, "", "one");
    });
  }
  static void insert(store::SqlSession& s, const std::string& id, const std::string& project,
                     const std::string& shared_with, const std::string& name) {
    s.execute("INSERT INTO things (id, project_id, shared_with, name) VALUES (?, ?, ?, ?)",
              {id, project, shared_with, name});
  }

  std::vector<std::string> ids(const ScopedSelect& select, const AuthContext& ctx,
                               const std::optional<std::string>& id = std::nullopt) {
    return db().read([&](store::SqlSession& s) {
      std::vector<std::string> out;
      for (const auto& r : select.rows(s, ctx, id)) {
        out.push_back(r.text(0));
      }
      return out;
    });
  }

  ScopedSelect owned_or_shared() const {
    return {.select = "SELECT id, name FROM things",
            .id_column = "id",
            .member_terms = {"project_id = ?", "shared_with = ?"},
            .order = " ORDER BY id"};
  }
};

TEST_F(ScopedSelectTest, AnAdminListsEveryRow) {
  EXPECT_EQ(ids(owned_or_shared(), admin_), (std::vector<std::string>{"t1", "t2", "t3", "t4"}));
}

TEST_F(ScopedSelectTest, AMemberListsWhatAnyTermGrants) {
  EXPECT_EQ(ids(owned_or_shared(), alice_), (std::vector<std::string>{"t1", "t2"}));
  EXPECT_EQ(ids(owned_or_shared(), bob_), (std::vector<std::string>{"t2", "t3"}));
  auto owned = owned_or_shared();
  owned.member_terms = {"project_id = ?"};
  EXPECT_EQ(ids(owned, alice_), std::vector<std::string>{"t1"});
}

TEST_F(ScopedSelectTest, AMemberWithoutTermsListsNothing) {
  auto none = owned_or_shared();
  none.member_terms.clear();
  EXPECT_TRUE(ids(none, alice_).empty());
  EXPECT_EQ(ids(none, admin_).size(), 4u);
}

TEST_F(ScopedSelectTest, AShowSelectsItsRowWhoeverAsks) {
  // Whether the caller may see it is the service's check (a 404), not the select's.
  EXPECT_EQ(ids(owned_or_shared(), alice_, "t3"), std::vector<std::string>{"t3"});
  EXPECT_TRUE(ids(owned_or_shared(), admin_, "missing").empty());
}

TEST_F(ScopedSelectTest, NarrowingAndSelectParamsBindInTheirPlaces) {
  auto select = owned_or_shared();
  select.select = "SELECT id, CASE WHEN shared_with = ? THEN 1 ELSE 0 END FROM things";
  select.select_params = {alice_.project_id};
  select.narrowing = " AND (name = ?)";
  select.narrowing_params = {std::string("one")};
  EXPECT_EQ(ids(select, admin_), (std::vector<std::string>{"t1", "t4"}));
  EXPECT_EQ(ids(select, bob_), std::vector<std::string>{});
  EXPECT_EQ(ids(select, alice_), std::vector<std::string>{"t1"});
  select.narrowing.clear();
  select.narrowing_params.clear();
  const auto shared = db().read([&](store::SqlSession& s) {
    std::vector<bool> out;
    for (const auto& r : select.rows(s, alice_, std::nullopt)) {
      out.push_back(r.boolean(1));
    }
    return out;
  });
  EXPECT_EQ(shared, (std::vector<bool>{false, true}));
}

TEST_F(ScopedSelectTest, WhereServesASubqueryOfTheSameRows) {
  const auto scope = owned_or_shared().where(alice_, std::nullopt);
  EXPECT_EQ(scope.sql, " WHERE (project_id = ? OR shared_with = ?)");
  EXPECT_EQ(scope.params, (store::SqlParams{alice_.project_id, alice_.project_id}));
  const auto names = db().read([&](store::SqlSession& s) {
    return s
        .query("SELECT COUNT(*) FROM things WHERE id IN (SELECT id FROM things" + scope.sql + ")",
               scope.params)[0]
        .integer(0);
  });
  EXPECT_EQ(names, 2);
}

}  // namespace
}  // namespace neutrino::neutron
