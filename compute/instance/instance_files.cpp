#include "compute/instance/instance_files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "common/json.hpp"
#include "compute/images/qemu_img.hpp"

namespace neutrino::compute {
namespace {

namespace fs = std::filesystem;

void write_file(const std::string& path, const std::string& content) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out.flush()) {
      throw std::runtime_error("cannot write " + tmp);
    }
  }
  fs::rename(tmp, path);
}

}  // namespace

bool looks_like_uuid(const std::string& text) {
  if (text.size() != 36) {
    return false;
  }
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? c != '-' : !std::isxdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return true;
}

InstanceFiles::InstanceFiles(std::string instances_path)
    : instances_path_(std::move(instances_path)) {}

InstancePaths InstanceFiles::paths(const std::string& uuid) const {
  if (!looks_like_uuid(uuid)) {
    throw std::invalid_argument("not an instance uuid: '" + uuid + "'");
  }
  InstancePaths p;
  p.dir = instances_path_ + "/" + uuid;
  p.disk = p.dir + "/disk";
  p.disk_info = p.dir + "/disk.info";
  p.libvirt_xml = p.dir + "/libvirt.xml";
  p.console_log = p.dir + "/console.log";
  p.kernel = p.dir + "/kernel";
  p.ramdisk = p.dir + "/ramdisk";
  return p;
}

InstancePaths InstanceFiles::create(const std::string& uuid, const InstanceDisk& disk) const {
  const InstancePaths p = paths(uuid);
  const int64_t image_bytes = static_cast<int64_t>(fs::file_size(disk.base));
  if (disk.root_bytes > 0 && disk.root_bytes < image_bytes) {
    throw std::runtime_error("Flavor's disk is too small for requested image. Flavor disk is " +
                             std::to_string(disk.root_bytes) + " bytes, image is " +
                             std::to_string(image_bytes) + " bytes.");
  }
  fs::create_directories(p.dir);
  try {
    qemu_img_create_overlay(p.disk, disk.base, "raw",
                            disk.root_bytes > image_bytes ? disk.root_bytes : 0);
    write_file(p.disk_info, Json{{p.disk, "qcow2"}}.dump());
    if (!disk.kernel_base.empty()) {
      fs::copy_file(disk.kernel_base, p.kernel, fs::copy_options::overwrite_existing);
    }
    if (!disk.ramdisk_base.empty()) {
      fs::copy_file(disk.ramdisk_base, p.ramdisk, fs::copy_options::overwrite_existing);
    }
    std::ofstream(p.console_log, std::ios::app).close();
  } catch (...) {
    remove(uuid);
    throw;
  }
  return p;
}

void InstanceFiles::write_domain_xml(const std::string& uuid, const std::string& xml) const {
  write_file(paths(uuid).libvirt_xml, xml);
}

void InstanceFiles::remove(const std::string& uuid) const {
  std::error_code ignored;
  fs::remove_all(paths(uuid).dir, ignored);
}

bool InstanceFiles::exists(const std::string& uuid) const {
  return fs::is_directory(paths(uuid).dir);
}

std::vector<std::string> InstanceFiles::list() const {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(instances_path_, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_directory() && looks_like_uuid(name)) {
      out.push_back(name);
    }
  }
  return out;
}

std::string InstanceFiles::disk_cache_mode() const {
  fs::create_directories(instances_path_);
  const std::string probe = instances_path_ + "/.directio.test";
  const int fd = ::open(probe.c_str(), O_CREAT | O_WRONLY | O_DIRECT | O_CLOEXEC, 0600);
  if (fd >= 0) {
    ::close(fd);
  }
  ::unlink(probe.c_str());
  return fd >= 0 ? "none" : "writethrough";
}

}  // namespace neutrino::compute
