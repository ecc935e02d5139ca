#pragma once
// What the agent last carried out per instance (start and reboot counts), kept in the state
// directory so a restarted agent tells "the user started it while I was away" from "the guest
// powered itself off", and does not start or reboot a guest again for what it already did.
#include <cstdint>
#include <map>
#include <string>

namespace neutrino::agent {

struct AppliedState {
  int64_t start_count = 0;
  int64_t reboot_count = 0;
  bool operator==(const AppliedState&) const = default;
};

class AppliedStateFile {
 public:
  explicit AppliedStateFile(std::string path) : path_(std::move(path)) {}
  // Empty when the file is missing or unreadable (then everything is adopted as it is).
  std::map<std::string, AppliedState> load() const;
  // Written to a temporary file and renamed: never half a file.
  void save(const std::map<std::string, AppliedState>& states) const;

 private:
  std::string path_;
};

}  // namespace neutrino::agent
