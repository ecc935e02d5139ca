#include "agent/ovs/ovsdb_client.hpp"

#include <gtest/gtest.h>

#include <future>

#include "agent/ovs/ovsdb_datum.hpp"
#include "agent/ovs/ovsdb_error.hpp"
#include "agent/ovs/ovsdb_ops.hpp"
#include "tests/unit/agent/ovs/event_log.hpp"
#include "tests/unit/agent/ovs/ovsdb_fixture.hpp"

namespace neutrino::agent::ovs::testing {
namespace {

using namespace std::chrono_literals;
using OvsdbClientTest = OvsdbTest;

struct Batch {
  std::vector<RowUpdate> rows;
  bool initial;
};

const RowUpdate* find_row(const Batch& batch, const std::string& name) {
  for (const auto& row : batch.rows) {
    const Json& any = row.new_row.is_null() ? row.old_row : row.new_row;
    if (any.is_object() && any.value("name", "") == name) {
      return &row;
    }
  }
  return nullptr;
}

TEST_F(OvsdbClientTest, TransactReturnsOneResultPerOperation) {
  const Json results = client_->transact(
      Json::array({op::mutate("Open_vSwitch", Json::array(),
                              Json::array({op::mutation("external_ids", "insert",
                                                        datum::string_map({{"test-key", "v1"}}))})),
                   op::select("Open_vSwitch", Json::array(), {"external_ids"})}));
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0]["count"], 1);
  EXPECT_EQ(datum::as_string_map(results[1]["rows"][0]["external_ids"]).at("test-key"), "v1");
  EXPECT_NE(sandbox_.vsctl({"get", "Open_vSwitch", ".", "external_ids:test-key"}).find("v1"),
            std::string::npos);
}

TEST_F(OvsdbClientTest, FailedOperationIsThrownWithItsDetailsAndNothingIsCommitted) {
  const Json ops = Json::array(
      {op::mutate("Open_vSwitch", Json::array(),
                  Json::array({op::mutation("external_ids", "insert",
                                            datum::string_map({{"must-not", "stay"}}))})),
       op::insert("Bridge", {{"name", "b"}, {"fail_mode", "bogus"}})});
  try {
    client_->transact(ops);
    FAIL() << "no exception";
  } catch (const OvsdbTransactionError& e) {
    EXPECT_EQ(e.op_index(), 1u) << e.what();
    EXPECT_EQ(e.error(), "constraint violation") << e.what();
    EXPECT_NE(e.details().find("bogus"), std::string::npos) << e.details();
  }
  EXPECT_EQ(sandbox_.vsctl({"get", "Open_vSwitch", ".", "external_ids"}), "{}\n");
}

TEST_F(OvsdbClientTest, UnknownTableIsAnOperationError) {
  EXPECT_THROW(client_->transact(Json::array({op::select("NoSuchTable", Json::array())})),
               OvsdbTransactionError);
}

TEST_F(OvsdbClientTest, CommitFailureIsReportedAfterTheLastOperation) {
  // A Port whose interface does not exist: each operation succeeds, the commit cannot.
  const Json ops = Json::array(
      {op::insert("Port", {{"name", "p"},
                           {"interfaces", datum::uuid("11111111-2222-3333-4444-555555555555")}})});
  try {
    client_->transact(ops);
    FAIL() << "no exception";
  } catch (const OvsdbTransactionError& e) {
    EXPECT_EQ(e.op_index(), 1u) << e.what();
    EXPECT_EQ(e.error(), "referential integrity violation") << e.what();
    EXPECT_TRUE(e.op().is_null());
  }
}

TEST_F(OvsdbClientTest, FailedWaitAbortsTheTransaction) {
  const Json ops = Json::array(
      {op::wait("Open_vSwitch", Json::array(), {}, Json::array()),  // "no root row": false
       op::mutate("Open_vSwitch", Json::array(),
                  Json::array({op::mutation("external_ids", "insert",
                                            datum::string_map({{"must-not", "stay"}}))}))});
  try {
    client_->transact(ops);
    FAIL() << "no exception";
  } catch (const OvsdbTransactionError& e) {
    EXPECT_EQ(e.op_index(), 0u);
    EXPECT_EQ(e.error(), "timed out");
  }
  EXPECT_EQ(sandbox_.vsctl({"get", "Open_vSwitch", ".", "external_ids"}), "{}\n");
}

