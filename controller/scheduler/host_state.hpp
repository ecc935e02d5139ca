#pragma once
// What the scheduler knows of one compute host and of one request, as Nova's HostState and
// RequestSpec: totals the agent reported, usage summed from the flavors of the instances
// placed on the host, and the service's health.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "controller/scheduler/scheduler_settings.hpp"

namespace neutrino::scheduler {

struct HostState {
  std::string host;
  std::string node;  // hypervisor_hostname
  std::string availability_zone = "nova";
  bool enabled = true;  // the nova-compute service is not disabled
  bool up = true;       // its agent heartbeats are recent and it is not forced down
  int64_t vcpus = 0;
  int64_t memory_mb = 0;
  int64_t local_gb = 0;
  int64_t vcpus_used = 0;
  int64_t memory_mb_used = 0;
  int64_t disk_mb_used = 0;  // root and ephemeral disks in MB, plus swap
  int64_t running_vms = 0;

  // Placement's capacity: (total - reserved) * allocation ratio.
  double vcpu_capacity(const SchedulerSettings& s) const;
  double memory_mb_capacity(const SchedulerSettings& s) const;
  double disk_mb_capacity(const SchedulerSettings& s) const;
  // What the weighers rank: Nova's free_ram_mb, vcpus_free and free_disk_mb.
  int64_t free_ram_mb(const SchedulerSettings& s) const;
  double free_vcpus(const SchedulerSettings& s) const;
  int64_t free_disk_mb(const SchedulerSettings& s) const;
};

struct RequestSpec {
  int64_t vcpus = 0;
  int64_t memory_mb = 0;
  int64_t root_gb = 0;
  int64_t ephemeral_gb = 0;
  int64_t swap_mb = 0;
  std::optional<std::string> availability_zone;  // unset: any zone
  std::optional<std::string> host;               // 2.74 "host": only this host
  std::optional<std::string> node;               // 2.74 "hypervisor_hostname"
  // The server group of the "group" scheduler hint: its hard policy ("affinity" or
  // "anti-affinity"; soft ones only weigh in Nova, and are not filters), the hosts its
  // servers are on (one entry per server) and anti-affinity's max_server_per_host.
  std::optional<std::string> group_policy;
  std::vector<std::string> group_hosts;
  int64_t max_server_per_host = 1;

  int64_t disk_mb() const { return (root_gb + ephemeral_gb) * 1024 + swap_mb; }
};

// Adds one instance of `spec` to the host's usage (what a placement claims).
void consume(HostState& host, const RequestSpec& spec);

}  // namespace neutrino::scheduler
