#pragma once
// The few qemu-img operations the image cache and instance files need, run as a program as
// Nova does. Formats are always given explicitly (-f/-F): qemu never probes a guest-supplied
// file, so a "raw" image holding a qcow2 header cannot point qemu at a host file.
#include <cstdint>
#include <optional>
#include <string>

namespace neutrino::compute {

struct QemuImageInfo {
  std::string format;
  int64_t virtual_size = 0;
  std::optional<std::string> backing_file;  // set: an overlay
  std::optional<std::string> data_file;     // qcow2 external data file
};

// `qemu-img info --output=json -f <format> <path>`; throws std::runtime_error.
QemuImageInfo qemu_img_info(const std::string& path, const std::string& format);
// qcow2 -> raw (or any format qemu reads to raw), sparse.
void qemu_img_convert_to_raw(const std::string& source, const std::string& source_format,
                             const std::string& destination);
// A qcow2 overlay of `backing` (format `backing_format`), of `size_bytes` (0: the backing's).
void qemu_img_create_overlay(const std::string& path, const std::string& backing,
                             const std::string& backing_format, int64_t size_bytes);

}  // namespace neutrino::compute
