#include <gtest/gtest.h>

#include "controller/api/api_error.hpp"
#include "controller/compute/microversion.hpp"

namespace neutrino::compute {
namespace {

http::Request with(const std::string& header, const std::string& value) {
  http::Request r;
  r.headers[header] = value;
  return r;
}

int refusal(const http::Request& r) {
  try {
    requested_version(r);
  } catch (const api::ApiError& e) {
    return e.status();
  }
  return 0;
}

TEST(Microversion, ParsesAndCompares) {
  EXPECT_EQ(ApiVersion::parse("2.47"), (ApiVersion{2, 47}));
  EXPECT_LT(*ApiVersion::parse("2.9"), *ApiVersion::parse("2.10"));
  EXPECT_FALSE(ApiVersion::parse("2.01"));
  EXPECT_FALSE(ApiVersion::parse("v2.1"));
  EXPECT_FALSE(ApiVersion::parse("2"));
  EXPECT_EQ((ApiVersion{2, 73}).to_string(), "2.73");
}

TEST(Microversion, ReadsEitherHeaderAndDefaultsToTheMinimum) {
  EXPECT_EQ(requested_version(http::Request{}), kMinVersion);
  EXPECT_EQ(requested_version(with("openstack-api-version", "compute 2.47")), (ApiVersion{2, 47}));
  EXPECT_EQ(requested_version(with("openstack-api-version", "image 2.5, compute 2.60")),
            (ApiVersion{2, 60}));
  EXPECT_EQ(requested_version(with("x-openstack-nova-api-version", "2.10")), (ApiVersion{2, 10}));
  EXPECT_EQ(requested_version(with("openstack-api-version", "compute latest")), kMaxVersion);
  // Another service's version alone means none for compute.
  EXPECT_EQ(requested_version(with("openstack-api-version", "image 2.5")), kMinVersion);
}

TEST(Microversion, RefusesMalformedAndUnsupportedVersions) {
  EXPECT_EQ(refusal(with("openstack-api-version", "compute 2.x")), 400);
  EXPECT_EQ(refusal(with("openstack-api-version", "compute 3.0")), 406);
  EXPECT_EQ(refusal(with("x-openstack-nova-api-version", "2.0")), 406);
  EXPECT_EQ(refusal(with("x-openstack-nova-api-version", "2.80")), 406);
}

TEST(Microversion, EchoesTheVersionServed) {
  http::Response r;
  add_version_headers(r, ApiVersion{2, 61});
  ASSERT_EQ(r.headers.size(), 3u);
  EXPECT_EQ(r.headers[0].second, "compute 2.61");
  EXPECT_EQ(r.headers[1].second, "2.61");
}

}  // namespace
}  // namespace neutrino::compute
