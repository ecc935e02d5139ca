#pragma once
// A session that counts the queries passed on to the real one: what a request costs.
#include "controller/store/sql_session.hpp"

namespace neutrino::neutron::testing {

class CountingSession : public store::SqlSession {
 public:
  explicit CountingSession(store::SqlSession& inner) : inner_(inner) {}

  std::vector<store::SqlRow> query(std::string_view sql, const store::SqlParams& params) override {
    ++queries_;
    return inner_.query(sql, params);
  }
  int64_t execute(std::string_view sql, const store::SqlParams& params) override {
    return inner_.execute(sql, params);
  }
  void savepoint(const std::function<void()>& body) override { inner_.savepoint(body); }
  store::SqlDialect dialect() const override { return inner_.dialect(); }

  int queries() const { return queries_; }

 private:
  store::SqlSession& inner_;
  int queries_ = 0;
};

}  // namespace neutrino::neutron::testing
