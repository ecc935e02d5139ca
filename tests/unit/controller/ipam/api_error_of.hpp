#pragma once
// Test helper: the ApiError an action throws, so a test can compare status, type and message.
#include <gtest/gtest.h>

#include <functional>

#include "controller/api/api_error.hpp"

namespace neutrino::ipam::test_support {

inline api::ApiError api_error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const api::ApiError& error) {
    return error;
  }
  ADD_FAILURE() << "no ApiError thrown";
  return api::ApiError(0, "", "");
}

}  // namespace neutrino::ipam::test_support
