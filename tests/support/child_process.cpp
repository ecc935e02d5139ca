#include "tests/support/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <stdexcept>
#include <system_error>
#include <thread>

extern char** environ;

namespace neutrino::testing {
namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void throw_errno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

// Also looks in the sbin directories, where ovsdb-server and ovs-vswitchd live, since a test
// runner's PATH may lack them.
std::string find_program(const std::string& name) {
  if (name.find('/') != std::string::npos) {
    return name;
  }
  const char* env_path = std::getenv("PATH");
  std::string dirs = env_path != nullptr ? env_path : "/usr/local/bin:/usr/bin:/bin";
  dirs += ":/usr/local/sbin:/usr/sbin:/sbin";
  size_t start = 0;
  while (start <= dirs.size()) {
    const size_t end = std::min(dirs.find(':', start), dirs.size());
    const std::string candidate = dirs.substr(start, end - start) + "/" + name;
    if (end > start && access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    start = end + 1;
  }
  throw std::runtime_error("program not found in PATH or sbin: " + name);
}

std::vector<std::string> child_environment(const std::vector<std::string>& overrides) {
  std::vector<std::string> env;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string text = *entry;
    const std::string name = text.substr(0, text.find('='));
    bool replaced = false;
    for (const auto& o : overrides) {
      replaced = replaced || o.substr(0, o.find('=')) == name;
    }
    if (!replaced) {
      env.push_back(text);
    }
  }
  env.insert(env.end(), overrides.begin(), overrides.end());
  return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) {
    out.push_back(s.data());
  }
  out.push_back(nullptr);
  return out;
}

int decode(int status) {
  if (WIFEXITED(status)) {
    return WEXITSTATUS(status);
  }
  return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
}

int wait_blocking(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      throw_errno("waitpid");
    }
  }
  return decode(status);
}

// fork + exec with `out_fd`/`err_fd` (or /dev/null when < 0) as stdout/stderr.
pid_t spawn(const SpawnOptions& options, int out_fd, int err_fd) {
  if (options.argv.empty()) {
    throw std::invalid_argument("spawn: empty argv");
  }
  // Everything the child needs is prepared here: after fork only async-signal-safe calls.
  const std::string path = find_program(options.argv[0]);
  std::vector<std::string> args = options.argv;
  std::vector<std::string> env = child_environment(options.env);
  const auto argv = pointers(args);
  const auto envp = pointers(env);
  int report[2];
  if (pipe2(report, O_CLOEXEC) != 0) {
    throw_errno("pipe2");
  }
  const int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    throw_errno("fork");
  }
  if (pid == 0) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    signal(SIGPIPE, SIG_DFL);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    int error = 0;
    if (getppid() != parent) {
      _exit(127);  // the test died before prctl took effect
    }
    if (options.netns_fd >= 0 && setns(options.netns_fd, CLONE_NEWNET) != 0) {
      error = errno;
    } else {
      dup2(devnull, 0);
      dup2(out_fd >= 0 ? out_fd : devnull, 1);
      dup2(err_fd >= 0 ? err_fd : devnull, 2);
      execve(path.c_str(), argv.data(), envp.data());
      error = errno;
    }
    [[maybe_unused]] const auto ignored = write(report[1], &error, sizeof error);
    _exit(127);
  }
  close(report[1]);
  close(devnull);
  int error = 0;
  ssize_t n;
  do {
    n = read(report[0], &error, sizeof error);
  } while (n < 0 && errno == EINTR);
  close(report[0]);
  if (n == sizeof error) {  // exec (or setns) failed; the pipe closes on a successful exec
    wait_blocking(pid);
    throw std::system_error(error, std::generic_category(), "cannot run " + path);
  }
  return pid;
}

}  // namespace

ChildProcess::ChildProcess(const SpawnOptions& options) {
  int out = -1;
  if (!options.output_file.empty()) {
    out = open(options.output_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (out < 0) {
      throw_errno("open " + options.output_file);
    }
  }
  try {
    pid_ = spawn(options, out, out);
  } catch (...) {
    if (out >= 0) {
      close(out);
    }
    throw;
  }
  if (out >= 0) {
    close(out);
  }
}

ChildProcess::~ChildProcess() {
  try {
    stop();
  } catch (...) {  // a destructor must not throw; the process is gone or unkillable anyway
  }
}

std::optional<int> ChildProcess::poll() {
  if (!status_ && pid_ > 0) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      status_ = decode(status);
    }
  }
  return status_;
}

int ChildProcess::stop(std::chrono::milliseconds grace) {
  if (poll()) {
    return *status_;
  }
  kill(pid_, SIGTERM);
  const auto deadline = Clock::now() + grace;
  while (Clock::now() < deadline) {
    if (poll()) {
      return *status_;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  kill(pid_, SIGKILL);
  status_ = wait_blocking(pid_);
  return *status_;
}

CommandResult run_command(SpawnOptions options, std::chrono::milliseconds timeout) {
  int out[2];
  int err[2];
  if (pipe2(out, O_CLOEXEC) != 0) {
    throw_errno("pipe2");
  }
  if (pipe2(err, O_CLOEXEC) != 0) {
    close(out[0]);
    close(out[1]);
    throw_errno("pipe2");
  }
  pid_t pid = -1;
  try {
    pid = spawn(options, out[1], err[1]);
  } catch (...) {
    for (int fd : {out[0], out[1], err[0], err[1]}) {
      close(fd);
    }
    throw;
  }
  close(out[1]);
  close(err[1]);
  CommandResult result;
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_fds = 2;
  const auto deadline = Clock::now() + timeout;
  bool timed_out = false;
  while (open_fds > 0) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      timed_out = true;
      break;
    }
    if (::poll(fds, 2, static_cast<int>(left)) < 0 && errno != EINTR) {
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd >= 0 && (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
        char buffer[4096];
        const ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
        if (n > 0) {
          sinks[i]->append(buffer, static_cast<size_t>(n));
        } else if (n == 0 || errno != EINTR) {
          close(fds[i].fd);
          fds[i].fd = -1;
          --open_fds;
        }
      }
    }
  }
  for (const auto& fd : fds) {
    if (fd.fd >= 0) {
      close(fd.fd);
    }
  }
  if (timed_out) {
    kill(pid, SIGKILL);
  }
  result.status = wait_blocking(pid);
  if (timed_out) {
    throw std::runtime_error(options.argv[0] + " did not finish within " +
                             std::to_string(timeout.count()) + " ms");
  }
  return result;
}

}  // namespace neutrino::testing
