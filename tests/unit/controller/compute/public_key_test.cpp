// Key material and fingerprints, checked against ssh-keygen -l -E md5.
#include <gtest/gtest.h>

#include "controller/compute/keypair_store.hpp"
#include "controller/compute/public_key.hpp"

namespace neutrino::compute {
namespace {

constexpr const char* kEd25519 =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHH0iIkeZG4vD7hCJfjL9qfaB4MV7JGY4H0QaFkmuChI "
    "test@neutrino";
constexpr const char* kRsa =
    "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC1sfR6kH3uTt4VdyCVywR1/WMLfXhC0YF1U2LKMa2OHVIc/OD4IYRLBd"
    "PMQJkCvxPmOQkoC1ocDqxMk58J5UdGny9fY66mPtmwYsbiTso60/zU+Ye+TypqDO47rt2jOIPeDAzi+NuIM0UqWy8c36"
    "xaeoVbyx65k3h5VycPEHJRaJii/WHVlAQvaDYQ+xf+kgcnVAxf3FrTQZJDlYgZP9Z9ilMYZMaN1bIRR+zsfhe0TMWSDR"
    "az01GBeB0+vlqyxxoJF1Nv1DHByfhBSbV/uCBdRj2cCWifehzqjybHo9X8T6+I1IeTgpD+Iws4W/vSlOInCEFApNVX7i"
    "cW6R1fObXv rsa@neutrino";
constexpr const char* kEcdsa =
    "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBPPcBzV1GcL1kBpZlngTlJ"
    "ePebsymfSaFNqYQI/XDMe6zZ9RnYYlPIdld8c27ie/K8NTctuIJBiJjVthYFOOjcg= ec";

TEST(PublicKey, FingerprintsAsSshKeygen) {
  EXPECT_EQ(ssh_fingerprint(kEd25519), "7b:d0:dc:5a:62:ac:67:c2:87:dd:dc:c1:7b:5d:cd:f2");
  EXPECT_EQ(ssh_fingerprint(kRsa), "69:64:06:5f:d4:d9:a3:bb:c9:75:84:e9:c5:7a:fb:56");
  EXPECT_EQ(ssh_fingerprint(kEcdsa), "97:18:c9:79:00:b9:4f:0c:99:41:e4:c9:d4:69:a8:75");
}

TEST(PublicKey, RefusesMalformedKeys) {
  EXPECT_FALSE(ssh_fingerprint(""));
  EXPECT_FALSE(ssh_fingerprint("ssh-ed25519"));
  EXPECT_FALSE(ssh_fingerprint("ssh-ed25519 not*base64"));
  EXPECT_FALSE(ssh_fingerprint(
      "ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIHH0iIkeZG4vD7hCJfjL9qfaB4MV7JGY4H0QaFkmuChI"));
  EXPECT_FALSE(
      ssh_fingerprint("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHH0iIkeZG4vD7hCJfjL9qfaB4MV7JGY"));
  EXPECT_FALSE(ssh_fingerprint("ssh-foo AAAAB3NzaC1mb28="));
  EXPECT_FALSE(x509_fingerprint("-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n"));
}

TEST(PublicKey, GeneratedPairsParseBackToTheirFingerprint) {
  const GeneratedKeyPair pair = generate_ssh_key_pair();
  EXPECT_EQ(pair.private_key.rfind("-----BEGIN RSA PRIVATE KEY-----", 0), 0u);
  EXPECT_EQ(pair.public_key.rfind("ssh-rsa ", 0), 0u);
  EXPECT_EQ(ssh_fingerprint(pair.public_key), pair.fingerprint);
}

TEST(PublicKey, KeypairNamesAsNova) {
  EXPECT_TRUE(valid_keypair_name("my key_1-a"));
  EXPECT_FALSE(valid_keypair_name(""));
  EXPECT_FALSE(valid_keypair_name("a/b"));
  EXPECT_FALSE(valid_keypair_name("key@host"));
  EXPECT_FALSE(valid_keypair_name(std::string(256, 'k')));
}

}  // namespace
}  // namespace neutrino::compute
