#pragma once
// A fresh directory under /tmp for one test, removed with everything in it afterwards.
#include <filesystem>
#include <string>

#include "common/random.hpp"

namespace neutrino::compute::testing {

class TempDir {
 public:
  TempDir()
      : path_((std::filesystem::temp_directory_path() /
               ("ntr-compute-" + random::hex(random::bytes(6))))
                  .string()) {
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace neutrino::compute::testing
