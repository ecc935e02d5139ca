#include "tests/unit/dataplane/pipeline/parsed_flow.hpp"

#include <algorithm>
#include <cctype>

namespace neutrino::dataplane::pipeline {
namespace {

// By commas outside parentheses: "ct(commit,zone=X),output:1" is two actions.
std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  std::string part;
  int depth = 0;
  for (const char c : text) {
    depth += c == '(' ? 1 : c == ')' ? -1 : 0;
    if (c == ',' && depth == 0) {
      out.push_back(part);
      part.clear();
    } else {
      part += c;
    }
  }
  if (!part.empty()) {
    out.push_back(part);
  }
  return out;
}

}  // namespace

ParsedFlow ParsedFlow::parse(const std::string& flow) {
  ParsedFlow out;
  out.text = flow;
  const auto at = flow.find("actions=");
  for (const auto& field : split(flow.substr(0, at == std::string::npos ? flow.size() : at))) {
    const auto eq = field.find('=');
    const std::string name = field.substr(0, eq);
    const std::string value = eq == std::string::npos ? "" : field.substr(eq + 1);
    if (name == "cookie") {
      out.cookie = std::stoull(value, nullptr, 16);
    } else if (name == "table") {
      out.table = std::stoi(value);
    } else if (name == "priority") {
      out.priority = std::stoi(value);
    } else if (!name.empty()) {
      out.match[name] = value;
    }
  }
  if (at != std::string::npos) {
    out.actions = split(flow.substr(at + 8));
  }
  return out;
}

std::vector<ParsedFlow> ParsedFlow::parse_all(const std::vector<std::string>& flows) {
  std::vector<ParsedFlow> out;
  for (const auto& flow : flows) {
    out.push_back(parse(flow));
  }
  return out;
}

bool ParsedFlow::matches(const std::string& field, const std::string& value) const {
  const auto it = match.find(field);
  return it != match.end() && it->second == value;
}

bool ParsedFlow::has_action(const std::string& action) const {
  return std::find(actions.begin(), actions.end(), action) != actions.end();
}

std::vector<int> ParsedFlow::outputs() const {
  std::vector<int> out;
  for (const auto& action : actions) {
    if (action.starts_with("output:") && std::isdigit(static_cast<unsigned char>(action[7]))) {
      out.push_back(std::stoi(action.substr(7)));
    }
  }
  return out;
}

}  // namespace neutrino::dataplane::pipeline
