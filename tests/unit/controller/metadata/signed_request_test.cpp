#include "controller/metadata/signed_request.hpp"

#include <gtest/gtest.h>

#include "controller/metadata/metadata_refusal.hpp"

namespace neutrino::metadata {
namespace {

const std::string kSecret = "shared-secret";
const std::string kInstance = "6f0e2b8e-2a4c-4c55-9e7e-0d4f3f1c8a01";

http::Request signed_request(const std::string& id, const std::string& signature) {
  http::Request r;
  r.method = "GET";
  r.path = r.target = "/latest/meta-data/instance-id";
  r.headers["x-instance-id"] = id;
  r.headers["x-instance-id-signature"] = signature;
  r.headers["x-tenant-id"] = "project-a";
  r.headers["x-forwarded-for"] = "10.0.0.5";
  return r;
}

int refusal(const SignedRequestVerifier& verifier, const http::Request& r) {
  try {
    verifier.verify(r);
  } catch (const MetadataRefusal& e) {
    return e.status();
  }
  return 0;
}

TEST(SignedRequest, AcceptsTheHmacOfTheInstanceId) {
  const SignedRequestVerifier verifier(kSecret);
  const std::string signature = channel::HmacSigner(kSecret).sign(kInstance);
  // hmac.new(b"shared-secret", id, sha256).hexdigest(), as Neutron's agent computes it.
  EXPECT_EQ(signature.size(), 64u);
  const SignedRequest ok = verifier.verify(signed_request(kInstance, signature));
  EXPECT_EQ(ok.instance_id, kInstance);
  EXPECT_EQ(ok.tenant_id, "project-a");
  EXPECT_EQ(ok.forwarded_for, "10.0.0.5");
}

TEST(SignedRequest, RefusesMissingOrForgedSignatures) {
  const SignedRequestVerifier verifier(kSecret);
  const std::string good = channel::HmacSigner(kSecret).sign(kInstance);
  EXPECT_EQ(refusal(verifier, signed_request(kInstance, "")), 403);
  auto no_signature = signed_request(kInstance, good);
  no_signature.headers.erase("x-instance-id-signature");
  EXPECT_EQ(refusal(verifier, no_signature), 403);
  EXPECT_EQ(refusal(verifier, signed_request(kInstance, std::string(64, '0'))), 403);
  EXPECT_EQ(refusal(verifier, signed_request(kInstance, good.substr(0, 63))), 403);
  EXPECT_EQ(refusal(verifier, signed_request(kInstance, good + "0")), 403);
  // Signed with another secret.
  EXPECT_EQ(refusal(verifier, signed_request(kInstance, channel::HmacSigner("x").sign(kInstance))),
            403);
  // The signature binds the id: another instance's signature does not open this one.
  const std::string other = "11111111-2222-3333-4444-555555555555";
  EXPECT_EQ(refusal(verifier, signed_request(kInstance, channel::HmacSigner(kSecret).sign(other))),
            403);
}

TEST(SignedRequest, RefusesMissingOrRepeatedHeaders) {
  const SignedRequestVerifier verifier(kSecret);
  const std::string good = channel::HmacSigner(kSecret).sign(kInstance);
  auto r = signed_request(kInstance, good);
  r.headers.erase("x-instance-id");
  EXPECT_EQ(refusal(verifier, r), 400);
  r = signed_request(kInstance, good);
  r.headers.erase("x-tenant-id");
  EXPECT_EQ(refusal(verifier, r), 400);
  r = signed_request(kInstance, good);
  r.headers["x-tenant-id"] = "project-a, project-b";  // the field came twice
  EXPECT_EQ(refusal(verifier, r), 400);
  const std::string both = kInstance + ", " + kInstance;
  EXPECT_EQ(refusal(verifier, signed_request(both, channel::HmacSigner(kSecret).sign(both))), 400);
}

TEST(SignedRequest, TakesTheGuestsAddressFromForwardedFor) {
  const SignedRequestVerifier verifier(kSecret);
  auto r = signed_request(kInstance, channel::HmacSigner(kSecret).sign(kInstance));
  r.headers["x-forwarded-for"] = " 10.0.0.7 , 192.0.2.1";
  EXPECT_EQ(verifier.verify(r).forwarded_for, "10.0.0.7");
  r.headers["x-forwarded-for"] = "not-an-address";
  EXPECT_EQ(verifier.verify(r).forwarded_for, "");
  r.headers.erase("x-forwarded-for");
  EXPECT_EQ(verifier.verify(r).forwarded_for, "");
}

}  // namespace
}  // namespace neutrino::metadata