TEST_F(OvsdbClientTest, AsyncTransactReportsErrorsToItsHandler) {
  std::promise<std::string> outcome;
  client_->async_transact(Json::array({op::select("NoSuchTable", Json::array())}),
                          [&](std::exception_ptr error, Json) {
                            try {
                              if (error) {
                                std::rethrow_exception(error);
                              }
                              outcome.set_value("ok");
                            } catch (const OvsdbTransactionError& e) {
                              outcome.set_value(e.error());
                            } catch (...) {
                              outcome.set_value("other");
                            }
                          });
  EXPECT_NE(outcome.get_future().get(), "ok");
}

TEST_F(OvsdbClientTest, MonitorDeliversInitialRowsThenInsertModifyDelete) {
  const std::string before = sandbox_.name("pre");
  const std::string br = sandbox_.name("mon");
  sandbox_.vsctl({"add-br", before, "--", "set", "bridge", before, "datapath_type=netdev"});
  EventLog<Batch> batches;
  auto monitor = client_->monitor({{"Bridge", {"name", "external_ids"}}},
                                  [&](const std::vector<RowUpdate>& rows, bool initial) {
                                    batches.push({rows, initial});
                                  });
  // The initial rows arrived before monitor() returned.
  ASSERT_GE(batches.size(), 1u);
  const Batch first = batches.values()[0];
  EXPECT_TRUE(first.initial);
  const RowUpdate* initial_row = find_row(first, before);
  ASSERT_NE(initial_row, nullptr);
  EXPECT_TRUE(initial_row->inserted());
  EXPECT_EQ(initial_row->table, "Bridge");
  EXPECT_FALSE(initial_row->new_row.contains("datapath_type"));  // only monitored columns

  sandbox_.vsctl({"add-br", br, "--", "set", "bridge", br, "datapath_type=netdev"});
  auto inserted = batches.wait_for([&](const Batch& b) {
    const auto* row = find_row(b, br);
    return !b.initial && row && row->inserted();
  });
  ASSERT_TRUE(inserted);
  const std::string uuid = find_row(*inserted, br)->uuid;

  sandbox_.vsctl({"set", "bridge", br, "external_ids:owner=test"});
  auto modified = batches.wait_for([&](const Batch& b) {
    const auto* row = find_row(b, br);
    return row && !row->inserted() && !row->deleted();
  });
  ASSERT_TRUE(modified);
  const RowUpdate* change = find_row(*modified, br);
  EXPECT_EQ(change->uuid, uuid);
  EXPECT_EQ(datum::as_string_map(change->new_row["external_ids"]).at("owner"), "test");
  EXPECT_EQ(datum::as_string_map(change->old_row["external_ids"]).size(), 0u);
  EXPECT_FALSE(change->old_row.contains("name"));  // old carries only what changed

  sandbox_.vsctl({"del-br", br});
  auto deleted = batches.wait_for([&](const Batch& b) {
    const auto* row = find_row(b, br);
    return row && row->deleted();
  });
  ASSERT_TRUE(deleted);
  sandbox_.vsctl({"del-br", before});
}

TEST_F(OvsdbClientTest, DestroyedMonitorGetsNothingMore) {
  EventLog<Batch> batches;
  auto monitor = client_->monitor({{"Open_vSwitch", {"external_ids"}}},
                                  [&](const std::vector<RowUpdate>& rows, bool initial) {
                                    batches.push({rows, initial});
                                  });
  sandbox_.vsctl({"set", "Open_vSwitch", ".", "external_ids:a=1"});
  ASSERT_TRUE(batches.wait_for([](const Batch& b) { return !b.initial; }));
  monitor.reset();
  const size_t seen = batches.size();
  sandbox_.vsctl({"set", "Open_vSwitch", ".", "external_ids:a=2"});
  // A round trip on the same connection: had an update for the monitor been sent, it would
  // have arrived before this reply.
  client_->transact(Json::array({op::comment("barrier")}));
  EXPECT_EQ(batches.size(), seen);
}

TEST_F(OvsdbClientTest, MonitorOfAnUnknownTableFails) {
  EXPECT_THROW(client_->monitor({{"NoSuchTable", {}}}, [](const auto&, bool) {}), OvsdbRpcError);
}

}  // namespace
}  // namespace neutrino::agent::ovs::testing
