#pragma once
// An instance's directory, laid out as Nova's libvirt driver does, so operators find what
// they know:
//   <instances>/<uuid>/disk         qcow2 overlay backed by <instances>/_base/<sha1>
//   <instances>/<uuid>/disk.info    {"<instances>/<uuid>/disk": "qcow2"}
//   <instances>/<uuid>/libvirt.xml  the domain XML as defined
//   <instances>/<uuid>/console.log  the serial console (written by virtlogd)
//   <instances>/<uuid>/kernel, ramdisk   copies, for images booted with kernel_id/ramdisk_id
#include <cstdint>
#include <string>
#include <vector>

namespace neutrino::compute {

struct InstancePaths {
  std::string dir;
  std::string disk;
  std::string disk_info;
  std::string libvirt_xml;
  std::string console_log;
  std::string kernel;
  std::string ramdisk;
};

struct InstanceDisk {
  std::string base;         // the cached raw image
  int64_t root_bytes = 0;   // the flavor's root disk; 0: the image's size
  std::string kernel_base;  // empty: no direct kernel boot
  std::string ramdisk_base;
};

class InstanceFiles {
 public:
  explicit InstanceFiles(std::string instances_path);

  const std::string& instances_path() const { return instances_path_; }
  // Throws std::invalid_argument unless `uuid` looks like one (it becomes a path).
  InstancePaths paths(const std::string& uuid) const;
  // Creates the directory and everything but libvirt.xml. Throws std::runtime_error (e.g.
  // "Flavor's disk is too small for requested image") and leaves nothing behind.
  InstancePaths create(const std::string& uuid, const InstanceDisk& disk) const;
  void write_domain_xml(const std::string& uuid, const std::string& xml) const;
  void remove(const std::string& uuid) const;
  bool exists(const std::string& uuid) const;
  // Instance directories present (uuids), e.g. left by a spawn the agent did not finish.
  std::vector<std::string> list() const;
  // "none" (O_DIRECT, as Nova prefers) where the file system supports it, else "writethrough".
  std::string disk_cache_mode() const;

 private:
  std::string instances_path_;
};

bool looks_like_uuid(const std::string& text);

}  // namespace neutrino::compute
