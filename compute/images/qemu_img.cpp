#include "compute/images/qemu_img.hpp"

#include <stdexcept>

#include "common/json.hpp"
#include "compute/process/run_command.hpp"

namespace neutrino::compute {
namespace {

using namespace std::chrono_literals;

// `qemu-img info` on an untrusted image must not run for long (a crafted qcow2 can make it
// walk huge tables); conversion of a large image legitimately takes a while.
constexpr auto kInfoTimeout = 30s;
constexpr auto kConvertTimeout = 30min;

}  // namespace

QemuImageInfo qemu_img_info(const std::string& path, const std::string& format) {
  const std::string text =
      check_output({"qemu-img", "info", "--output=json", "-U", "-f", format, path}, kInfoTimeout);
  const Json info = Json::parse(text, nullptr, false);
  if (!info.is_object()) {
    throw std::runtime_error("qemu-img info printed no JSON for " + path);
  }
  QemuImageInfo out;
  out.format = info.value("format", "");
  out.virtual_size = info.value("virtual-size", int64_t{0});
  if (info.contains("backing-filename") && info["backing-filename"].is_string()) {
    out.backing_file = info["backing-filename"].get<std::string>();
  }
  const Json data = info.value("format-specific", Json::object()).value("data", Json::object());
  if (data.contains("data-file") && data["data-file"].is_string()) {
    out.data_file = data["data-file"].get<std::string>();
  }
  return out;
}

void qemu_img_convert_to_raw(const std::string& source, const std::string& source_format,
                             const std::string& destination) {
  check_output({"qemu-img", "convert", "-f", source_format, "-O", "raw", source, destination},
               kConvertTimeout);
}

void qemu_img_create_overlay(const std::string& path, const std::string& backing,
                             const std::string& backing_format, int64_t size_bytes) {
  std::vector<std::string> argv = {"qemu-img",     "create", "-f",    "qcow2", "-F",
                                   backing_format, "-b",     backing, path};
  if (size_bytes > 0) {
    argv.push_back(std::to_string(size_bytes));
  }
  check_output(argv, kInfoTimeout);
}

}  // namespace neutrino::compute
