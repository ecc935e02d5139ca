#pragma once
// What sizes a trial sends: one fixed size, or IMIX, the classic "simple IMIX" mix of 7 x 64,
// 4 x 594 and 1 x 1518 bytes in a fixed interleaved order (so every burst is mixed).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace neutrino::pktbench {

class FrameSizes {
 public:
  static FrameSizes fixed(std::size_t frame_size);
  static FrameSizes imix();
  // "64".."1518" or "imix"; nullopt for anything else.
  static std::optional<FrameSizes> parse(std::string_view text);

  // The size of the packet with this sequence number (the pattern repeats).
  std::size_t size_of(std::uint64_t sequence) const { return pattern_[sequence % pattern_.size()]; }
  std::size_t largest() const;
  double mean() const;
  const std::string& label() const { return label_; }

 private:
  FrameSizes(std::vector<std::size_t> pattern, std::string label)
      : pattern_(std::move(pattern)), label_(std::move(label)) {}
  std::vector<std::size_t> pattern_;
  std::string label_;
};

}  // namespace neutrino::pktbench
