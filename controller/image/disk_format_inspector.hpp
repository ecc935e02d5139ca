#pragma once
// What an uploaded disk really is, from its first bytes, as Glance's format inspector checks
// it: a qcow2 (magic "QFI\xfb", version 2 or 3) gives its virtual size, and is refused when
// it names a backing file or an external data file (a guest image must never make the host
// read another file). Anything else is taken as raw.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace neutrino::image {

struct DiskInspection {
  std::string format;  // "qcow2" or "raw"
  std::optional<uint64_t> virtual_size;
  std::optional<std::string> unsafe;  // why the image fails the safety check, if it does
};

// Bytes of the head the inspector wants before it can decide.
inline constexpr size_t kInspectionBytes = 512;

DiskInspection inspect_disk(std::string_view head);

}  // namespace neutrino::image
