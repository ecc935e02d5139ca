// The journal: appends in the writer's transaction (a rolled-back write leaves none), seqs
// that only grow, reads after a seq, compaction, and (PostgreSQL) what a reader learns about
// seqs still in flight.
#include "controller/store/change_journal.hpp"

#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "tests/unit/controller/neutron/store_fixture.hpp"

namespace neutrino::store {
namespace {

class ChangeJournalTest : public neutron::testing::StoreFixture {};

TEST_F(ChangeJournalTest, AppendsInOrderAndRollsBackWithTheTransaction) {
  EXPECT_EQ(db().read([](SqlSession& s) { return ChangeJournal::head(s); }), 0);
  db().write([](SqlSession& s) {
    ChangeJournal::append(s, JournalKind::kPort, "p1");
    ChangeJournal::append(s, JournalKind::kAgent, "host-a");
  });
  EXPECT_THROW(db().write([](SqlSession& s) {
    ChangeJournal::append(s, JournalKind::kNetwork, "lost");
    throw std::runtime_error("refused");
  }),
               std::runtime_error);
  db().write([](SqlSession& s) { ChangeJournal::append(s, JournalKind::kSubnet, "s1"); });
  const auto entries = db().read([](SqlSession& s) { return ChangeJournal::read_since(s, 0, 10); });
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].seq, 1);
  EXPECT_EQ(entries[0].kind, JournalKind::kPort);
  EXPECT_EQ(entries[1].object_id, "host-a");
  EXPECT_EQ(entries[1].seq, 2);
  // SQLite gives the rolled-back seq out again; PostgreSQL's sequence does not.
  EXPECT_EQ(entries[2].seq, db_->postgres() ? 4 : 3);
  EXPECT_EQ(entries[2].kind, JournalKind::kSubnet);
  EXPECT_EQ(db().read([](SqlSession& s) { return ChangeJournal::head(s); }), entries[2].seq);
  const auto after = db().read([](SqlSession& s) { return ChangeJournal::read_since(s, 2, 10); });
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].object_id, "s1");
}

TEST_F(ChangeJournalTest, CompactionDropsOldEntriesAndRemembersWhere) {
  db().write([](SqlSession& s) {
    for (int i = 0; i < 5; ++i) {
      ChangeJournal::append(s, JournalKind::kPort, "p" + std::to_string(i));
    }
  });
  EXPECT_EQ(db().write([](SqlSession& s) { return ChangeJournal::compact(s, 3); }), 3);
  db().read([](SqlSession& s) {
    EXPECT_EQ(ChangeJournal::compacted_through(s), 3);
    EXPECT_EQ(ChangeJournal::head(s), 5);
    EXPECT_EQ(ChangeJournal::read_since(s, 0, 10).size(), 2u);
  });
}

TEST_F(ChangeJournalTest, ContiguousThroughStopsAtTheFirstMissingSeq) {
  db().write([](SqlSession& s) {
    for (int i = 0; i < 4; ++i) {
      ChangeJournal::append(s, JournalKind::kPort, "p" + std::to_string(i));
    }
  });
  db().write([](SqlSession& s) { s.execute("DELETE FROM change_journal WHERE seq = 3"); });
  db().read([](SqlSession& s) {
    EXPECT_EQ(ChangeJournal::contiguous_through(s, 0), 2);
    EXPECT_EQ(ChangeJournal::contiguous_through(s, 2), 2);  // seq 3 is missing
    EXPECT_EQ(ChangeJournal::contiguous_through(s, 3), 4);
    EXPECT_EQ(ChangeJournal::contiguous_through(s, 4), 4);
  });
}

// A writer still in flight shows among a reader's in-flight writers until it ends, and
// finished() says when it has. SQLite has one writer: nothing is ever in flight there.
TEST_F(ChangeJournalTest, InFlightWritersAreSeenUntilTheyEnd) {
  if (!db_->postgres()) {
    EXPECT_TRUE(db().read([](SqlSession& s) { return ChangeJournal::in_flight(s); }).empty());
    return;
  }
  std::promise<void> appended;
  std::promise<void> release;
  std::thread writer([&] {
    db().write([&](SqlSession& s) {
      ChangeJournal::append(s, JournalKind::kPort, "slow");
      appended.set_value();
      release.get_future().wait();
    });
  });
  appended.get_future().wait();
  EXPECT_TRUE(db().read([](SqlSession& s) { return ChangeJournal::in_flight(s); }).size() == 1u);
  const auto running = db().read([](SqlSession& s) { return ChangeJournal::in_flight(s); });
  EXPECT_FALSE(running.empty());
  EXPECT_FALSE(db().read([&](SqlSession& s) { return ChangeJournal::finished(s, running); }));
  release.set_value();
  writer.join();
  EXPECT_TRUE(db().read([&](SqlSession& s) { return ChangeJournal::finished(s, running); }));
  EXPECT_EQ(db().read([](SqlSession& s) { return ChangeJournal::read_since(s, 0, 10); }).size(),
            1u);
}

TEST(JournalKindTest, NamesRoundTrip) {
  for (auto kind : {JournalKind::kPort, JournalKind::kNetwork, JournalKind::kSubnet,
                    JournalKind::kSecurityGroup, JournalKind::kAgent, JournalKind::kInstance,
                    JournalKind::kRouter, JournalKind::kFloatingIp, JournalKind::kAddressGroup}) {
    EXPECT_EQ(journal_kind_from_name(journal_kind_name(kind)), kind);
  }
  EXPECT_THROW(journal_kind_from_name("loadbalancer"), std::invalid_argument);
}

}  // namespace
}  // namespace neutrino::store
