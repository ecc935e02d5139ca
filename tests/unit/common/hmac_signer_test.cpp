#include "common/channel/hmac_signer.hpp"

#include <gtest/gtest.h>

namespace neutrino::channel {
namespace {

TEST(HmacSignerTest, MatchesRfc4231TestCase2) {
  // RFC 4231 section 4.3: key "Jefe", data "what do ya want for nothing?".
  EXPECT_EQ(HmacSigner("Jefe").sign("what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(HmacSignerTest, VerifiesOnlyTheRightSignature) {
  const HmacSigner signer("s3cret");
  const std::string good = signer.sign("instance-1");
  EXPECT_TRUE(signer.verify("instance-1", good));
  EXPECT_FALSE(signer.verify("instance-2", good));
  EXPECT_FALSE(HmacSigner("other").verify("instance-1", good));
  EXPECT_FALSE(signer.verify("instance-1", good.substr(1)));
  std::string flipped = good;
  flipped[10] = flipped[10] == 'a' ? 'b' : 'a';
  EXPECT_FALSE(signer.verify("instance-1", flipped));
}

}  // namespace
}  // namespace neutrino::channel
