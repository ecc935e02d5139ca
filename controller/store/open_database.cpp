#include "controller/store/open_database.hpp"

namespace neutrino::store {

std::unique_ptr<Database> open_database(const std::string& target, const SqliteOptions& sqlite,
                                        const PostgresOptions& postgres) {
  if (is_postgres_url(target)) {
    // SQLAlchemy's driver suffix (Neutron's "postgresql+psycopg2://") means nothing to libpq.
    std::string url = target;
    const auto plus = url.find('+');
    const auto scheme_end = url.find("://");
    if (plus != std::string::npos && plus < scheme_end) {
      url.erase(plus, scheme_end - plus);
    }
    return std::make_unique<PostgresDatabase>(url, postgres);
  }
  return std::make_unique<SqliteDatabase>(target, sqlite);
}

}  // namespace neutrino::store
