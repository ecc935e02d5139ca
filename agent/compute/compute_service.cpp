#include "agent/compute/compute_service.hpp"

#include <filesystem>

#include "agent/compute/console_text.hpp"
#include "common/log.hpp"

namespace neutrino::agent {

using compute::PowerState;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kTick = std::chrono::milliseconds(500);

std::string applied_path(const ComputeServiceOptions& options) {
  if (!options.applied_state_path.empty()) {
    return options.applied_state_path;
  }
  return (std::filesystem::path(options.instances_path).parent_path() / "compute-applied.json")
      .string();
}

}  // namespace

// What other threads hand the planner.
struct ComputeService::Inputs {
  bool stopping = false;
  bool dirty = true;
  bool observe = true;
  bool report_all = false;
  std::optional<std::map<std::string, DesiredInstance>> desired;
  std::map<std::string, std::string> invalid;
  std::optional<std::set<std::string>> ports_up;
  std::vector<std::function<void()>> completions;
  std::map<std::string, std::string> names;  // instance id -> domain name (console requests)
};

// The driver may call its listener from its own thread at any time, also while this service
// is being destroyed: the listener holds this, not the service.
struct ComputeService::Waker {
  std::mutex mutex;
  ComputeService* service = nullptr;
};

ComputeService::ComputeService(ComputeServiceOptions options, compute::ComputeDriver& driver,
                               compute::ImageSource& images, SendFn send)
    : options_(std::move(options)),
      driver_(driver),
      cache_(options_.instances_path, images),
      files_(options_.instances_path),
      context_{driver_,
               cache_,
               files_,
               options_.integration_bridge,
               options_.shutdown_timeout,
               options_.checksum_offload},
      applied_file_(applied_path(options_)),
      send_(std::move(send)),
      inputs_(std::make_unique<Inputs>()) {}

ComputeService::~ComputeService() {
  stop();
}

void ComputeService::start() {
  std::filesystem::create_directories(options_.instances_path);
  applied_ = saved_applied_ = applied_file_.load();
  waker_ = std::make_shared<Waker>();
  waker_->service = this;
  driver_.set_change_listener([waker = waker_](const std::string&) {
    std::lock_guard guard(waker->mutex);
    if (ComputeService* self = waker->service) {
      {
        std::lock_guard lock(self->mutex_);
        self->inputs_->observe = self->inputs_->dirty = true;
      }
      self->wake_.notify_all();
    }
  });
  try {
    publish_usage(driver_.list_domains());  // so that the first hello carries it
  } catch (const std::exception&) {
    // the planner retries and says why
  }
  workers_ = std::make_unique<WorkerPool>("compute", options_.workers);
  console_ = std::make_unique<WorkerPool>("console", 1);
  planner_ = std::thread([this] { run(); });
}

std::optional<HostUsage> ComputeService::usage() const {
  std::lock_guard lock(usage_mutex_);
  return usage_;
}

void ComputeService::publish_usage(const std::vector<compute::DomainStatus>& domains) {
  HostUsage usage = measure_host_usage(domains, options_.instances_path);
  std::lock_guard lock(usage_mutex_);
  usage_ = usage;
}

void ComputeService::stop() {
  {
    std::lock_guard lock(mutex_);
    if (inputs_->stopping) {
      return;
    }
    inputs_->stopping = true;
  }
  wake_.notify_all();
  driver_.set_change_listener(nullptr);
  if (waker_) {
    std::lock_guard guard(waker_->mutex);
    waker_->service = nullptr;
  }
  if (planner_.joinable()) {
    planner_.join();
  }
  // Finishes what runs (a spawn completes; a restarted agent adopts its paused domain).
  workers_.reset();
  console_.reset();
  record_finished_work();
}

// Without this, a reboot finished while stopping would be carried out again by the next agent.
void ComputeService::record_finished_work() {
  std::vector<std::function<void()>> completions;
  {
    std::lock_guard lock(mutex_);
    completions.swap(inputs_->completions);
  }
  if (completions.empty()) {
    return;
  }
  for (auto& completion : completions) {
    completion();
  }
  try {
    save_applied();
  } catch (const std::exception& e) {
    log::error("compute: could not save the applied state on stop: ", e.what());
  }
}

void ComputeService::set_state(const std::map<std::string, model::Instance>& instances) {
  std::map<std::string, std::string> invalid;
  auto desired = desired_instances(instances, &invalid);
  {
    std::lock_guard lock(mutex_);
    inputs_->desired = std::move(desired);
    inputs_->invalid = std::move(invalid);
    inputs_->dirty = true;
  }
  wake_.notify_all();
}

void ComputeService::set_ports_up(const std::vector<std::string>& up) {
  {
    std::lock_guard lock(mutex_);
    inputs_->ports_up = std::set<std::string>(up.begin(), up.end());
    inputs_->dirty = true;
  }
  wake_.notify_all();
}

