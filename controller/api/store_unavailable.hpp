#pragma once
// How the APIs answer a write the store could not take because its disk is full or failing:
// 503 ServiceUnavailable (Neutron's type name) with a message saying why, and a Retry-After.
// Reads keep working meanwhile, so only writes ever see this.
#include "controller/api/api_error.hpp"
#include "controller/http/http_response.hpp"
#include "controller/store/sql_value.hpp"

namespace neutrino::api {

// Seconds a client is asked to wait before retrying the write.
inline constexpr int kStoreRetryAfterSeconds = 10;

// The error to render; also logs the cause, at most once per burst of failures.
ApiError store_unavailable(const store::StoreUnavailable& error);
// Adds Retry-After to a rendered 503.
http::Response& with_retry_after(http::Response& response);

}  // namespace neutrino::api
