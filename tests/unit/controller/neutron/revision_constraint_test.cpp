#include "controller/neutron/revision_constraint.hpp"

#include <gtest/gtest.h>

#include "controller/api/api_error.hpp"

namespace neutrino::neutron {
namespace {

std::pair<int, std::string> refusal(const std::optional<std::string>& header) {
  try {
    parse_revision_constraint(header);
  } catch (const api::ApiError& e) {
    return {e.status(), e.what()};
  }
  return {0, ""};
}

TEST(RevisionConstraintTest, ReadsTheRevisionNumberTag) {
  EXPECT_EQ(parse_revision_constraint(std::nullopt), std::nullopt);
  EXPECT_EQ(parse_revision_constraint("revision_number=4"), 4);
  EXPECT_EQ(parse_revision_constraint("\"revision_number=7\""), 7);
  EXPECT_EQ(parse_revision_constraint("\"abc\", revision_number=0"), 0);
  // Other entity tags are someone else's business.
  EXPECT_EQ(parse_revision_constraint("*"), std::nullopt);
  EXPECT_EQ(parse_revision_constraint("\"xyzzy\""), std::nullopt);
}

TEST(RevisionConstraintTest, BadTagsAreNeutronsBadRequest) {
  EXPECT_EQ(refusal("revision_number=abc"),
            std::make_pair(400, std::string("Bad if-match request: Revision number etag must be "
                                            "in the format of revision_number=<int>.")));
  EXPECT_EQ(refusal("revision_number=1, revision_number=2"),
            std::make_pair(400, std::string("Bad if-match request: Multiple revision_number etags "
                                            "are not supported.")));
}

TEST(RevisionConstraintTest, MismatchIs412) {
  EXPECT_NO_THROW(enforce_revision_constraint(3, 3));
  try {
    enforce_revision_constraint(2, 3);
    FAIL() << "a stale revision passed";
  } catch (const api::ApiError& e) {
    EXPECT_EQ(e.status(), 412);
    EXPECT_EQ(e.type(), "RevisionNumberConstraintFailed");
    EXPECT_STREQ(e.what(), "Constrained to 2, but current revision is 3");
  }
}

}  // namespace
}  // namespace neutrino::neutron
