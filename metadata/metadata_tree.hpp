#pragma once
// The EC2-style metadata tree and how Nova prints it: a directory lists its children one per
// line, sorted, with a trailing "/" on subdirectories; a list prints one value per line; a
// leaf prints its text. A directory may be listed under a label of its own instead of
// "name/": public-keys/ shows "0=<key name>" for the directory public-keys/0.
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace neutrino::metadata {

class MetadataTree {
 public:
  static MetadataTree text(std::string value);
  static MetadataTree lines(std::vector<std::string> values);
  static MetadataTree directory(std::optional<std::string> label = std::nullopt);

  // Adds (or replaces) a child of a directory; returns *this for chaining.
  MetadataTree& add(const std::string& name, MetadataTree child);
  // The node at `path` below this one (empty path: this node); nullptr when there is none.
  const MetadataTree* find(const std::vector<std::string>& path) const;
  // The body of a GET for this node.
  std::string render() const;

 private:
  enum class Kind { kText, kLines, kDirectory };
  explicit MetadataTree(Kind kind) : kind_(kind) {}

  Kind kind_;
  std::string text_;
  std::vector<std::string> lines_;
  std::map<std::string, MetadataTree> children_;  // sorted, as Nova sorts its listing
  std::optional<std::string> label_;
};

}  // namespace neutrino::metadata
