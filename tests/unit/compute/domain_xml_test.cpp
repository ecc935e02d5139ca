#include "compute/libvirt/domain_xml.hpp"

#include <gtest/gtest.h>

namespace neutrino::compute {
namespace {

DomainSpec spec() {
  DomainSpec s;
  s.name = "instance-0000000a";
  s.uuid = "7b5c2a1e-1111-4222-8333-944455556666";
  s.hostname = "vm1";
  s.memory_mb = 128;
  s.vcpus = 2;
  s.disk_path = "/var/lib/neutrino-agent/instances/7b5c2a1e-1111-4222-8333-944455556666/disk";
  s.console_log_path =
      "/var/lib/neutrino-agent/instances/7b5c2a1e-1111-4222-8333-944455556666/console.log";
  s.vifs.push_back({"3f1a9c2e-5d6b-4e7f-8a9b-0c1d2e3f4a5b", "fa:16:3e:12:34:56", "br-int", 1450});
  return s;
}

bool has(const std::string& xml, const std::string& part) {
  return xml.find(part) != std::string::npos;
}

TEST(DomainXml, DescribesTheMachine) {
  const std::string xml = render_domain_xml(spec());
  EXPECT_TRUE(has(xml, "<domain type='qemu'>"));
  EXPECT_TRUE(has(xml, "<name>instance-0000000a</name>"));
  EXPECT_TRUE(has(xml, "<uuid>7b5c2a1e-1111-4222-8333-944455556666</uuid>"));
  EXPECT_TRUE(has(xml, "<memory unit='MiB'>128</memory>"));
  EXPECT_TRUE(has(xml, "<vcpu>2</vcpu>"));
  EXPECT_TRUE(has(xml, "<type arch='x86_64'>hvm</type>"));
  EXPECT_TRUE(has(xml, "<boot dev='hd'/>"));
  EXPECT_TRUE(has(xml, "<acpi/>"));
  EXPECT_TRUE(has(xml, "<memballoon model='none'/>"));
  EXPECT_FALSE(has(xml, "<graphics"));
  EXPECT_FALSE(has(xml, "<cpu"));  // TCG: QEMU's default model
  EXPECT_TRUE(has(xml, "<entry name='product'>OpenStack Nova</entry>"));
  EXPECT_TRUE(has(xml, "<entry name='serial'>7b5c2a1e-1111-4222-8333-944455556666</entry>"));
}

TEST(DomainXml, VirtioDiskAndConsoleLog) {
  const std::string xml = render_domain_xml(spec());
  EXPECT_TRUE(has(xml, "<driver name='qemu' type='qcow2' cache='none'/>"));
  EXPECT_TRUE(has(xml,
                  "<source file='/var/lib/neutrino-agent/instances/"
                  "7b5c2a1e-1111-4222-8333-944455556666/disk'/>"));
  EXPECT_TRUE(has(xml, "<target dev='vda' bus='virtio'/>"));
  EXPECT_TRUE(has(xml, "<serial type='pty'>"));
  EXPECT_TRUE(has(xml,
                  "<log file='/var/lib/neutrino-agent/instances/"
                  "7b5c2a1e-1111-4222-8333-944455556666/console.log' append='on'/>"));
  EXPECT_TRUE(has(xml, "<console type='pty'>"));
}

TEST(DomainXml, OpenVswitchInterfacePerPort) {
  DomainSpec s = spec();
  s.vifs.push_back({"aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee", "fa:16:3e:00:00:02", "br-int", 0});
  const std::string xml = render_domain_xml(s);
  EXPECT_TRUE(has(xml,
                  "    <interface type='bridge'>\n"
                  "      <mac address='fa:16:3e:12:34:56'/>\n"
                  "      <source bridge='br-int'/>\n"
                  "      <virtualport type='openvswitch'>\n"
                  "        <parameters interfaceid='3f1a9c2e-5d6b-4e7f-8a9b-0c1d2e3f4a5b'/>\n"
                  "      </virtualport>\n"
                  "      <target dev='tap3f1a9c2e-5d'/>\n"
                  "      <model type='virtio'/>\n"
                  "      <mtu size='1450'/>\n"
                  "    </interface>\n"));
  EXPECT_TRUE(has(xml, "<target dev='tapaaaaaaaa-bb'/>"));
  // no MTU element when the port has none
  const size_t second = xml.find("tapaaaaaaaa-bb");
  EXPECT_EQ(xml.find("<mtu", second), std::string::npos);
}

TEST(DomainXml, ChecksumOffloadOffForAUserspaceDatapath) {
  DomainSpec s = spec();
  EXPECT_EQ(render_domain_xml(s).find("<host csum"), std::string::npos);  // on by default
  s.vifs[0].checksum_offload = false;
  EXPECT_TRUE(has(render_domain_xml(s),
                  "      <model type='virtio'/>\n"
                  "      <driver name='qemu'>\n"
                  "        <host csum='off' gso='off' tso4='off' tso6='off' ecn='off' ufo='off'/>\n"
                  "      </driver>\n"
                  "      <mtu size='1450'/>\n"));
}

TEST(DomainXml, DirectKernelBoot) {
  DomainSpec s = spec();
  s.kernel_path = "/i/kernel";
  s.ramdisk_path = "/i/ramdisk";
  s.kernel_cmdline = "console=ttyS0 root=/dev/vda";
  const std::string xml = render_domain_xml(s);
  EXPECT_TRUE(has(xml, "<kernel>/i/kernel</kernel>"));
  EXPECT_TRUE(has(xml, "<initrd>/i/ramdisk</initrd>"));
  EXPECT_TRUE(has(xml, "<cmdline>console=ttyS0 root=/dev/vda</cmdline>"));
  EXPECT_FALSE(has(xml, "<boot dev="));
}

TEST(DomainXml, KvmGetsTheHostCpuModel) {
  DomainSpec s = spec();
  s.virt_type = "kvm";
  const std::string xml = render_domain_xml(s);
  EXPECT_TRUE(has(xml, "<domain type='kvm'>"));
  EXPECT_TRUE(has(xml, "<cpu mode='host-model'/>"));
}

TEST(DomainXml, EscapesWhatItQuotes) {
  DomainSpec s = spec();
  s.hostname = "<evil>&'\"";
  s.kernel_cmdline = "a='b' & c<d";
  s.kernel_path = "/k";
  const std::string xml = render_domain_xml(s);
  EXPECT_TRUE(has(xml, "<title>&lt;evil&gt;&amp;&apos;&quot;</title>"));
  EXPECT_TRUE(has(xml, "<cmdline>a=&apos;b&apos; &amp; c&lt;d</cmdline>"));
}

}  // namespace
}  // namespace neutrino::compute