void ComputeService::connected() {
  {
    std::lock_guard lock(mutex_);
    inputs_->report_all = inputs_->dirty = true;
  }
  wake_.notify_all();
}

void ComputeService::handle_message(const Json& message) {
  if (message.value("type", "") == "console_log_request" && console_) {
    console_->post([this, message] { answer_console(message); });
  }
}

void ComputeService::answer_console(const Json& request) {
  const std::string id = request.value("instance_id", "");
  Json reply = {{"type", "console_log"},
                {"request_id", request.value("request_id", "")},
                {"output", ""},
                {"error", nullptr}};
  std::string name;
  {
    std::lock_guard lock(mutex_);
    if (const auto it = inputs_->names.find(id); it != inputs_->names.end()) {
      name = it->second;
    }
  }
  try {
    if (name.empty()) {
      throw std::runtime_error("Instance " + id + " could not be found.");
    }
    std::optional<int64_t> lines;
    if (const auto it = request.find("length"); it != request.end() && it->is_number_integer()) {
      lines = it->get<int64_t>();
    }
    reply["output"] = valid_utf8(last_lines(driver_.console_output(name, kConsoleCap), lines));
  } catch (const std::exception& e) {
    reply["error"] = e.what();
  }
  send_(std::move(reply));
}

void ComputeService::run() {
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, kTick, [this] { return inputs_->dirty || inputs_->stopping; });
      if (inputs_->stopping) {
        return;
      }
    }
    try {
      pass();
    } catch (const std::exception& e) {
      log::error("compute: planning pass failed: ", e.what());
    }
  }
}

void ComputeService::pass() {
  std::optional<std::map<std::string, DesiredInstance>> desired;
  std::map<std::string, std::string> invalid;
  std::vector<std::function<void()>> completions;
  bool observe_now = false;
  bool report_all = false;
  {
    std::lock_guard lock(mutex_);
    Inputs& in = *inputs_;
    desired.swap(in.desired);
    invalid.swap(in.invalid);
    completions.swap(in.completions);
    if (in.ports_up) {
      ports_up_ = std::move(*in.ports_up);
      in.ports_up.reset();
    }
    observe_now = in.observe;
    report_all = in.report_all;
    in.observe = in.report_all = in.dirty = false;
  }
  for (auto& completion : completions) {
    completion();
  }
  if (desired && merge_state(std::move(*desired), std::move(invalid))) {
    observe_now = true;  // a new instance may already have a domain (agent restart)
  }
  if (observe_now || Clock::now() >= next_observe_) {
    observe();
  }
  const PlanInputs base{false, Clock::now(), options_.vif_plugging_timeout};
  for (auto& [id, record] : records_) {
    settle(record);
    PlanInputs inputs = base;
    inputs.ports_up = true;
    if (record.desired) {
      for (const auto& port : record.desired->ports) {
        inputs.ports_up = inputs.ports_up && ports_up_.contains(port.id);
      }
    }
    const Action action = next_action(record, inputs);
    if (action == Action::kSpawn && !record.looked_up) {
      continue;  // the hypervisor may already run it: look first
    }
    dispatch(record, action);
  }
  collect_garbage();
  save_applied();
  {
    std::lock_guard lock(mutex_);
    inputs_->names.clear();
    for (const auto& [id, record] : records_) {
      if (record.desired && record.defined) {
        inputs_->names[id] = record.name;
      }
    }
  }
  send_reports(report_all);
}

bool ComputeService::merge_state(std::map<std::string, DesiredInstance> desired,
                                 std::map<std::string, std::string> invalid) {
  bool added = false;
  for (auto& [id, record] : records_) {
    if (!desired.contains(id)) {
      record.desired.reset();
    }
  }
  for (auto& [id, instance] : desired) {
    auto [it, inserted] = records_.try_emplace(id);
    InstanceRecord& record = it->second;
    added = added || inserted;
    if (inserted || record.name.empty()) {
      record.id = id;
      record.name = instance.name;
      const auto applied = applied_.find(id);
      record.applied_start =
          applied != applied_.end() ? applied->second.start_count : instance.start_count;
      record.applied_reboot =
          applied != applied_.end() ? applied->second.reboot_count : instance.reboot_count;
    }
    record.desired = std::move(instance);
  }
  invalid_ = std::move(invalid);
  have_state_ = true;
  gc_due_ = true;
  return added;
}

