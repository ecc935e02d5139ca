#include "agent/app/zone_addresses.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/channel/host_state.hpp"
#include "common/model/host_model.hpp"

namespace neutrino::agent {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using Entry = ZoneAddresses::Entry;

class ZoneAddressesTest : public ::testing::Test {
 protected:
  void port(const std::string& id, const std::string& network, std::vector<std::string> ips) {
    std::vector<model::FixedIp> fixed;
    for (const auto& ip : ips) {
      fixed.push_back({"s", ip});
    }
    state_["port:" + id] =
        model::Port{id, network, "fa:16:3e:00:00:01", true, true, "compute:nova", "vm", "p", fixed};
    input_.local_ports[id] = static_cast<std::uint32_t>(input_.local_ports.size() + 1);
  }
  // Decodes state_ as the reconciler would, then updates.
  std::vector<Entry> update() {
    model_ = model::HostModel();
    for (const auto& [key, object] : state_) {
      model_.apply(key, &object);
    }
    return addresses_.update(input_);
  }

  channel::HostState state_;
  model::HostModel model_;
  dataplane::pipeline::PipelineInput input_{.model = &model_,
                                            .local_vlans = {{"n1", 1}, {"n2", 2}}};
  ZoneAddresses addresses_;
};

TEST_F(ZoneAddressesTest, TheFirstPassFlushesNothing) {
  port("a", "n1", {"10.0.0.5"});
  EXPECT_THAT(update(), IsEmpty());
  EXPECT_THAT(update(), IsEmpty());
}

TEST_F(ZoneAddressesTest, ADeletedOrUnpluggedPortsAddressesLeaveItsZone) {
  port("a", "n1", {"10.0.0.5", "2001:db8::5"});
  port("b", "n2", {"10.0.0.5"});
  update();
  state_.erase("port:a");
  EXPECT_THAT(update(), ElementsAre(Entry{1, "10.0.0.5"}, Entry{1, "2001:db8::5"}));
  input_.local_ports.erase("b");  // unplugged
  EXPECT_THAT(update(), ElementsAre(Entry{2, "10.0.0.5"}));
}

TEST_F(ZoneAddressesTest, AnAddressTakenOverByAnotherPortInOnePassIsFlushed) {
  port("a", "n1", {"10.0.0.5"});
  update();
  state_.erase("port:a");
  port("c", "n1", {"10.0.0.5"});
  EXPECT_THAT(update(), ElementsAre(Entry{1, "10.0.0.5"}));
  EXPECT_THAT(update(), IsEmpty());
  state_["port:c"]["fixed_ips"] = {{{"subnet_id", "s"}, {"ip_address", "10.0.0.6"}}};
  EXPECT_THAT(update(), ElementsAre(Entry{1, "10.0.0.5"}));
}

TEST_F(ZoneAddressesTest, APortThatDoesNotDecodeHoldsNothing) {
  port("a", "n1", {"10.0.0.5"});
  update();
  state_["port:a"].erase("mac_address");
  EXPECT_THAT(update(), ElementsAre(Entry{1, "10.0.0.5"}));
}

}  // namespace
}  // namespace neutrino::agent
