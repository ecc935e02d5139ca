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

 protected:
  virtual void transact(bool writable, const std::function<void(SqlSession&)>& body) = 0;

 private:
  template <typename F>
  auto run(bool writable, F&& body) {
    using Result = std::invoke_result_t<F, SqlSession&>;
    if constexpr (std::is_void_v<Result>) {
      transact(writable, [&](SqlSession& s) { body(s); });
    } else {
      std::optional<Result> result;
      transact(writable, [&](SqlSession& s) { result.emplace(body(s)); });
      return std::move(*result);
    }
  }
};

}  // namespace neutrino::store