void ComputeService::observe() {
  next_observe_ = Clock::now() + options_.sync_interval;
  std::vector<compute::DomainStatus> domains;
  try {
    domains = driver_.list_domains();
    last_observe_error_.clear();
    publish_usage(domains);
  } catch (const std::exception& e) {
    if (last_observe_error_ != e.what()) {
      log::warning("compute: cannot list domains: ", e.what(), "; retrying");
      last_observe_error_ = e.what();
    }
    next_observe_ = Clock::now() + std::chrono::seconds(2);
    return;  // keep the last known states: the guests most likely still run
  }
  std::map<std::string, const compute::DomainStatus*> by_name;
  std::map<std::string, const compute::DomainStatus*> by_uuid;
  for (const auto& domain : domains) {
    by_name[domain.name] = &domain;
    by_uuid[domain.uuid] = &domain;
  }
  const auto now = Clock::now();
  for (auto& [id, record] : records_) {
    record.looked_up = true;
    if (record.busy) {
      continue;  // the action's completion observes again
    }
    const auto it = by_name.find(record.name);
    if (it == by_name.end()) {
      record.power.reset();
      continue;
    }
    record.power = it->second->power;
    if (!record.defined) {
      record.defined = true;  // adopted: defined by an earlier run of this agent
      record.waiting_since = now;
      log::info("compute: adopted domain ", record.name, " of instance ", id, " (",
                compute::to_string(*record.power), ")");
    }
    if (record.task == Task::kSpawning && *record.power != PowerState::kPaused) {
      record.task = Task::kReady;
    }
  }
  if (!have_state_) {
    return;
  }
  // Leftovers of instances the controller no longer has: our domains (an instance directory
  // names their uuid) and directories without a domain.
  for (const auto& uuid : files_.list()) {
    if (records_.contains(uuid)) {
      continue;
    }
    InstanceRecord& orphan = records_[uuid];
    orphan.id = uuid;
    const auto domain = by_uuid.find(uuid);
    orphan.name = domain != by_uuid.end() ? domain->second->name : "";
    log::info("compute: instance ", uuid, " is not in the desired state; removing it");
  }
}

void ComputeService::settle(InstanceRecord& record) {
  if (!record.desired || record.busy || record.task != Task::kReady) {
    return;
  }
  const DesiredInstance& want = *record.desired;
  const bool active = record.power == PowerState::kRunning || record.power == PowerState::kPaused;
  if (!want.running) {
    // Asked to be off: the starts and reboots asked for before are moot.
    record.applied_start = std::max(record.applied_start, want.start_count);
    record.applied_reboot = std::max(record.applied_reboot, want.reboot_count);
  } else if (active) {
    record.applied_start = std::max(record.applied_start, want.start_count);  // already runs
  }
}

void ComputeService::run_action(InstanceRecord& record, std::function<void()> work,
                                std::function<void(InstanceRecord&, const std::string&)> done) {
  record.busy = true;
  const std::string id = record.id;
  workers_->post([this, id, work = std::move(work), done = std::move(done)] {
    std::string error;
    try {
      work();
    } catch (const std::exception& e) {
      error = e.what();
      if (error.empty()) {
        error = "unknown error";
      }
    }
    {
      std::lock_guard lock(mutex_);
      inputs_->completions.push_back([this, id, error, done] {
        const auto it = records_.find(id);
        if (it != records_.end()) {
          it->second.busy = false;
          done(it->second, error);
          // A finished action is always reported, even when the state it left looks like the
          // one reported before (a guest started that powered itself off again before the
          // next observation): the controller ends the action's task on that report.
          reported_.erase(id);
        }
      });
      inputs_->dirty = inputs_->observe = true;
    }
    wake_.notify_all();
  });
}

