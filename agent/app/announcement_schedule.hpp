#pragma once
// When each announcement of an external address (FlowsPart: a gratuitous ARP, an ARP request
// for the next hop) goes out again. One packet can be lost, or reach a neighbour not listening
// yet, and only an answer teaches this host the next hop's MAC; so each is repeated after 1, 2,
// 4, ... s, then every minute while the address is served, which also refreshes the learned next
// hop before its idle timeout and the physical switches' tables, as routers re-ARP.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/monotonic_clock.hpp"

namespace neutrino::agent {

class AnnouncementSchedule {
 public:
  static constexpr std::chrono::seconds kFirstRepeat{1};
  static constexpr std::chrono::seconds kLongestRepeat{60};

  explicit AnnouncementSchedule(const MonotonicClock& clock) : clock_(clock) {}

  // Takes the packets to announce from now on and forgets the others. Returns those that were
  // not announced before: they are due at once.
  std::vector<std::string> update(const std::vector<std::string>& packets);
  // The packets due again by now, each scheduled anew at twice its last interval (capped).
  std::vector<std::string> take_due();
  // When the next packet is due, if any is scheduled.
  std::optional<MonotonicClock::time_point> next_due() const;

 private:
  struct Repeat {
    MonotonicClock::time_point due;
    MonotonicClock::duration interval;
  };

  const MonotonicClock& clock_;
  std::map<std::string, Repeat> repeats_;
};

}  // namespace neutrino::agent
