#pragma once
// How results are shown: a table for people, one JSON line for programs (the `path` driver
// reads it).

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "pktbench/rate_search.hpp"

namespace neutrino::pktbench {

nlohmann::json trial_json(const TrialResult& trial);
// One line per size; `mode` says how the figure was obtained ("search" or "rate").
void print_table_header(std::ostream& out);
void print_table_row(std::ostream& out, const std::string& size, const std::string& mode,
                     const TrialResult& trial);

}  // namespace neutrino::pktbench
