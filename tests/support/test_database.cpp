#include "tests/support/test_database.hpp"

#include <cstdlib>
#include <mutex>
#include <stdexcept>

#include "common/random.hpp"
#include "controller/store/postgres_connection.hpp"
#include "controller/store/postgres_dialect.hpp"

#ifndef NEUTRINO_SOURCE_DIR
#error "NEUTRINO_SOURCE_DIR must name the source tree (for tests/support/postgres-server.sh)"
#endif

namespace neutrino::testing {
namespace {

const std::string kScript = std::string(NEUTRINO_SOURCE_DIR) + "/tests/support/postgres-server.sh";

// A server this process started because ctest's fixture did not; stopped (by its PID, by the
// script) when the process exits normally.
class OwnServer {
 public:
  OwnServer() {
    dir_ = (std::filesystem::temp_directory_path() / ("neutrino-pg-" + random::uuid4())).string();
    const std::string command = kScript + " start " + dir_;
    FILE* out = popen(command.c_str(), "r");
    if (out == nullptr) {
      throw std::runtime_error("cannot run " + kScript);
    }
    char buffer[512];
    while (fgets(buffer, sizeof buffer, out) != nullptr) {
      url_ += buffer;
    }
    if (pclose(out) != 0 || url_.empty()) {
      stop();
      throw std::runtime_error("cannot start a PostgreSQL server with " + command);
    }
    url_.erase(url_.find_last_not_of("\n") + 1);
  }
  ~OwnServer() { stop(); }
  const std::string& url() const { return url_; }

 private:
  void stop() { [[maybe_unused]] int rc = std::system((kScript + " stop " + dir_).c_str()); }
  std::string dir_;
  std::string url_;
};

std::string with_search_path(const std::string& url, const std::string& schema) {
  const char separator = url.find('?') == std::string::npos ? '?' : '&';
  // The application name lets a test find (and terminate) its own connections only.
  return url + separator + "options=-csearch_path%3D" + schema + "&application_name=" + schema;
}

}  // namespace

bool testing_postgres() {
  const char* store = std::getenv("NEUTRINO_TEST_STORE");
  return store != nullptr && std::string(store).rfind("postgres", 0) == 0;
}

std::string postgres_server_url() {
  for (const char* name : {"NEUTRINO_TEST_STORE", "NEUTRINO_TEST_PG_URL"}) {
    const char* url = std::getenv(name);
    if (url != nullptr && std::string(url).find("://") != std::string::npos) {
      return url;
    }
  }
  static std::mutex mutex;
  static std::unique_ptr<OwnServer> server;
  std::lock_guard lock(mutex);
  if (!server) {
    server = std::make_unique<OwnServer>();
  }
  return server->url();
}

TestDatabase::TestDatabase(store::SqliteOptions sqlite, store::PostgresOptions postgres)
    : TestDatabase(testing_postgres() ? StoreKind::postgres : StoreKind::sqlite, std::move(sqlite),
                   postgres) {}

TestDatabase::TestDatabase(StoreKind kind, store::SqliteOptions sqlite,
                           store::PostgresOptions postgres) {
  if (kind == StoreKind::sqlite) {
    dir_ = std::filesystem::temp_directory_path() / ("neutrino-test-" + random::uuid4());
    std::filesystem::create_directories(dir_);
    target_ = (dir_ / "neutrino.db").string();
    db_ = std::make_unique<store::SqliteDatabase>(target_, sqlite);
    return;
  }
  const std::string server = postgres_server_url();
  schema_ = "t_" + random::uuid4().substr(0, 8) + random::uuid4().substr(0, 8);
  store::PostgresConnection(server, 10).exec_script("CREATE SCHEMA " + schema_);
  target_ = with_search_path(server, schema_);
  db_ = std::make_unique<store::PostgresDatabase>(target_, postgres);
}

TestDatabase::~TestDatabase() {
  db_.reset();
  if (!schema_.empty()) {
    try {
      store::PostgresConnection(postgres_server_url(), 10)
          .exec_script("DROP SCHEMA " + schema_ + " CASCADE");
    } catch (const std::exception&) {
    }
  }
  if (!dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

}  // namespace neutrino::testing