void ComputeService::dispatch(InstanceRecord& record, Action action) {
  if (action == Action::kNone) {
    return;
  }
  log::debug("compute: ", record.id, " (", record.name, "): ", to_string(action));
  const std::string name = record.name;
  const std::string id = record.id;
  const auto retry_later = [this](InstanceRecord& r, const std::string& what) {
    log::warning("compute: ", r.id, " (", r.name, "): ", what, "; retrying in ",
                 options_.retry_interval.count() / 1000, " s");
    r.retry_after = Clock::now() + options_.retry_interval;
  };
  switch (action) {
    case Action::kSpawn: {
      const DesiredInstance instance = *record.desired;
      run_action(
          record,
          [this, instance] {
            try {
              spawn_instance(context_, instance);
            } catch (const SpawnError& e) {
              throw std::runtime_error(std::string(e.what()) + "\n" + e.details());
            }
          },
          [](InstanceRecord& r, const std::string& error) {
            if (error.empty()) {
              r.defined = true;
              r.power = PowerState::kPaused;
              r.waiting_since = Clock::now();
              return;
            }
            const size_t split = error.rfind('\n');
            r.task = Task::kError;
            r.fault = Fault{error.substr(0, split),
                            split == std::string::npos ? "" : error.substr(split + 1)};
          });
      break;
    }
    case Action::kResume:
      run_action(
          record, [this, name] { driver_.resume(name); },
          [retry_later](InstanceRecord& r, const std::string& error) {
            if (!error.empty()) {
              return retry_later(r, "resume failed: " + error);
            }
            r.task = Task::kReady;
            if (r.desired) {
              r.applied_start = std::max(r.applied_start, r.desired->start_count);
              r.applied_reboot = std::max(r.applied_reboot, r.desired->reboot_count);
            }
            log::info("compute: instance ", r.id, " (", r.name, ") resumed: its ports are up");
          });
      break;
    case Action::kPowerOff:
      run_action(
          record, [this, name] { driver_.power_off(name, options_.shutdown_timeout); },
          [retry_later](InstanceRecord& r, const std::string& error) {
            if (!error.empty()) {
              return retry_later(r, "power off failed: " + error);
            }
            r.task = Task::kReady;
          });
      break;
    case Action::kPowerOn: {
      const int64_t started = record.desired->start_count;
      run_action(
          record, [this, name] { driver_.power_on(name); },
          [retry_later, started](InstanceRecord& r, const std::string& error) {
            if (!error.empty()) {
              return retry_later(r, "power on failed: " + error);
            }
            r.applied_start = std::max(r.applied_start, started);
          });
      break;
    }
    case Action::kReboot: {
      const int64_t target = record.desired->reboot_count;
      const int64_t started = record.desired->start_count;  // a reboot starts the guest too
      const bool hard = record.desired->hard_reboot;
      run_action(
          record, [this, name, hard] { reboot_instance(context_, name, hard); },
          [retry_later, target, started](InstanceRecord& r, const std::string& error) {
            if (!error.empty()) {
              return retry_later(r, "reboot failed: " + error);
            }
            r.applied_reboot = target;
            r.applied_start = std::max(r.applied_start, started);
          });
      break;
    }
    case Action::kDestroy:
      run_action(
          record, [this, id, name] { destroy_instance(context_, id, name); },
          [this, retry_later](InstanceRecord& r, const std::string& error) {
            if (!error.empty()) {
              return retry_later(r, "destroy failed: " + error);
            }
            const std::string gone = r.id;
            records_.erase(gone);  // `r` dies here
            applied_.erase(gone);
            reported_.erase(gone);
            destroyed_.insert(gone);
            gc_due_ = true;
          });
      break;
    case Action::kPlugTimeout: {
      record.task = Task::kError;
      record.fault = Fault{"Virtual Interface creation failed",
                           "the instance's ports were not wired within " +
                               std::to_string(options_.vif_plugging_timeout.count()) + " s"};
      run_action(
          record, [this, id, name] { destroy_instance(context_, id, name); },
          [](InstanceRecord& r, const std::string&) { r.power.reset(); });
      break;
    }
    case Action::kNone:
      break;
  }
}

void ComputeService::collect_garbage() {
  if (!gc_due_ || !have_state_) {
    return;
  }
  std::set<std::string> in_use;
  for (const auto& [id, record] : records_) {
    if (record.busy && record.task == Task::kSpawning) {
      return;  // a spawn may be about to use any image
    }
    if (record.desired) {
      in_use.insert(record.desired->image.id);
      if (record.desired->kernel) {
        in_use.insert(record.desired->kernel->id);
      }
      if (record.desired->ramdisk) {
        in_use.insert(record.desired->ramdisk->id);
      }
    }
  }
  gc_due_ = false;
  for (const auto& path : cache_.remove_unused(in_use)) {
    log::info("compute: removed ", path, " from the image cache: no instance uses it");
  }
}

void ComputeService::save_applied() {
  for (const auto& [id, record] : records_) {
    if (record.desired) {
      applied_[id] = AppliedState{record.applied_start, record.applied_reboot};
    }
  }
  if (applied_ != saved_applied_) {
    applied_file_.save(applied_);
    saved_applied_ = applied_;
  }
}

void ComputeService::send_reports(bool all) {
  Json changed = Json::array();
  for (const auto& [id, record] : records_) {
    if (!record.desired) {
      continue;
    }
    Json report = record.report();
    auto& last = reported_[id];
    if (all || last != report) {
      changed.push_back(report);
      last = std::move(report);
    }
  }
  for (const auto& [id, reason] : invalid_) {
    Json report = {{"id", id},
                   {"power_state", "nostate"},
                   {"task", "error"},
                   {"fault", {{"message", "Invalid instance: " + reason}, {"details", ""}}}};
    auto& last = reported_[id];
    if (all || last != report) {
      changed.push_back(report);
      last = std::move(report);
    }
  }
  for (const auto& id : destroyed_) {
    changed.push_back({{"id", id}, {"power_state", "nostate"}, {"task", "deleted"}});
  }
  destroyed_.clear();
  if (!changed.empty()) {
    send_({{"type", "instance_state"}, {"instances", std::move(changed)}});
  }
}

}  // namespace neutrino::agent
