#include "dataplane/openflow/openflow_error.hpp"

namespace neutrino::dataplane::openflow {
namespace {

std::string describe(const std::string& type_name, const std::string& name,
                     const std::string& description, const std::string& request) {
  std::string text = name + " (" + type_name + "): " + description;
  if (!request.empty()) {
    text += " [request: " + request + "]";
  }
  return text;
}

}  // namespace

OpenFlowError::OpenFlowError(std::string type_name, std::string name, std::string description,
                             int type, int code, std::uint32_t xid, std::string request)
    : std::runtime_error(describe(type_name, name, description, request)),
      type_name_(std::move(type_name)),
      name_(std::move(name)),
      description_(std::move(description)),
      type_(type),
      code_(code),
      xid_(xid),
      request_(std::move(request)) {}

OpenFlowError OpenFlowError::with_request(std::string request) const {
  return OpenFlowError(type_name_, name_, description_, type_, code_, xid_, std::move(request));
}

}  // namespace neutrino::dataplane::openflow
