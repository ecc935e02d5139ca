#pragma once
// The agent's compute part: reconciles the "instance:<uuid>" objects of the host's desired
// state against the hypervisor (contract §2, §4-§6). A planner thread owns every instance
// record and decides (next_action); the work itself (downloads, qemu-img, libvirt calls) runs
// on a worker pool, one action per instance at a time, and reports back to the planner. So
// nothing here blocks the channel's event loop, its heartbeats or the network reconciler,
// and a slow download delays only the instances that need that image.
//
// Idempotent across restarts: a restarted agent adopts the domains it finds (by name),
// resumes a paused one only once its ports are up again, and remembers in the state
// directory what it last enforced (AppliedStateFile), so running guests are never restarted.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "agent/compute/applied_state_file.hpp"
#include "agent/compute/host_usage.hpp"
#include "agent/compute/instance_actions.hpp"
#include "agent/compute/instance_record.hpp"
#include "agent/compute/worker_pool.hpp"
#include "common/model/instance.hpp"
#include "compute/images/image_source.hpp"

namespace neutrino::agent {

struct ComputeServiceOptions {
  std::string instances_path = "/var/lib/neutrino-agent/instances";
  std::string applied_state_path;  // empty: <instances_path>/../compute-applied.json
  std::string integration_bridge = "br-int";
  bool checksum_offload = true;                     // guests' NICs: VifSpec
  std::chrono::seconds shutdown_timeout{60};        // Nova's [DEFAULT] shutdown_timeout
  std::chrono::seconds vif_plugging_timeout{300};   // Nova's [DEFAULT] vif_plugging_timeout
  std::chrono::milliseconds sync_interval{10000};   // power state poll besides the events
  std::chrono::milliseconds retry_interval{10000};  // after a failed power action
  size_t workers = 4;
};

// Sends a message to the controller; must not block (the channel posts it).
using SendFn = std::function<void(Json message)>;

class ComputeService {
 public:
  ComputeService(ComputeServiceOptions options, compute::ComputeDriver& driver,
                 compute::ImageSource& images, SendFn send);
  ~ComputeService();

  void start();
  void stop();
  // Any thread. Every instance of the desired state (the host model's table, by id) after a
  // snapshot or delta.
  void set_state(const std::map<std::string, model::Instance>& instances);
  // Any thread. The ports the network reconciler has wired and acked up.
  void set_ports_up(const std::vector<std::string>& up);
  // Any thread. The channel is (re)established: report every instance again.
  void connected();
  // Any thread. A controller message for the compute part ("console_log_request").
  void handle_message(const Json& message);
  // Any thread. What the host's guests hold, as of the last domain listing (one is made at
  // start()); nullopt while libvirt has never answered.
  std::optional<HostUsage> usage() const;

  static constexpr size_t kConsoleCap = 1 << 20;  // contract §5: last 1 MiB at most

 private:
  struct Inputs;
  struct Waker;  // what the driver's change listener reaches; cut at stop()
  void run();
  void pass();
  // Returns whether instances were added.
  bool merge_state(std::map<std::string, DesiredInstance> desired,
                   std::map<std::string, std::string> invalid);
  void observe();
  void publish_usage(const std::vector<compute::DomainStatus>& domains);
  void settle(InstanceRecord& record);
  void dispatch(InstanceRecord& record, Action action);
  // Runs `work` on a worker; `done(error)` then runs on the planner ("" = success).
  void run_action(InstanceRecord& record, std::function<void()> work,
                  std::function<void(InstanceRecord&, const std::string& error)> done);
  void collect_garbage();
  void save_applied();
  void record_finished_work();
  void send_reports(bool all);
  void answer_console(const Json& request);

  ComputeServiceOptions options_;
  compute::ComputeDriver& driver_;
  compute::ImageCache cache_;
  compute::InstanceFiles files_;
  ComputeContext context_;
  AppliedStateFile applied_file_;
  SendFn send_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::unique_ptr<Inputs> inputs_;  // guarded by mutex_
  std::shared_ptr<Waker> waker_;
  std::thread planner_;

  // Planner thread only.
  std::map<std::string, InstanceRecord> records_;
  std::map<std::string, std::string> invalid_;
  std::map<std::string, Json> reported_;
  // Destroyed since the last report: each gets one last report, "nostate"/"deleted", which
  // tells the controller to finish the deletion (ports, records).
  std::set<std::string> destroyed_;
  std::map<std::string, AppliedState> applied_;
  std::map<std::string, AppliedState> saved_applied_;
  std::set<std::string> ports_up_;
  bool have_state_ = false;
  bool gc_due_ = true;
  std::chrono::steady_clock::time_point next_observe_;
  std::string last_observe_error_;

  mutable std::mutex usage_mutex_;
  std::optional<HostUsage> usage_;  // guarded by usage_mutex_

  std::unique_ptr<WorkerPool> workers_;
  std::unique_ptr<WorkerPool> console_;  // quick requests never queue behind downloads
};

}  // namespace neutrino::agent
