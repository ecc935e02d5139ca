#pragma once
// One spelling of the JSON type for the whole project.
#include <nlohmann/json.hpp>

namespace neutrino {
using Json = nlohmann::json;
}  // namespace neutrino
