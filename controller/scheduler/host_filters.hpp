#pragma once
// Nova's filter scheduler filters: each one says whether a host can take one instance of the
// request. The resource filters have the semantics of the old RamFilter/CoreFilter/DiskFilter
// with placement's arithmetic: used + requested <= (total - reserved) * allocation ratio.
#include <memory>
#include <vector>

#include "controller/scheduler/host_state.hpp"

namespace neutrino::scheduler {

class HostFilter {
 public:
  virtual ~HostFilter() = default;
  virtual const char* name() const = 0;
  virtual bool passes(const HostState& host, const RequestSpec& spec,
                      const SchedulerSettings& settings) const = 0;
};

// The service is up (agent heartbeats) and enabled (`compute service set --disable`).
class ComputeFilter final : public HostFilter {
 public:
  const char* name() const override { return "ComputeFilter"; }
  bool passes(const HostState& host, const RequestSpec& spec,
              const SchedulerSettings& settings) const override;
};

// The host is in the requested availability zone; without one, any zone will do.
class AvailabilityZoneFilter final : public HostFilter {
 public:
  const char* name() const override { return "AvailabilityZoneFilter"; }
  bool passes(const HostState& host, const RequestSpec& spec,
              const SchedulerSettings& settings) const override;
};

// 2.74's host / hypervisor_hostname: only the named host or node.
class RequestedDestinationFilter final : public HostFilter {
 public:
  const char* name() const override { return "RequestedDestinationFilter"; }
  bool passes(const HostState& host, const RequestSpec& spec,
              const SchedulerSettings& settings) const override;
};

class RamFilter final : public HostFilter {
 public:
  const char* name() const override { return "RamFilter"; }
  bool passes(const HostState& host, const RequestSpec& spec,
              const SchedulerSettings& settings) const override;
};

class CoreFilter final : public HostFilter {
 public:
  const char* name() const override { return "CoreFilter"; }
  bool passes(const HostState& host, const RequestSpec& spec,
              const SchedulerSettings& settings) const override;
};

class DiskFilter final : public HostFilter {
 public:
  const char* name() const override { return "DiskFilter"; }
  bool passes(const HostState& host, const RequestSpec& spec,
              const SchedulerSettings& settings) const override;
};

// Every filter above, in the order Nova's default enabled_filters runs them.
// Nova's ServerGroupAffinityFilter: once the group has servers, only their hosts.
class ServerGroupAffinityFilter final : public HostFilter {
 public:
  const char* name() const override { return "ServerGroupAffinityFilter"; }
  bool passes(const HostState& host, const RequestSpec& spec,
              const SchedulerSettings& settings) const override;
};

// Nova's ServerGroupAntiAffinityFilter: hosts with fewer than max_server_per_host of the
// group's servers.
class ServerGroupAntiAffinityFilter final : public HostFilter {
 public:
  const char* name() const override { return "ServerGroupAntiAffinityFilter"; }
  bool passes(const HostState& host, const RequestSpec& spec,
              const SchedulerSettings& settings) const override;
};

std::vector<std::unique_ptr<HostFilter>> default_filters();

}  // namespace neutrino::scheduler
