#pragma once
// One libpq connection exposed as an SqlSession: '?' placeholders become $n, statements are
// prepared once per connection, and PostgreSQL's SQLSTATEs map to the store's exceptions.
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include "controller/store/sql_session.hpp"

struct pg_conn;
struct pg_result;

namespace neutrino::store {

// A serialization failure or deadlock: the transaction must be run again from the start.
class SerializationFailure : public StoreError {
 public:
  using StoreError::StoreError;
};

class PostgresConnection final : public SqlSession {
 public:
  // `url`: a libpq connection string or postgresql:// URI.
  PostgresConnection(const std::string& url, int connect_timeout_seconds);
  ~PostgresConnection() override;
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  std::vector<SqlRow> query(std::string_view sql, const SqlParams& params = {}) override;
  int64_t execute(std::string_view sql, const SqlParams& params = {}) override;
  void savepoint(const std::function<void()>& body) override;
  SqlDialect dialect() const override { return SqlDialect::kPostgres; }
  // Runs statements without parameters or results (BEGIN, SET, DDL).
  void exec_script(const std::string& sql);
  // False once the server went away or a protocol error left the connection unusable.
  bool healthy() const;
  pg_conn* raw() { return conn_; }

 private:
  struct ResultDeleter {
    void operator()(pg_result* r) const;
  };
  using Result = std::unique_ptr<pg_result, ResultDeleter>;

  Result run(std::string_view sql, const SqlParams& params);
  const std::string& prepared(std::string_view sql, const SqlParams& params);
  void check(const Result& result, std::string_view what);

  pg_conn* conn_ = nullptr;
  std::unordered_map<std::string, std::string> statements_;  // sql + types -> statement name
  int next_statement_ = 0;
  int savepoints_ = 0;
};

}  // namespace neutrino::store
