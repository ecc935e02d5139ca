#pragma once
// Bytes of small disk images for the image tests.
#include <cstdint>
#include <string>

namespace neutrino::image::testing {

// A qcow2 header (version 3) of a disk of `virtual_size` bytes, padded to `total` bytes.
inline std::string qcow2_image(uint64_t virtual_size, size_t total = 1024,
                               uint64_t backing_offset = 0, uint64_t incompatible = 0) {
  std::string bytes(total, '\0');
  bytes.replace(0, 4, std::string("QFI\xfb", 4));
  const auto put = [&](size_t offset, uint64_t value, size_t width) {
    for (size_t i = 0; i < width; ++i) {
      bytes[offset + width - 1 - i] = static_cast<char>((value >> (8 * i)) & 0xff);
    }
  };
  put(4, 3, 4);
  put(8, backing_offset, 8);
  put(24, virtual_size, 8);
  put(72, incompatible, 8);
  return bytes;
}

}  // namespace neutrino::image::testing
