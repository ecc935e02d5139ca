#include "metadata/metadata_tree.hpp"

#include <stdexcept>

namespace neutrino::metadata {

MetadataTree MetadataTree::text(std::string value) {
  MetadataTree node(Kind::kText);
  node.text_ = std::move(value);
  return node;
}

MetadataTree MetadataTree::lines(std::vector<std::string> values) {
  MetadataTree node(Kind::kLines);
  node.lines_ = std::move(values);
  return node;
}

MetadataTree MetadataTree::directory(std::optional<std::string> label) {
  MetadataTree node(Kind::kDirectory);
  node.label_ = std::move(label);
  return node;
}

MetadataTree& MetadataTree::add(const std::string& name, MetadataTree child) {
  if (kind_ != Kind::kDirectory) {
    throw std::logic_error("metadata: only a directory has children");
  }
  children_.insert_or_assign(name, std::move(child));
  return *this;
}

const MetadataTree* MetadataTree::find(const std::vector<std::string>& path) const {
  const MetadataTree* node = this;
  for (const auto& segment : path) {
    if (node->kind_ != Kind::kDirectory) {
      return nullptr;
    }
    const auto it = node->children_.find(segment);
    if (it == node->children_.end()) {
      return nullptr;
    }
    node = &it->second;
  }
  return node;
}

std::string MetadataTree::render() const {
  std::string out;
  switch (kind_) {
    case Kind::kText:
      return text_;
    case Kind::kLines:
      for (const auto& line : lines_) {
        out += (out.empty() ? "" : "\n") + line;
      }
      return out;
    case Kind::kDirectory:
      for (const auto& [name, child] : children_) {
        std::string entry = name;
        if (child.kind_ == Kind::kDirectory) {
          entry = child.label_ ? *child.label_ : name + "/";
        }
        out += (out.empty() ? "" : "\n") + entry;
      }
      return out;
  }
  return out;
}

}  // namespace neutrino::metadata
