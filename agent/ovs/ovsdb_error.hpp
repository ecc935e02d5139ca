#pragma once
// What can go wrong talking to ovsdb-server, as exception types a caller can tell apart:
// the connection (retry after reconnecting), the server refusing a request, or one
// operation of a transaction failing (a bug or a conflict the caller must look at).
#include <cstddef>
#include <stdexcept>
#include <string>

#include "common/json.hpp"

namespace neutrino::agent::ovs {

class OvsdbError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Could not connect, the connection was lost or closed, or it is not connected yet.
class OvsdbConnectionError : public OvsdbError {
 public:
  using OvsdbError::OvsdbError;
};

// No reply within the caller's timeout. The request may still take effect on the server.
class OvsdbTimeoutError : public OvsdbConnectionError {
 public:
  using OvsdbConnectionError::OvsdbConnectionError;
};

// The server answered with a JSON-RPC error, e.g. {"error": "unknown database"}.
class OvsdbRpcError : public OvsdbError {
 public:
  OvsdbRpcError(std::string method, Json error);
  const Json& error() const { return error_; }

 private:
  Json error_;
};

// A transaction was rolled back. `op_index` is the failed operation; it equals the number
// of operations sent when the commit itself failed (e.g. "referential integrity violation").
class OvsdbTransactionError : public OvsdbError {
 public:
  OvsdbTransactionError(size_t op_index, std::string error, std::string details, Json op);
  size_t op_index() const { return op_index_; }
  const std::string& error() const { return error_; }
  const std::string& details() const { return details_; }
  // The failed operation as sent; null for a commit failure.
  const Json& op() const { return op_; }

 private:
  size_t op_index_;
  std::string error_;
  std::string details_;
  Json op_;
};

}  // namespace neutrino::agent::ovs
