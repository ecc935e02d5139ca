#pragma once
// The open connections of one listener, counted against its limit. A connection is
// "sheddable" while it waits for its next request (keep-alive) or is still sending a request
// header: closing it loses no admitted work, and an honest client just opens a new
// connection. At the limit a new connection is admitted by shedding the connection that has
// been sheddable the longest, so an attacker's old idle or dripping connections go first and
// a fresh client's connection (whose header arrives within milliseconds) almost never does.
// Only when every slot holds a request being read, handled or answered is a newcomer refused.
#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace neutrino::http::detail {

// What the registry needs from a connection: a way to end it from any thread.
class Connection {
 public:
  virtual ~Connection() = default;
  virtual void close() = 0;
};

class ConnectionRegistry {
 public:
  explicit ConnectionRegistry(size_t limit) : limit_(limit) {}

  enum class Admission { kAdmitted, kRefused };
  // Registers `connection` (sheddable: it has sent nothing yet) when there is room or a
  // sheddable connection can make room; that one is then unregistered and returned in `shed`,
  // for the caller to close outside the registry's lock.
  Admission admit(const std::shared_ptr<Connection>& connection, std::shared_ptr<Connection>& shed);
  // Registers a connection that is being refused (answered 503): not counted against the
  // limit, but closed by clear() like the others. False, and nothing registered, when
  // `max_refusing` refusals are under way already (the caller then just closes the socket).
  bool add_refused(const std::shared_ptr<Connection>& connection, size_t max_refusing);
  // Sheddable again (waiting, or reading a header) or not (a request is admitted).
  void set_sheddable(const Connection* connection, bool sheddable);
  // Idempotent; a connection removes itself when it ends.
  void remove(const Connection* connection);
  // Unregisters everything and returns what is still alive, for the server to close.
  std::vector<std::shared_ptr<Connection>> clear();

  size_t open() const;  // counted connections
  size_t limit() const { return limit_; }

 private:
  struct Entry {
    std::weak_ptr<Connection> connection;
    bool counted = true;
    bool sheddable = false;
    std::list<const Connection*>::iterator position;  // in sheddable_ when sheddable
  };

  void erase(std::unordered_map<const Connection*, Entry>::iterator it);

  const size_t limit_;
  mutable std::mutex mutex_;
  std::unordered_map<const Connection*, Entry> entries_;
  size_t counted_ = 0;
  size_t refusing_ = 0;
  std::list<const Connection*> sheddable_;  // longest sheddable first
};

}  // namespace neutrino::http::detail
