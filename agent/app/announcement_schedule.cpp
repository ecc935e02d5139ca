#include "agent/app/announcement_schedule.hpp"

#include <algorithm>
#include <set>

namespace neutrino::agent {

std::vector<std::string> AnnouncementSchedule::update(const std::vector<std::string>& packets) {
  const std::set<std::string> wanted(packets.begin(), packets.end());
  std::erase_if(repeats_, [&wanted](const auto& entry) { return !wanted.contains(entry.first); });
  std::vector<std::string> fresh;
  const auto now = clock_.now();
  for (const auto& packet : wanted) {
    if (repeats_.try_emplace(packet, Repeat{now + kFirstRepeat, kFirstRepeat}).second) {
      fresh.push_back(packet);
    }
  }
  return fresh;
}

std::vector<std::string> AnnouncementSchedule::take_due() {
  std::vector<std::string> due;
  const auto now = clock_.now();
  for (auto& [packet, repeat] : repeats_) {
    if (repeat.due <= now) {
      due.push_back(packet);
      repeat.interval = std::min<MonotonicClock::duration>(repeat.interval * 2, kLongestRepeat);
      repeat.due = now + repeat.interval;
    }
  }
  return due;
}

std::optional<MonotonicClock::time_point> AnnouncementSchedule::next_due() const {
  std::optional<MonotonicClock::time_point> next;
  for (const auto& [packet, repeat] : repeats_) {
    if (!next || repeat.due < *next) {
      next = repeat.due;
    }
  }
  return next;
}

}  // namespace neutrino::agent
