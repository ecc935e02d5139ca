#include "controller/channel/reboot_counts.hpp"

#include <gtest/gtest.h>

#include <memory>

#include "common/model/instance.hpp"

namespace neutrino::channel {
namespace {

Json instance(const std::string& id, int64_t reboot_count) {
  model::Instance out;
  out.id = id;
  out.name = "instance-00000001";
  out.power = "running";
  out.reboot_count = reboot_count;
  return Json(out);
}

TEST(RebootCounts, ReadsTheInstanceObjectsOfAState) {
  const Json state = {{"instance:a", instance("a", 2)},
                      {"instance:b", instance("b", 0)},
                      {"port:p", {{"id", "p"}, {"reboot_count", 7}}},
                      {"instances:c", instance("c", 5)},  // not the instance kind
                      {"instance:", instance("", 1)},     // no id: no key
                      {"instance:bad", {{"id", "bad"}, {"reboot_count", 3}}}};
  EXPECT_EQ(reboot_counts(state), (RebootCounts{{"a", 2}, {"b", 0}}));
  EXPECT_TRUE(reboot_counts(Json()).empty());  // a delta without "set"
}

TEST(RebootCounts, ReadsTheInstancesADeltaSets) {
  fanout::HostDeltas::Changes changes;
  changes["instance:a"] = std::make_shared<const Json>(instance("a", 4));
  changes["instance:gone"] = nullptr;  // removed
  changes["network:n"] = std::make_shared<const Json>(Json{{"id", "n"}});
  changes["router:r"] = std::make_shared<const Json>(Json{{"id", "r"}, {"reboot_count", 1}});
  EXPECT_EQ(reboot_counts(changes), (RebootCounts{{"a", 4}}));
}

}  // namespace
}  // namespace neutrino::channel
