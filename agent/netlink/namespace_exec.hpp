#pragma once
// Running code inside a network namespace without moving the caller. setns() changes the
// namespace of one thread, and the agent's event-loop threads must never change theirs: a
// socket or netlink handle opened afterwards would silently land in the wrong namespace. So
// the work runs on a short-lived helper thread that enters the namespace and then ends.
// Anything created there that is bound to a namespace (sockets, netlink handles, tun devices)
// stays in that namespace and can be used from any thread afterwards.
#include <future>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>

#include "agent/netlink/unique_fd.hpp"

namespace neutrino::agent::netlink {

// Opens /run/netns/NAME; throws std::system_error when it does not exist.
UniqueFd open_namespace_fd(const std::string& ns);
// A descriptor of the calling thread's own network namespace.
UniqueFd current_namespace_fd();
// Moves the calling thread into `ns_fd`. Only for threads that exist to be moved.
void enter_namespace(int ns_fd);

// Runs f() on a helper thread inside the namespace `ns_fd` and returns its result (or
// rethrows its exception). The caller blocks until f returns.
template <typename F>
auto run_in_fd(int ns_fd, F f) -> std::invoke_result_t<F&> {
  using Result = std::invoke_result_t<F&>;
  std::packaged_task<Result()> task([&]() -> Result {
    enter_namespace(ns_fd);
    return f();
  });
  std::future<Result> result = task.get_future();
  std::thread(std::move(task)).join();
  return result.get();
}

// Runs f() inside the named namespace, see run_in_fd().
template <typename F>
auto run_in(const std::string& ns, F f) -> std::invoke_result_t<F&> {
  const UniqueFd fd = open_namespace_fd(ns);
  return run_in_fd(fd.get(), std::move(f));
}

// A socket created inside namespace `ns`: it binds, routes and receives there, whichever
// thread uses it. SOCK_CLOEXEC is always added. The caller owns the descriptor.
int open_socket_in(const std::string& ns, int domain, int type, int protocol);

}  // namespace neutrino::agent::netlink
