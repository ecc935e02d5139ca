#include "controller/identity/password_hasher.hpp"

#include <gtest/gtest.h>

namespace neutrino::identity {
namespace {

// A low cost keeps the tests fast; the format and checks are the same as production's.
const ScryptCost kFast{4, 8, 1};

TEST(PasswordHasherTest, VerifiesTheRightPasswordOnly) {
  PasswordHasher hasher(kFast);
  const std::string encoded = hasher.hash("s3cret");
  EXPECT_TRUE(hasher.verify("s3cret", encoded));
  EXPECT_FALSE(hasher.verify("s3cret ", encoded));
  EXPECT_FALSE(hasher.verify("", encoded));
}

TEST(PasswordHasherTest, EncodesItsParameters) {
  PasswordHasher hasher(kFast);
  EXPECT_EQ(hasher.hash("x").rfind("$scrypt$ln=4,r=8,p=1$", 0), 0u);
}

TEST(PasswordHasherTest, DefaultCostIsScryptN16384) {
  PasswordHasher hasher;
  const std::string encoded = hasher.hash("pw");
  EXPECT_EQ(encoded.rfind("$scrypt$ln=14,r=8,p=1$", 0), 0u);
  EXPECT_TRUE(hasher.verify("pw", encoded));
}

TEST(PasswordHasherTest, SaltsDiffer) {
  PasswordHasher hasher(kFast);
  EXPECT_NE(hasher.hash("same"), hasher.hash("same"));
}

TEST(PasswordHasherTest, VerifiesHashesMadeWithAnotherCost) {
  const std::string encoded = PasswordHasher(ScryptCost{5, 4, 2}).hash("pw");
  EXPECT_TRUE(PasswordHasher(kFast).verify("pw", encoded));
}

TEST(PasswordHasherTest, RejectsTamperedEncodings) {
  PasswordHasher hasher(kFast);
  const std::string encoded = hasher.hash("pw");
  std::string flipped = encoded;
  // Change one character of the hash part.
  flipped[flipped.size() - 3] = flipped[flipped.size() - 3] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(hasher.verify("pw", flipped));

  std::string other_cost = encoded;
  other_cost.replace(other_cost.find("ln=4"), 4, "ln=5");
  EXPECT_FALSE(hasher.verify("pw", other_cost));

  EXPECT_FALSE(hasher.verify("pw", ""));
  EXPECT_FALSE(hasher.verify("pw", "$scrypt$ln=40,r=8,p=1$AAAA$AAAA"));
  EXPECT_FALSE(hasher.verify("pw", "$scrypt$ln=4,r=8$AAAA$AAAA"));
  EXPECT_FALSE(hasher.verify("pw", "$bcrypt$ln=4,r=8,p=1$AAAA$AAAA"));
  EXPECT_FALSE(hasher.verify("pw", "$scrypt$ln=4,r=8,p=1$!!!!$AAAA"));
  EXPECT_FALSE(hasher.verify("pw", encoded + "$"));
}

TEST(PasswordHasherTest, RefusesAbsurdCosts) {
  EXPECT_THROW(PasswordHasher(ScryptCost{0, 8, 1}), std::invalid_argument);
  EXPECT_THROW(PasswordHasher(ScryptCost{30, 8, 1}), std::invalid_argument);
}

}  // namespace
}  // namespace neutrino::identity
