#include "compute/libvirt/libvirt_driver.hpp"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include <cstdlib>
#include <fstream>
#include <thread>

#include "common/log.hpp"
#include "compute/libvirt/domain_xml.hpp"
#include "compute/libvirt/kvm_probe.hpp"
#include "compute/libvirt/libvirt_event_loop.hpp"

namespace neutrino::compute {

class LibvirtDriver::Connection {
 public:
  explicit Connection(virConnectPtr conn) : conn_(conn) {}
  ~Connection() {
    if (conn_ != nullptr) {
      virConnectClose(conn_);
    }
  }
  Connection(Connection&& other) noexcept : conn_(other.conn_) { other.conn_ = nullptr; }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  virConnectPtr get() const { return conn_; }

 private:
  virConnectPtr conn_;
};

namespace {

using namespace std::chrono_literals;

class Domain {
 public:
  explicit Domain(virDomainPtr dom) : dom_(dom) {}
  ~Domain() {
    if (dom_ != nullptr) {
      virDomainFree(dom_);
    }
  }
  Domain(Domain&& other) noexcept : dom_(other.dom_) { other.dom_ = nullptr; }
  Domain(const Domain&) = delete;
  Domain& operator=(const Domain&) = delete;
  virDomainPtr get() const { return dom_; }
  explicit operator bool() const { return dom_ != nullptr; }

 private:
  virDomainPtr dom_;
};

[[noreturn]] void fail(const std::string& what) {
  throw ComputeDriverError(what + ": " + virGetLastErrorMessage());
}

PowerState power_of(int state) {
  switch (state) {
    case VIR_DOMAIN_RUNNING:
    case VIR_DOMAIN_BLOCKED:
      return PowerState::kRunning;
    case VIR_DOMAIN_PAUSED:
    case VIR_DOMAIN_PMSUSPENDED:
      return PowerState::kPaused;
    case VIR_DOMAIN_SHUTDOWN:
    case VIR_DOMAIN_SHUTOFF:
      return PowerState::kShutdown;
    case VIR_DOMAIN_CRASHED:
      return PowerState::kCrashed;
    default:
      return PowerState::kNoState;
  }
}

int raw_state(virDomainPtr dom) {
  int state = VIR_DOMAIN_NOSTATE;
  int reason = 0;
  if (virDomainGetState(dom, &state, &reason, 0) < 0) {
    fail("cannot read the state of " + std::string(virDomainGetName(dom)));
  }
  return state;
}

DomainStatus status_of(virDomainPtr dom) {
  char uuid[VIR_UUID_STRING_BUFLEN] = {};
  virDomainGetUUIDString(dom, uuid);
  DomainStatus status{virDomainGetName(dom), uuid, power_of(raw_state(dom))};
  virDomainInfo info{};
  if (virDomainGetInfo(dom, &info) == 0) {
    status.vcpus = info.nrVirtCpu;
    status.memory_mb = static_cast<int64_t>(info.maxMem / 1024);
  }
  return status;
}

// Null when there is no such domain; throws on any other error.
Domain lookup(virConnectPtr conn, const std::string& name) {
  virDomainPtr dom = virDomainLookupByName(conn, name.c_str());
  if (dom == nullptr) {
    virErrorPtr error = virGetLastError();
    if (error != nullptr && error->code == VIR_ERR_NO_DOMAIN) {
      virResetLastError();
      return Domain(nullptr);
    }
    fail("cannot look up domain " + name);
  }
  return Domain(dom);
}

Domain require(virConnectPtr conn, const std::string& name) {
  Domain dom = lookup(conn, name);
  if (!dom) {
    throw ComputeDriverError("Domain not found: no domain with matching name '" + name + "'");
  }
  return dom;
}

// The file virtlogd (or a <serial type='file'>) writes the console to, from the domain XML.
std::string console_log_path(virDomainPtr dom) {
  char* xml = virDomainGetXMLDesc(dom, 0);
  if (xml == nullptr) {
    fail("cannot read the XML of " + std::string(virDomainGetName(dom)));
  }
  const std::string text(xml);
  std::free(xml);
  for (const std::string marker : {"<log file='", "<source path='"}) {
    const size_t start = text.find(marker);
    if (start != std::string::npos) {
      const size_t begin = start + marker.size();
      return text.substr(begin, text.find('\'', begin) - begin);
    }
  }
  return "";
}

std::string tail_of_file(const std::string& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) {
    return "";
  }
  const std::streamoff size = in.tellg();
  const std::streamoff start = size > static_cast<std::streamoff>(max_bytes)
                                   ? size - static_cast<std::streamoff>(max_bytes)
                                   : 0;
  in.seekg(start);
  std::string out(static_cast<size_t>(size - start), '\0');
  in.read(out.data(), static_cast<std::streamsize>(out.size()));
  out.resize(static_cast<size_t>(in.gcount()));
  return out;
}

int on_lifecycle(virConnectPtr, virDomainPtr dom, int, int, void* opaque) {
  static_cast<std::function<void(const std::string&)>*>(opaque)->operator()(virDomainGetName(dom));
  return 0;
}

}  // namespace

