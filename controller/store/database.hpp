#pragma once
// A transactional store. Every change is one call to write(): the function runs inside one
// transaction that commits when it returns and rolls back when it throws, so a refused request
// changes nothing. Reads see a consistent snapshot.
#include <functional>
#include <optional>
#include <type_traits>
#include <utility>

#include "controller/store/sql_session.hpp"

namespace neutrino::store {

class Database {
 public:
  virtual ~Database() = default;

  template <typename F>
  auto write(F&& body) {
    return run(true, std::forward<F>(body));
  }
  template <typename F>
  auto read(F&& body) {
    return run(false, std::forward<F>(body));
  }
  // Called after every committed write, on the writer's thread: the change journal's in-process
  // wakeup (journal_wakeup.hpp). Set it before the store is shared between threads.
  void set_commit_listener(std::function<void()> listener) {
    commit_listener_ = std::move(listener);
  }

 protected:
  virtual void transact(bool writable, const std::function<void(SqlSession&)>& body) = 0;

 private:
  template <typename F>
  auto run(bool writable, F&& body) {
    using Result = std::invoke_result_t<F, SqlSession&>;
    if constexpr (std::is_void_v<Result>) {
      transact(writable, [&](SqlSession& s) { body(s); });
      committed(writable);
    } else {
      std::optional<Result> result;
      transact(writable, [&](SqlSession& s) { result.emplace(body(s)); });
      committed(writable);
      return std::move(*result);
    }
  }
  void committed(bool writable) {
    if (writable && commit_listener_) {
      commit_listener_();
    }
  }

  std::function<void()> commit_listener_;
};

}  // namespace neutrino::store
