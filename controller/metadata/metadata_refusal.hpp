#pragma once
// Why the metadata service will not answer a request: the HTTP status and the sentence Nova
// gives for it. The service renders it as a plain-text error page.
#include <stdexcept>
#include <string>

namespace neutrino::metadata {

class MetadataRefusal : public std::runtime_error {
 public:
  MetadataRefusal(int status, const std::string& message)
      : std::runtime_error(message), status_(status) {}

  int status() const { return status_; }

 private:
  int status_;
};

}  // namespace neutrino::metadata