LibvirtDriver::LibvirtDriver(LibvirtOptions options)
    : options_(std::move(options)), loop_(LibvirtEventLoop::acquire()) {}

LibvirtDriver::~LibvirtDriver() {
  set_change_listener(nullptr);
  std::lock_guard lock(mutex_);
  close_locked();
}

void LibvirtDriver::notify(const std::string& name) {
  std::function<void(const std::string&)> listener;
  {
    std::lock_guard lock(listener_mutex_);
    listener = listener_;
  }
  if (listener) {
    listener(name);
  }
}

void LibvirtDriver::on_close(virConnectPtr, int reason, void* self) {
  auto* driver = static_cast<LibvirtDriver*>(self);
  driver->lost_ = true;
  log::warning("libvirt: connection to ", driver->options_.uri, " closed (reason ", reason,
               "); reconnecting on next use");
  driver->notify("");
}

void LibvirtDriver::close_locked() {
  if (conn_ == nullptr) {
    return;
  }
  virConnectUnregisterCloseCallback(conn_, &LibvirtDriver::on_close);
  if (lifecycle_callback_ >= 0) {
    virConnectDomainEventDeregisterAny(conn_, lifecycle_callback_);
    lifecycle_callback_ = -1;
  }
  virConnectClose(conn_);
  conn_ = nullptr;
}

bool LibvirtDriver::open_locked() {
  close_locked();
  virConnectPtr conn = virConnectOpen(options_.uri.c_str());
  if (conn == nullptr) {
    fail("cannot connect to libvirt at " + options_.uri);
  }
  conn_ = conn;
  lost_ = false;
  // Keepalive: a libvirtd that hangs (not only one that dies) closes the connection.
  virConnectSetKeepAlive(conn_, 5, 3);
  virConnectRegisterCloseCallback(conn_, &LibvirtDriver::on_close, this, nullptr);
  auto* forward = new std::function<void(const std::string&)>(
      [this](const std::string& name) { notify(name); });
  lifecycle_callback_ = virConnectDomainEventRegisterAny(
      conn_, nullptr, VIR_DOMAIN_EVENT_ID_LIFECYCLE, VIR_DOMAIN_EVENT_CALLBACK(on_lifecycle),
      forward,
      [](void* opaque) { delete static_cast<std::function<void(const std::string&)>*>(opaque); });
  if (lifecycle_callback_ < 0) {
    log::warning("libvirt: no domain events (", virGetLastErrorMessage(),
                 "); power state is only synced by polling");
  }
  if (virt_type_.empty()) {
    if (options_.virt_type == "auto") {
      const std::string why_not = kvm_unusable_reason(conn_);
      virt_type_ = why_not.empty() ? "kvm" : "qemu";
      log::info("libvirt: guests get domain type ", virt_type_,
                why_not.empty() ? "" : " (TCG: " + why_not + ")");
    } else {
      virt_type_ = options_.virt_type;
    }
  }
  const bool reconnected = was_connected_;
  was_connected_ = true;
  log::info("libvirt: connected to ", options_.uri, reconnected ? " again" : "");
  return reconnected;
}

LibvirtDriver::Connection LibvirtDriver::connection() {
  bool reopened = false;
  virConnectPtr conn;
  {
    std::lock_guard lock(mutex_);
    if (conn_ == nullptr || lost_ || virConnectIsAlive(conn_) != 1) {
      reopened = open_locked();
    }
    conn = conn_;
    virConnectRef(conn);
  }
  if (reopened) {
    notify("");  // every domain may have changed while we were away
  }
  return Connection(conn);
}

std::string LibvirtDriver::virt_type() {
  connection();
  std::lock_guard lock(mutex_);
  return virt_type_;
}

HypervisorInfo LibvirtDriver::hypervisor_info() {
  const Connection conn = connection();
  unsigned long version = 0;
  if (virConnectGetVersion(conn.get(), &version) < 0) {
    fail("cannot read the hypervisor version");
  }
  HypervisorInfo info;
  info.hypervisor_version = static_cast<int64_t>(version);
  info.virt_type = virt_type();
  return info;
}

std::string LibvirtDriver::define_and_start_paused(const DomainSpec& requested) {
  DomainSpec spec = requested;
  spec.virt_type = virt_type();
  const Connection conn = connection();
  const std::string xml = render_domain_xml(spec);
  Domain dom(virDomainDefineXMLFlags(conn.get(), xml.c_str(), VIR_DOMAIN_DEFINE_VALIDATE));
  if (!dom) {
    fail("cannot define domain " + spec.name);
  }
  if (virDomainCreateWithFlags(dom.get(), VIR_DOMAIN_START_PAUSED) < 0) {
    const std::string message = virGetLastErrorMessage();
    virDomainUndefineFlags(dom.get(), 0);
    throw ComputeDriverError("cannot start domain " + spec.name + ": " + message);
  }
  char* defined = virDomainGetXMLDesc(dom.get(), VIR_DOMAIN_XML_INACTIVE);
  std::string out = defined != nullptr ? defined : xml;
  std::free(defined);
  return out;
}

