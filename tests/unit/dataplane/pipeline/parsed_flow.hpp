#pragma once
// A compiled flow taken apart, so tests can ask "which table, which match, which actions"
// rather than compare whole strings. Understands the compiler's own spelling only (actions
// may hold parentheses, not nested ones).
#include <map>
#include <string>
#include <vector>

namespace neutrino::dataplane::pipeline {

struct ParsedFlow {
  std::string text;
  unsigned long long cookie = 0;
  int table = 0;
  int priority = 0;
  std::map<std::string, std::string> match;  // "arp" -> "", "in_port" -> "3"
  std::vector<std::string> actions;

  static ParsedFlow parse(const std::string& flow);
  static std::vector<ParsedFlow> parse_all(const std::vector<std::string>& flows);

  bool matches(const std::string& field, const std::string& value) const;
  bool has_action(const std::string& action) const;
  // The ofports of "output:N" actions, in order (not "output:<register>").
  std::vector<int> outputs() const;
};

}  // namespace neutrino::dataplane::pipeline
