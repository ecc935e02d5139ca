#pragma once
// A PasswordVerifier that counts how often the real one runs (and can make it slow), so tests
// see whether the failed-login limits refuse before any hashing.
#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "controller/identity/password_hasher.hpp"

namespace neutrino::identity::testing {

class CountingVerifier final : public PasswordVerifier {
 public:
  explicit CountingVerifier(const PasswordHasher& real) : real_(real) {}

  bool verify(const std::string& password, const std::string& encoded) const override {
    ++calls_;
    std::this_thread::sleep_for(delay_);
    return real_.verify(password, encoded);
  }
  void verify_dummy(const std::string& password) const override {
    ++calls_;
    std::this_thread::sleep_for(delay_);
    real_.verify_dummy(password);
  }

  int calls() const { return calls_.load(); }
  // How long each check takes on top of the real one: makes parallel checks overlap.
  void set_delay(std::chrono::milliseconds delay) { delay_ = delay; }

 private:
  const PasswordHasher& real_;
  std::chrono::milliseconds delay_{0};
  mutable std::atomic<int> calls_{0};
};

}  // namespace neutrino::identity::testing
