#include "tests/unit/controller/http/self_signed_cert.hpp"

#include "tests/support/test_pki.hpp"

namespace neutrino::http::testing {

SelfSignedCert::SelfSignedCert() : dir_(neutrino::testing::make_temp_dir("neutrino-tls")) {
  neutrino::testing::write_self_signed_cert({cert_file(), key_file()}, "localhost",
                                            "DNS:localhost,IP:127.0.0.1");
}

SelfSignedCert::~SelfSignedCert() {
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

}  // namespace neutrino::http::testing
