#pragma once
// Test helper: a throw-away self-signed certificate (CN=localhost, SAN localhost and
// 127.0.0.1) written as PEM files into a fresh temporary directory, removed on destruction.
#include <filesystem>
#include <string>

namespace neutrino::http::testing {

class SelfSignedCert {
 public:
  SelfSignedCert();
  ~SelfSignedCert();
  SelfSignedCert(const SelfSignedCert&) = delete;
  SelfSignedCert& operator=(const SelfSignedCert&) = delete;

  std::string cert_file() const { return (dir_ / "cert.pem").string(); }
  std::string key_file() const { return (dir_ / "key.pem").string(); }
  std::filesystem::path dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
};

}  // namespace neutrino::http::testing
