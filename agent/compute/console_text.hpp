#pragma once
// Turns a guest's raw serial console bytes into what the controller may carry as JSON: valid
// UTF-8 (a guest can print anything; invalid sequences become U+FFFD, as Nova decodes with
// errors='replace') and, when asked, only the last N lines.
#include <optional>
#include <string>
#include <string_view>

namespace neutrino::agent {

std::string valid_utf8(std::string_view bytes);
// The last `lines` lines (a trailing newline does not start an empty line); all when nullopt.
std::string last_lines(std::string_view text, std::optional<int64_t> lines);

}  // namespace neutrino::agent
