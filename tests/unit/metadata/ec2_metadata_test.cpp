#include "metadata/ec2_metadata.hpp"

#include <gtest/gtest.h>

#include "metadata/metadata_lookup.hpp"
#include "metadata/version_list.hpp"
#include "sample_instance.hpp"

namespace neutrino::metadata {
namespace {

using testing::sample_instance;

std::string get(const std::string& path, const InstanceMetadata& md = sample_instance()) {
  const auto doc = lookup_metadata(path, md);
  EXPECT_TRUE(doc.has_value()) << path;
  return doc ? doc->body : "<404>";
}

bool missing(const std::string& path, const InstanceMetadata& md = sample_instance()) {
  return !lookup_metadata(path, md).has_value();
}

TEST(VersionList, FindsLatestAndOrdersVersions) {
  EXPECT_EQ(ec2_versions().find("latest"), ec2_versions().find("2009-04-04"));
  EXPECT_EQ(ec2_versions().find("2010-01-01"), std::nullopt);
  EXPECT_TRUE(ec2_versions().includes(*ec2_versions().find("2008-02-01"), "2007-12-15"));
  EXPECT_FALSE(ec2_versions().includes(*ec2_versions().find("1.0"), "2007-01-19"));
  EXPECT_EQ(openstack_versions().listing().back(), "latest");
}

TEST(Ec2Metadata, RootListsEveryVersionAndLatest) {
  EXPECT_EQ(root_listing().body,
            "1.0\n2007-01-19\n2007-03-01\n2007-08-29\n2007-10-10\n2007-12-15\n2008-02-01\n"
            "2008-09-01\n2009-04-04\nlatest");
  EXPECT_EQ(root_listing().content_type, "text/plain");
}

TEST(Ec2Metadata, VersionListsMetaDataAndUserData) {
  EXPECT_EQ(get("/latest"), "meta-data/\nuser-data");
  EXPECT_EQ(get("/2009-04-04/"), "meta-data/\nuser-data");
  auto md = sample_instance();
  md.user_data.reset();
  EXPECT_EQ(get("/latest/", md), "meta-data/");
  EXPECT_TRUE(missing("/latest/user-data", md));
  EXPECT_EQ(get("/latest/user-data"), "#!/bin/sh\necho hi\n");
}

TEST(Ec2Metadata, MetaDataListingIsNovasForTheNewestVersion) {
  EXPECT_EQ(get("/latest/meta-data/"),
            "ami-id\nami-launch-index\nami-manifest-path\nblock-device-mapping/\nhostname\n"
            "instance-action\ninstance-id\ninstance-type\nlocal-hostname\nlocal-ipv4\n"
            "placement/\npublic-hostname\npublic-ipv4\npublic-keys/\nreservation-id\n"
            "security-groups");
}

TEST(Ec2Metadata, OlderVersionsListOnlyWhatTheyHad) {
  EXPECT_EQ(get("/1.0/meta-data"),
            "ami-id\nami-launch-index\nami-manifest-path\nhostname\ninstance-id\nlocal-ipv4\n"
            "public-keys/\nreservation-id\nsecurity-groups");
  EXPECT_TRUE(missing("/1.0/meta-data/placement/availability-zone"));
  EXPECT_EQ(get("/2008-02-01/meta-data/placement/availability-zone"), "az1");
}

TEST(Ec2Metadata, LeavesReadAsNovaServesThem) {
  EXPECT_EQ(get("/latest/meta-data/instance-id"), "i-0000000a");
  EXPECT_EQ(get("/latest/meta-data/ami-id"), "ami-00000000");
  EXPECT_EQ(get("/latest/meta-data/ami-launch-index"), "2");
  EXPECT_EQ(get("/latest/meta-data/ami-manifest-path"), "FIXME");
  EXPECT_EQ(get("/latest/meta-data/hostname"), "web-1.novalocal");
  EXPECT_EQ(get("/latest/meta-data/local-hostname"), "web-1.novalocal");
  EXPECT_EQ(get("/latest/meta-data/public-hostname"), "web-1.novalocal");
  EXPECT_EQ(get("/latest/meta-data/local-ipv4"), "10.0.0.5");
  EXPECT_EQ(get("/latest/meta-data/public-ipv4"), "");
  EXPECT_EQ(get("/latest/meta-data/instance-type"), "m1.tiny");
  EXPECT_EQ(get("/latest/meta-data/instance-action"), "none");
  EXPECT_EQ(get("/latest/meta-data/reservation-id"), "r-abcd1234");
  EXPECT_EQ(get("/latest/meta-data/security-groups"), "default\nweb");
  EXPECT_EQ(get("/latest/meta-data/placement/"), "availability-zone");
  EXPECT_EQ(get("/latest/meta-data/placement/availability-zone"), "az1");
  EXPECT_EQ(get("/latest/meta-data/block-device-mapping"), "ami\nroot");
  EXPECT_EQ(get("/latest/meta-data/block-device-mapping/root"), "/dev/vda");
}

TEST(Ec2Metadata, PublicKeysUseNovasIndexedLayout) {
  EXPECT_EQ(get("/latest/meta-data/public-keys"), "0=mykey");
  EXPECT_EQ(get("/latest/meta-data/public-keys/0/"), "openssh-key");
  EXPECT_EQ(get("/latest/meta-data/public-keys/0/openssh-key"), "ssh-ed25519 AAAAC3Nza test@host");
  auto md = sample_instance();
  md.key_name.reset();
  EXPECT_TRUE(missing("/latest/meta-data/public-keys/", md));
  EXPECT_EQ(get("/latest/meta-data/", md).find("public-keys"), std::string::npos);
}

TEST(Ec2Metadata, PathsAreNormalisedAndUnknownOnesAreMissing) {
  EXPECT_EQ(get("//latest//meta-data/./placement/../hostname/"), "web-1.novalocal");
  EXPECT_EQ(get("/ec2/latest/meta-data/hostname"), "web-1.novalocal");
  EXPECT_TRUE(missing("/latest/meta-data/nonexistent"));
  EXPECT_TRUE(missing("/latest/meta-data/hostname/more"));
  EXPECT_TRUE(missing("/latest/meta-data/security-groups/default"));
  EXPECT_TRUE(missing("/2010-01-01/meta-data/"));
  EXPECT_TRUE(missing("/favicon.ico"));
  EXPECT_EQ(metadata_path_segments("/../a/./b//"), (std::vector<std::string>{"a", "b"}));
}

TEST(Ec2Metadata, LocalIpv4PrefersTheRequestersOwnFixedIp) {
  auto md = sample_instance();
  MetadataVif second = md.vifs.front();
  second.subnets.front().ip_address = "192.168.7.9";
  md.vifs.push_back(second);
  md.requester_address = "192.168.7.9";
  EXPECT_EQ(local_ipv4(md), "192.168.7.9");
  md.requester_address = "172.16.0.1";  // not the instance's: its first fixed IP
  EXPECT_EQ(local_ipv4(md), "10.0.0.5");
  md.vifs.clear();  // no ports: what the proxy reported, as Nova falls back to it
  EXPECT_EQ(local_ipv4(md), "172.16.0.1");
  md.requester_address = "fd00::5";
  EXPECT_EQ(local_ipv4(md), "");
}

TEST(MetadataTree, RendersDirectoriesSortedWithLabels) {
  MetadataTree root = MetadataTree::directory();
  root.add("b", MetadataTree::text("x"));
  root.add("a", MetadataTree::directory());
  root.add("c", MetadataTree::directory("0=name"));
  root.add("d", MetadataTree::lines({"1", "2"}));
  EXPECT_EQ(root.render(), "a/\nb\n0=name\nd");
  EXPECT_EQ(root.find({"d"})->render(), "1\n2");
  EXPECT_EQ(root.find({"b", "x"}), nullptr);
  EXPECT_EQ(root.find({}), &root);
}

}  // namespace
}  // namespace neutrino::metadata
