#pragma once
// The image a server boots from, checked as Nova's compute API checks it: visible to the
// caller, active, a bare raw or qcow2 disk, not larger than the flavor allows; and its
// kernel_id / ramdisk_id / os_command_line properties. The result is what the agent needs
// (compute contract section 2), kept with the instance.
#include <optional>
#include <string>

#include "common/json.hpp"
#include "controller/compute/flavor_store.hpp"
#include "controller/identity/auth_context.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::compute {

struct BootImage {
  std::string image_id;
  std::string kernel_id;   // "" when none
  std::string ramdisk_id;  // "" when none
  // {"image": {...}, "kernel": {...} | null, "ramdisk": {...} | null,
  //  "kernel_cmdline": "..." | null, "min_ram": n, "min_disk": n}
  Json meta;
};

// Throws api::ApiError 400 with Nova's messages ("Can not find requested image", "Image <id>
// is not active.", "Image <id> is unacceptable: ...", "Flavor's memory is too small for
// requested image.", ...) and 403 for a zero-disk flavor asked for by a non-admin.
BootImage resolve_boot_image(store::SqlSession& s, const identity::AuthContext& ctx,
                             const std::string& image_ref, const Flavor& flavor);

}  // namespace neutrino::compute
