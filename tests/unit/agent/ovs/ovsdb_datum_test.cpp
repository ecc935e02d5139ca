#include "agent/ovs/ovsdb_datum.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "agent/ovs/ovsdb_client.hpp"
#include "agent/ovs/ovsdb_error.hpp"
#include "agent/ovs/ovsdb_ops.hpp"
#include "agent/ovs/row_update.hpp"

namespace neutrino::agent::ovs {
namespace {

TEST(OvsdbDatum, BuildsTheRfc7047Encodings) {
  EXPECT_EQ(datum::uuid("36bb0a0d-0b5b-4d43-b2a5-7e5ed0ff9b1a").dump(),
            R"(["uuid","36bb0a0d-0b5b-4d43-b2a5-7e5ed0ff9b1a"])");
  EXPECT_EQ(datum::named_uuid("port").dump(), R"(["named-uuid","port"])");
  EXPECT_EQ(datum::set({}).dump(), R"(["set",[]])");
  EXPECT_EQ(datum::set({datum::named_uuid("p")}).dump(), R"(["set",[["named-uuid","p"]]])");
  EXPECT_EQ(datum::string_set({"OpenFlow13", "OpenFlow15"}).dump(),
            R"(["set",["OpenFlow13","OpenFlow15"]])");
  EXPECT_EQ(datum::string_map({{"peer", "p1"}, {"key", "flow"}}).dump(),
            R"(["map",[["key","flow"],["peer","p1"]]])");
  EXPECT_EQ(datum::string_map({}).dump(), R"(["map",[]])");
  EXPECT_EQ(datum::optional(std::nullopt).dump(), R"(["set",[]])");
  EXPECT_EQ(datum::optional(Json(42)).dump(), R"(["set",[42]])");
}

TEST(OvsdbDatum, ParsesSetsMapsAndUuids) {
  EXPECT_EQ(datum::as_uuid(Json::parse(R"(["uuid","abc"])")), "abc");
  EXPECT_TRUE(datum::is_uuid(Json::parse(R"(["uuid","abc"])")));
  EXPECT_FALSE(datum::is_uuid(Json::parse(R"(["named-uuid","abc"])")));
  // A one-element set may come as the bare atom.
  EXPECT_EQ(datum::as_string_set(Json("OpenFlow13")), std::vector<std::string>{"OpenFlow13"});
  EXPECT_EQ(datum::as_string_set(Json::parse(R"(["set",["a","b"]])")),
            (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(datum::as_uuid_set(Json::parse(R"(["uuid","u1"])")), std::vector<std::string>{"u1"});
  EXPECT_EQ(datum::as_uuid_set(Json::parse(R"(["set",[["uuid","u1"],["uuid","u2"]]])")),
            (std::vector<std::string>{"u1", "u2"}));
  EXPECT_EQ(datum::as_string_map(Json::parse(R"(["map",[["iface-id","p"],["k","v"]]])")),
            (datum::StringMap{{"iface-id", "p"}, {"k", "v"}}));
  EXPECT_EQ(datum::as_optional_integer(Json::parse(R"(["set",[]])")), std::nullopt);
  EXPECT_EQ(datum::as_optional_integer(Json(7)), 7);
  EXPECT_EQ(datum::as_optional_integer(Json(-1)), -1);
  EXPECT_EQ(datum::as_optional_string(Json::parse(R"(["set",[]])")), "");
  EXPECT_EQ(datum::as_optional_string(Json("secure")), "secure");
}

TEST(OvsdbDatum, RejectsTheWrongShape) {
  EXPECT_THROW(datum::as_uuid(Json("abc")), std::invalid_argument);
  EXPECT_THROW(datum::as_string_map(Json::parse(R"(["set",[]])")), std::invalid_argument);
  EXPECT_THROW(datum::as_string_map(Json::parse(R"(["map",[["k",1]]])")), std::invalid_argument);
  EXPECT_THROW(datum::as_string_set(Json::parse(R"(["map",[]])")), std::invalid_argument);
  EXPECT_THROW(datum::as_optional_integer(Json::parse(R"(["set",[1,2]])")), std::invalid_argument);
}

TEST(OvsdbOps, BuildOperationsAsTheRfcSpellsThem) {
  EXPECT_EQ(op::insert("Port", {{"name", "p"}}, "port"),
            Json::parse(R"({"op":"insert","table":"Port","row":{"name":"p"},"uuid-name":"port"})"));
  EXPECT_EQ(
      op::mutate(
          "Bridge", op::row_is("u"),
          Json::array({op::mutation("ports", "insert", datum::set({datum::named_uuid("port")}))})),
      Json::parse(R"({"op":"mutate","table":"Bridge","where":[["_uuid","==",["uuid","u"]]],
                            "mutations":[["ports","insert",["set",[["named-uuid","port"]]]]]})"));
  EXPECT_EQ(
      op::wait("Bridge", Json::array({op::condition("name", "==", "br")}), {"name"}, Json::array()),
      Json::parse(R"({"op":"wait","table":"Bridge","timeout":0,"where":[["name","==","br"]],
                            "columns":["name"],"until":"==","rows":[]})"));
  EXPECT_EQ(op::remove("Port", Json::array()),
            Json::parse(R"({"op":"delete","table":"Port","where":[]})"));
}

TEST(OvsdbOps, MergeMapSetsOnlyTheKeysThatDiffer) {
  EXPECT_EQ(op::merge_map("external_ids", {{"a", "1"}}, {{"a", "1"}}), Json::array());
  EXPECT_EQ(op::merge_map("external_ids", {{"a", "1"}, {"other", "x"}}, {{"a", "2"}, {"b", "3"}}),
            Json::parse(R"([["external_ids","delete",["set",["a"]]],
                            ["external_ids","insert",["map",[["a","2"],["b","3"]]]]])"));
}

TEST(OvsdbTableUpdates, BecomeOneRowUpdatePerRow) {
  const auto updates = parse_table_updates(Json::parse(R"({
    "Interface": {"u1": {"new": {"name": "a"}},
                  "u2": {"old": {"name": "b"}},
                  "u3": {"old": {"ofport": ["set", []]}, "new": {"name": "c", "ofport": 3}}}})"));
  ASSERT_EQ(updates.size(), 3u);
  EXPECT_EQ(updates[0].table, "Interface");
  EXPECT_EQ(updates[0].uuid, "u1");
  EXPECT_TRUE(updates[0].inserted());
  EXPECT_TRUE(updates[1].deleted());
  EXPECT_FALSE(updates[2].inserted());
  EXPECT_FALSE(updates[2].deleted());
  EXPECT_EQ(updates[2].new_row["ofport"], 3);
  EXPECT_THROW(parse_table_updates(Json::array()), std::invalid_argument);
}

TEST(OvsdbTransactResult, FailedOperationBecomesAnExceptionNamingIt) {
  const Json ops = Json::array({op::comment("a"), op::insert("Bridge", {{"name", "x"}})});
  try {
    OvsdbClient::check_transact_result(
        ops, Json::parse(R"([{}, {"error": "constraint violation", "details": "bad"}])"));
    FAIL() << "no exception";
  } catch (const OvsdbTransactionError& e) {
    EXPECT_EQ(e.op_index(), 1u);
    EXPECT_EQ(e.error(), "constraint violation");
    EXPECT_EQ(e.details(), "bad");
    EXPECT_EQ(e.op(), ops[1]);
    EXPECT_NE(std::string(e.what()).find("insert Bridge"), std::string::npos) << e.what();
  }
}

TEST(OvsdbTransactResult, CommitFailureComesAfterTheLastOperation) {
  const Json ops = Json::array({op::comment("a")});
  try {
    OvsdbClient::check_transact_result(
        ops, Json::parse(R"([{}, {"error": "referential integrity violation"}])"));
    FAIL() << "no exception";
  } catch (const OvsdbTransactionError& e) {
    EXPECT_EQ(e.op_index(), 1u);
    EXPECT_TRUE(e.op().is_null());
  }
  EXPECT_NO_THROW(OvsdbClient::check_transact_result(ops, Json::parse(R"([{}])")));
  EXPECT_THROW(OvsdbClient::check_transact_result(ops, Json::array()), OvsdbError);
}

}  // namespace
}  // namespace neutrino::agent::ovs
