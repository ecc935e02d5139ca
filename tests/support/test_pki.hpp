#pragma once
// Test helper: throw-away certificates as PEM files. A TestPki is a certificate authority in a
// fresh temporary directory (removed on destruction) that issues server and client
// certificates; write_self_signed_cert() makes a certificate nobody vouches for. Keys are
// P-256 EC, which is quick to generate.
#include <filesystem>
#include <memory>
#include <string>

namespace neutrino::testing {

struct PemFiles {
  std::string cert_file;
  std::string key_file;
};

class TestPki {
 public:
  explicit TestPki(const std::string& ca_name = "Neutrino test CA");
  ~TestPki();
  TestPki(const TestPki&) = delete;
  TestPki& operator=(const TestPki&) = delete;

  std::string ca_file() const { return (dir_ / "ca.pem").string(); }
  std::filesystem::path dir() const { return dir_; }

  // A certificate for `common_name` signed by this CA, written as <stem>.pem and
  // <stem>-key.pem. `subject_alt_names` uses OpenSSL's syntax ("IP:127.0.0.1,DNS:localhost");
  // empty for none.
  PemFiles issue(const std::string& stem, const std::string& common_name,
                 const std::string& subject_alt_names = "");

 private:
  struct Authority;
  std::filesystem::path dir_;
  std::unique_ptr<Authority> authority_;
};

// A fresh directory under the system's temporary directory, named <prefix>-XXXXXX.
std::filesystem::path make_temp_dir(const std::string& prefix);

// Writes a self-signed certificate for `common_name` and its key to `files`.
void write_self_signed_cert(const PemFiles& files, const std::string& common_name,
                            const std::string& subject_alt_names);

}  // namespace neutrino::testing
