#include "controller/metadata/instance_store.hpp"

#include "common/clock.hpp"
#include "common/json.hpp"
#include "common/random.hpp"
#include "controller/api/api_error.hpp"
#include "controller/store/change_journal.hpp"

namespace neutrino::metadata {
namespace {

constexpr const char* kColumns =
    "SELECT i.id, m.id, i.reservation_id, i.project_id, i.name, i.hostname, i.key_name, "
    "i.public_key, i.key_type, i.user_data, i.availability_zone, i.launch_index, i.flavor_name, "
    "i.metadata, i.security_groups, i.created_at, i.updated_at FROM instances i "
    "JOIN instance_id_mappings m ON m.uuid = i.id";

constexpr int kNumberAttempts = 8;

InstanceRecord from_row(const store::SqlRow& r) {
  InstanceRecord record;
  record.id = r.text(0);
  record.ec2_id = r.integer(1);
  record.reservation_id = r.text(2);
  record.project_id = r.text(3);
  record.name = r.text(4);
  record.hostname = r.text(5);
  record.key_name = r.optional_text(6);
  record.public_key = r.optional_text(7);
  record.key_type = r.text(8);
  record.user_data = r.optional_text(9);
  record.availability_zone = r.text(10);
  record.launch_index = r.integer(11);
  record.flavor_name = r.text(12);
  record.metadata = Json::parse(r.text(13)).get<std::map<std::string, std::string>>();
  record.security_groups = Json::parse(r.text(14)).get<std::vector<std::string>>();
  record.created_at = r.integer(15);
  record.updated_at = r.integer(16);
  return record;
}

// "r-" and 8 characters of [a-z0-9], as Nova's reservation ids look.
std::string reservation_id() {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string id = "r-";
  for (int i = 0; i < 8; ++i) {
    id.push_back(kAlphabet[random::uniform(0, sizeof kAlphabet - 2)]);
  }
  return id;
}

}  // namespace

int64_t InstanceStore::ec2_number(store::SqlSession& s, const std::string& id) {
  const auto known = s.query("SELECT id FROM instance_id_mappings WHERE uuid = ?", {id});
  if (!known.empty()) {
    return known[0].integer(0);  // an instance registered again keeps its EC2 id
  }
  // The primary key decides between concurrent writers; a loser takes the next number.
  for (int attempt = 0; attempt < kNumberAttempts; ++attempt) {
    const int64_t next =
        s.query("SELECT COALESCE(MAX(id), 0) + 1 FROM instance_id_mappings")[0].integer(0);
    try {
      s.savepoint([&] {
        s.execute("INSERT INTO instance_id_mappings (id, uuid) VALUES (?, ?)", {next, id});
      });
      return next;
    } catch (const store::ConstraintViolation&) {
    }
  }
  throw api::ApiError(503, "InstanceIdGenerationFailure",
                      "Unable to assign an EC2 id to instance " + id + ".");
}

InstanceRecord InstanceStore::create(store::SqlSession& s, InstanceRecord record) {
  if (!s.query("SELECT 1 FROM instances WHERE id = ?", {record.id}).empty()) {
    throw api::conflict("InstanceExists", "Instance " + record.id + " already exists.");
  }
  record.ec2_id = ec2_number(s, record.id);
  if (record.reservation_id.empty()) {
    record.reservation_id = reservation_id();  // callers booting several share one
  }
  record.created_at = record.updated_at = clock::now_unix_seconds();
  try {
    s.execute(
        "INSERT INTO instances (id, reservation_id, project_id, name, hostname, key_name, "
        "public_key, key_type, user_data, availability_zone, launch_index, flavor_name, "
        "metadata, security_groups, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {record.id, record.reservation_id, record.project_id, record.name, record.hostname,
         store::null_if_empty(record.key_name), store::null_if_empty(record.public_key),
         record.key_type, store::null_if_empty(record.user_data), record.availability_zone,
         record.launch_index, record.flavor_name, Json(record.metadata).dump(),
         Json(record.security_groups).dump(), record.created_at, record.updated_at});
  } catch (const store::ConstraintViolation&) {
    throw api::conflict("InstanceExists", "Instance " + record.id + " already exists.");
  }
  store::ChangeJournal::append(s, store::JournalKind::kInstance, record.id);
  return record;
}

std::optional<InstanceRecord> InstanceStore::find(store::SqlSession& s, const std::string& id) {
  const auto rows = s.query(std::string(kColumns) + " WHERE i.id = ?", {id});
  if (rows.empty()) {
    return std::nullopt;
  }
  return from_row(rows[0]);
}

std::vector<InstanceRecord> InstanceStore::list(store::SqlSession& s,
                                                const std::optional<std::string>& project_id) {
  const std::string order = " ORDER BY i.created_at, m.id";
  const auto rows =
      project_id ? s.query(std::string(kColumns) + " WHERE i.project_id = ?" + order, {*project_id})
                 : s.query(std::string(kColumns) + order);
  std::vector<InstanceRecord> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    out.push_back(from_row(r));
  }
  return out;
}

bool InstanceStore::remove(store::SqlSession& s, const std::string& id) {
  store::ChangeJournal::append(s, store::JournalKind::kInstance, id);
  return s.execute("DELETE FROM instances WHERE id = ?", {id}) > 0;
}

}  // namespace neutrino::metadata
