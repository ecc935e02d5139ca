#include "compute/process/run_command.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace neutrino::compute {
namespace {

constexpr size_t kOutputCap = 1 << 20;  // what we keep of each stream

struct Pipe {
  int fd[2] = {-1, -1};
  Pipe() {
    if (pipe2(fd, O_CLOEXEC) != 0) {
      throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    }
  }
  ~Pipe() {
    close_read();
    close_write();
  }
  void close_read() {
    if (fd[0] >= 0) {
      ::close(fd[0]);
      fd[0] = -1;
    }
  }
  void close_write() {
    if (fd[1] >= 0) {
      ::close(fd[1]);
      fd[1] = -1;
    }
  }
};

std::string join(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) {
    out += (out.empty() ? "" : " ") + a;
  }
  return out;
}

// Reads both pipes until they close or the deadline passes.
bool drain(Pipe& out, Pipe& err, CommandResult& result,
           std::chrono::steady_clock::time_point deadline) {
  std::array<char, 8192> buffer{};
  while (out.fd[0] >= 0 || err.fd[0] >= 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return false;
    }
    std::array<pollfd, 2> fds{pollfd{out.fd[0], POLLIN, 0}, pollfd{err.fd[0], POLLIN, 0}};
    const int ready = ::poll(fds.data(), fds.size(), static_cast<int>(left.count()));
    if (ready < 0 && errno != EINTR) {
      return false;
    }
    for (size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) {
        continue;
      }
      Pipe& pipe = i == 0 ? out : err;
      std::string& text = i == 0 ? result.stdout_text : result.stderr_text;
      const ssize_t n = ::read(pipe.fd[0], buffer.data(), buffer.size());
      if (n <= 0) {
        pipe.close_read();
      } else if (text.size() < kOutputCap) {
        text.append(buffer.data(), static_cast<size_t>(n));
      }
    }
  }
  return true;
}

}  // namespace

CommandResult run_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
  if (argv.empty()) {
    throw std::invalid_argument("run_command: empty argv");
  }
  Pipe out;
  Pipe err;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out.fd[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err.fd[1], 2);
  std::vector<char*> args;
  for (const auto& a : argv) {
    args.push_back(const_cast<char*>(a.c_str()));
  }
  args.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    throw std::runtime_error("cannot run " + argv[0] + ": " + std::strerror(rc));
  }
  out.close_write();
  err.close_write();
  CommandResult result;
  if (!drain(out, err, result, std::chrono::steady_clock::now() + timeout)) {
    ::kill(pid, SIGKILL);
    result.timed_out = true;
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) && !result.timed_out ? WEXITSTATUS(status) : -1;
  return result;
}

std::string check_output(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
  const CommandResult result = run_command(argv, timeout);
  if (result.timed_out) {
    throw std::runtime_error(join(argv) + " did not finish in " +
                             std::to_string(timeout.count() / 1000) + " s");
  }
  if (result.exit_code != 0) {
    std::string why = result.stderr_text.empty() ? result.stdout_text : result.stderr_text;
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) {
      why.pop_back();
    }
    throw std::runtime_error(argv[0] + " failed (exit " + std::to_string(result.exit_code) +
                             "): " + why);
  }
  return result.stdout_text;
}

}  // namespace neutrino::compute
