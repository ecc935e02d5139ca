#include "agent/ovs/ovsdb_error.hpp"

namespace neutrino::agent::ovs {
namespace {

// ovsdb-server's errors are {"error": "unknown database", "details": "...", ...}.
std::string describe(const std::string& method, const Json& error) {
  std::string text = "OVSDB " + method + " failed: ";
  if (error.is_object() && error.contains("error") && error["error"].is_string()) {
    text += error["error"].get<std::string>();
    if (error.contains("details") && error["details"].is_string()) {
      text += ": " + error["details"].get<std::string>();
    }
    return text;
  }
  return text + (error.is_string() ? error.get<std::string>() : error.dump());
}

std::string describe(size_t op_index, const std::string& error, const std::string& details,
                     const Json& op) {
  std::string text = "OVSDB transaction failed at operation " + std::to_string(op_index);
  if (op.is_object() && op.contains("op") && op["op"].is_string()) {
    text += " (" + op["op"].get<std::string>();
    if (op.contains("table") && op["table"].is_string()) {
      text += " " + op["table"].get<std::string>();
    }
    text += ")";
  } else if (op.is_null()) {
    text += " (commit)";
  }
  text += ": " + error;
  if (!details.empty()) {
    text += ": " + details;
  }
  return text;
}

}  // namespace

OvsdbRpcError::OvsdbRpcError(std::string method, Json error)
    : OvsdbError(describe(method, error)), error_(std::move(error)) {}

OvsdbTransactionError::OvsdbTransactionError(size_t op_index, std::string error,
                                             std::string details, Json op)
    : OvsdbError(describe(op_index, error, details, op)),
      op_index_(op_index),
      error_(std::move(error)),
      details_(std::move(details)),
      op_(std::move(op)) {}

}  // namespace neutrino::agent::ovs
