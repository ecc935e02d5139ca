#include "controller/image/disk_format_inspector.hpp"

namespace neutrino::image {
namespace {

uint64_t big_endian(std::string_view bytes, size_t offset, size_t width) {
  uint64_t value = 0;
  for (size_t i = 0; i < width; ++i) {
    value = (value << 8) | static_cast<unsigned char>(bytes[offset + i]);
  }
  return value;
}

}  // namespace

DiskInspection inspect_disk(std::string_view head) {
  DiskInspection out;
  out.format = "raw";
  if (head.size() < 4 || head.substr(0, 4) != std::string_view("QFI\xfb", 4)) {
    return out;
  }
  // Header fields (QEMU's docs/interop/qcow2.txt): version at 4, backing_file_offset at 8,
  // size at 24, incompatible_features at 72 (version 3 only).
  if (head.size() < 32) {
    return out;
  }
  const uint64_t version = big_endian(head, 4, 4);
  if (version != 2 && version != 3) {
    return out;
  }
  out.format = "qcow2";
  out.virtual_size = big_endian(head, 24, 8);
  if (big_endian(head, 8, 8) != 0) {
    out.unsafe = "qcow2 image has a backing file";
  } else if (version == 3 && head.size() >= 80 && (big_endian(head, 72, 8) & 0x4) != 0) {
    out.unsafe = "qcow2 image has an external data file";
  }
  return out;
}

}  // namespace neutrino::image
