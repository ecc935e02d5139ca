#include "controller/http/connection_registry.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace neutrino::http::detail {
namespace {

class FakeConnection : public Connection {
 public:
  void close() override { ++closes; }
  int closes = 0;
};

using Admission = ConnectionRegistry::Admission;

TEST(ConnectionRegistryTest, AdmitsUpToTheLimitThenShedsTheLongestSheddable) {
  ConnectionRegistry registry(2);
  auto a = std::make_shared<FakeConnection>();
  auto b = std::make_shared<FakeConnection>();
  auto c = std::make_shared<FakeConnection>();
  std::shared_ptr<Connection> shed;
  EXPECT_EQ(registry.admit(a, shed), Admission::kAdmitted);
  EXPECT_EQ(registry.admit(b, shed), Admission::kAdmitted);
  EXPECT_EQ(shed, nullptr);
  EXPECT_EQ(registry.open(), 2u);
  EXPECT_EQ(registry.admit(c, shed), Admission::kAdmitted);
  EXPECT_EQ(shed, a);  // sheddable the longest
  EXPECT_EQ(registry.open(), 2u);
  registry.remove(a.get());  // a shed connection ending later changes nothing
  EXPECT_EQ(registry.open(), 2u);
}

TEST(ConnectionRegistryTest, BusyConnectionsAreNeverShedAndANewcomerIsRefused) {
  ConnectionRegistry registry(2);
  auto a = std::make_shared<FakeConnection>();
  auto b = std::make_shared<FakeConnection>();
  std::shared_ptr<Connection> shed;
  registry.admit(a, shed);
  registry.admit(b, shed);
  registry.set_sheddable(a.get(), false);
  registry.set_sheddable(b.get(), false);
  auto c = std::make_shared<FakeConnection>();
  EXPECT_EQ(registry.admit(c, shed), Admission::kRefused);
  EXPECT_EQ(shed, nullptr);
  // b waits for its next request again: it is the one to go.
  registry.set_sheddable(b.get(), true);
  EXPECT_EQ(registry.admit(c, shed), Admission::kAdmitted);
  EXPECT_EQ(shed, b);
}

TEST(ConnectionRegistryTest, BecomingSheddableAgainMakesAConnectionTheYoungest) {
  ConnectionRegistry registry(2);
  auto a = std::make_shared<FakeConnection>();
  auto b = std::make_shared<FakeConnection>();
  std::shared_ptr<Connection> shed;
  registry.admit(a, shed);
  registry.admit(b, shed);
  registry.set_sheddable(a.get(), false);  // a serves a request...
  registry.set_sheddable(a.get(), true);   // ...and waits again, after b
  EXPECT_EQ(registry.admit(std::make_shared<FakeConnection>(), shed), Admission::kAdmitted);
  EXPECT_EQ(shed, b);
}

TEST(ConnectionRegistryTest, EndedConnectionsFreeTheirSlot) {
  ConnectionRegistry registry(1);
  std::shared_ptr<Connection> shed;
  {
    auto gone = std::make_shared<FakeConnection>();
    registry.admit(gone, shed);
    registry.set_sheddable(gone.get(), false);
    registry.remove(gone.get());
  }
  EXPECT_EQ(registry.open(), 0u);
  auto next = std::make_shared<FakeConnection>();
  EXPECT_EQ(registry.admit(next, shed), Admission::kAdmitted);
  EXPECT_EQ(shed, nullptr);
}

TEST(ConnectionRegistryTest, RefusalsAreBoundedAndClearedWithTheRest) {
  ConnectionRegistry registry(1);
  std::vector<std::shared_ptr<FakeConnection>> refused;
  for (int i = 0; i < 3; ++i) {
    refused.push_back(std::make_shared<FakeConnection>());
  }
  EXPECT_TRUE(registry.add_refused(refused[0], 2));
  EXPECT_TRUE(registry.add_refused(refused[1], 2));
  EXPECT_FALSE(registry.add_refused(refused[2], 2));
  EXPECT_EQ(registry.open(), 0u);  // refusals do not count against the limit
  registry.remove(refused[0].get());
  EXPECT_TRUE(registry.add_refused(refused[2], 2));
  auto admitted = std::make_shared<FakeConnection>();
  std::shared_ptr<Connection> shed;
  registry.admit(admitted, shed);
  EXPECT_EQ(registry.clear().size(), 3u);
  EXPECT_EQ(registry.open(), 0u);
}

}  // namespace
}  // namespace neutrino::http::detail
