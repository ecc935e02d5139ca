#pragma once
// An OFPT_ERROR the switch sent back, with OpenFlow's names for it, so a log line says
// "OFPBAC_BAD_OUT_GROUP" instead of "type 2 code 9".
#include <cstdint>
#include <stdexcept>
#include <string>

namespace neutrino::dataplane::openflow {

class OpenFlowError : public std::runtime_error {
 public:
  // `type_name` is the OFPET_* name (or "NXET_*"/"ONFET_*" for extensions), `name` the specific
  // error ("OFPBAC_BAD_OUT_GROUP"), `request` what we had sent (flow text), when known.
  OpenFlowError(std::string type_name, std::string name, std::string description, int type,
                int code, std::uint32_t xid, std::string request = {});

  const std::string& type_name() const { return type_name_; }
  const std::string& name() const { return name_; }
  const std::string& description() const { return description_; }
  int type() const { return type_; }
  int code() const { return code_; }
  std::uint32_t xid() const { return xid_; }
  const std::string& request() const { return request_; }

  // The same error, attributed to the request that caused it.
  OpenFlowError with_request(std::string request) const;

 private:
  std::string type_name_;
  std::string name_;
  std::string description_;
  int type_;
  int code_;
  std::uint32_t xid_;
  std::string request_;
};

}  // namespace neutrino::dataplane::openflow