void LibvirtDriver::resume(const std::string& name) {
  const Connection conn = connection();
  const Domain dom = require(conn.get(), name);
  if (raw_state(dom.get()) == VIR_DOMAIN_PAUSED && virDomainResume(dom.get()) < 0) {
    fail("cannot resume " + name);
  }
}

void LibvirtDriver::power_off(const std::string& name, std::chrono::seconds timeout) {
  const Connection conn = connection();
  const Domain dom = require(conn.get(), name);
  if (virDomainIsActive(dom.get()) != 1) {
    return;
  }
  if (timeout.count() > 0 && raw_state(dom.get()) == VIR_DOMAIN_RUNNING &&
      virDomainShutdownFlags(dom.get(), VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN) == 0) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (virDomainIsActive(dom.get()) != 1) {
        log::info(name, " shut down gracefully");
        return;
      }
      std::this_thread::sleep_for(200ms);
    }
    log::info(name, " did not shut down within ", timeout.count(), " s; destroying it");
  }
  if (virDomainDestroy(dom.get()) < 0 && virDomainIsActive(dom.get()) == 1) {
    fail("cannot power off " + name);
  }
}

void LibvirtDriver::power_on(const std::string& name) {
  const Connection conn = connection();
  const Domain dom = require(conn.get(), name);
  const int state = raw_state(dom.get());
  if (state == VIR_DOMAIN_PAUSED) {
    if (virDomainResume(dom.get()) < 0) {
      fail("cannot resume " + name);
    }
  } else if (virDomainIsActive(dom.get()) != 1 && virDomainCreate(dom.get()) < 0) {
    fail("cannot start " + name);
  }
}

void LibvirtDriver::reboot(const std::string& name, RebootKind kind) {
  const Connection conn = connection();
  const Domain dom = require(conn.get(), name);
  if (virDomainIsActive(dom.get()) == 1) {
    if (kind == RebootKind::kSoft) {
      if (virDomainReboot(dom.get(), VIR_DOMAIN_REBOOT_ACPI_POWER_BTN) < 0) {
        fail("cannot reboot " + name);
      }
      return;
    }
    // Nova's _hard_reboot: a new QEMU process, which also recovers a hung one (a reset would
    // keep it).
    if (virDomainDestroy(dom.get()) < 0 && virDomainIsActive(dom.get()) == 1) {
      fail("cannot destroy " + name);
    }
  }
  if (virDomainCreate(dom.get()) < 0) {
    fail("cannot start " + name);
  }
}

void LibvirtDriver::destroy(const std::string& name) {
  const Connection conn = connection();
  const Domain dom = lookup(conn.get(), name);
  if (!dom) {
    return;
  }
  if (virDomainIsActive(dom.get()) == 1 && virDomainDestroy(dom.get()) < 0 &&
      virDomainIsActive(dom.get()) == 1) {
    fail("cannot destroy " + name);
  }
  if (virDomainUndefineFlags(dom.get(), VIR_DOMAIN_UNDEFINE_MANAGED_SAVE |
                                            VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA) < 0 &&
      lookup(conn.get(), name)) {
    fail("cannot undefine " + name);
  }
}

std::vector<DomainStatus> LibvirtDriver::list_domains() {
  const Connection conn = connection();
  virDomainPtr* domains = nullptr;
  const int count = virConnectListAllDomains(conn.get(), &domains, 0);
  if (count < 0) {
    fail("cannot list domains");
  }
  std::vector<DomainStatus> out;
  for (int i = 0; i < count; ++i) {
    const Domain dom(domains[i]);
    try {
      out.push_back(status_of(dom.get()));
    } catch (const ComputeDriverError&) {
      // undefined between the listing and the question
    }
  }
  std::free(domains);
  return out;
}

std::optional<DomainStatus> LibvirtDriver::domain(const std::string& name) {
  const Connection conn = connection();
  const Domain dom = lookup(conn.get(), name);
  if (!dom) {
    return std::nullopt;
  }
  return status_of(dom.get());
}

std::string LibvirtDriver::console_output(const std::string& name, size_t max_bytes) {
  const Connection conn = connection();
  const Domain dom = require(conn.get(), name);
  const std::string path = console_log_path(dom.get());
  return path.empty() ? "" : tail_of_file(path, max_bytes);
}

void LibvirtDriver::set_change_listener(std::function<void(const std::string&)> listener) {
  std::lock_guard lock(listener_mutex_);
  listener_ = std::move(listener);
}

}  // namespace neutrino::compute
