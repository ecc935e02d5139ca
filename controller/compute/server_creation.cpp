// POST /servers: everything a boot request decides, in one store transaction, so a refused
// request leaves no instance row and no port behind, and concurrent requests cannot place
// more on a host than its capacity (the store serialises writers; see host_state_loader.hpp).
#include "common/log.hpp"
#include "common/random.hpp"
#include "controller/api/api_error.hpp"
#include "controller/compute/boot_image.hpp"
#include "controller/compute/compute_quota.hpp"
#include "controller/compute/flavor_store.hpp"
#include "controller/compute/flavor_view.hpp"
#include "controller/compute/keypair_store.hpp"
#include "controller/compute/server_group_store.hpp"
#include "controller/compute/server_networks.hpp"
#include "controller/compute/server_operations.hpp"
#include "controller/compute/server_store.hpp"
#include "controller/metadata/instance_input.hpp"
#include "controller/metadata/instance_store.hpp"
#include "controller/scheduler/host_state_loader.hpp"

namespace neutrino::compute {
namespace {

std::string random_text(size_t length, const std::string& alphabet) {
  std::string out;
  for (size_t i = 0; i < length; ++i) {
    out.push_back(alphabet[random::uniform(0, alphabet.size() - 1)]);
  }
  return out;
}

Flavor boot_flavor(store::SqlSession& s, const identity::AuthContext& ctx, const std::string& ref) {
  auto flavor = FlavorStore::find(s, ref);
  if (!flavor || flavor->disabled || !FlavorStore::accessible(s, *flavor, ctx)) {
    throw api::bad_request("Flavor " + ref + " could not be found.", "FlavorNotFound");
  }
  return std::move(*flavor);
}

// The zone must be one of the compute hosts', and a named host or node must exist.
void check_destination(store::SqlSession& s, const ServerCreateRequest& request) {
  if (request.availability_zone &&
      s.query("SELECT 1 FROM compute_nodes WHERE availability_zone = ? LIMIT 1",
              {*request.availability_zone})
          .empty()) {
    throw api::bad_request(
        "Invalid input received: The requested availability zone is not available", "InvalidInput");
  }
  if (request.host &&
      s.query("SELECT 1 FROM compute_nodes WHERE host = ?", {*request.host}).empty()) {
    throw api::bad_request("Compute host " + *request.host + " could not be found.",
                           "ComputeHostNotFound");
  }
  if (request.node &&
      s.query("SELECT 1 FROM compute_nodes WHERE hypervisor_hostname = ?", {*request.node})
          .empty()) {
    throw api::bad_request("Compute host " + *request.node + " could not be found.",
                           "ComputeHostNotFound");
  }
}

std::string zone_of_host(store::SqlSession& s, const std::string& host) {
  const auto rows = s.query(
      "SELECT availability_zone, hypervisor_hostname FROM compute_nodes WHERE host = ?", {host});
  return rows.empty() ? "nova" : rows[0].text(0);
}

std::string node_of_host(store::SqlSession& s, const std::string& host) {
  const auto rows = s.query("SELECT hypervisor_hostname FROM compute_nodes WHERE host = ?", {host});
  return rows.empty() ? host : rows[0].text(0);
}

// The "group" hint: the group must be the project's (any, for an admin), have room for
// `count` more servers, and its hard policy filters the hosts.
void apply_server_group(store::SqlSession& s, const identity::AuthContext& ctx,
                        const std::string& id, int64_t count, scheduler::RequestSpec& spec,
                        int64_t max_members) {
  const auto group = ServerGroupStore::find(s, id);
  if (!group || (group->project_id != ctx.project_id && !ctx.is_admin())) {
    throw api::bad_request("Instance group " + id + " could not be found.",
                           "InstanceGroupNotFound");
  }
  if (max_members >= 0 && static_cast<int64_t>(group->members.size()) + count > max_members) {
    throw api::forbidden("Quota exceeded, too many servers in group", "OverQuota");
  }
  if (group->policy == "affinity" || group->policy == "anti-affinity") {
    spec.group_policy = group->policy;
  }
  spec.group_hosts = ServerGroupStore::member_hosts(s, id);
  if (group->rules.contains("max_server_per_host")) {
    spec.max_server_per_host = group->rules["max_server_per_host"].get<int64_t>();
  }
}

}  // namespace

ServerOperations::Created ServerOperations::create(const identity::AuthContext& ctx,
                                                   const ServerCreateRequest& request) {
  Created out;
  out.admin_pass = request.admin_pass.value_or(
      random_text(12, "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"));
  out.reservation_id = "r-" + random_text(8, "abcdefghijklmnopqrstuvwxyz0123456789");
  db_.write([&](store::SqlSession& s) {
    const Flavor flavor = boot_flavor(s, ctx, request.flavor_ref);
    const BootImage image = resolve_boot_image(s, ctx, request.image_ref, flavor);
    std::optional<KeyPair> key;
    if (request.key_name) {
      key = KeypairStore::find(s, ctx.user_id, *request.key_name);
      if (!key) {
        throw api::bad_request("Invalid key_name provided.", "KeypairNotFound");
      }
    }
    const ServerSecurityGroups groups = resolve_security_groups(s, ctx, request.security_groups);
    const std::vector<PlannedNic> nics = plan_networks(s, ctx, request);
    check_destination(s, request);
    check_instance_quota(s, ctx.project_id, settings_.quotas, request.max_count, flavor.vcpus,
                         flavor.memory_mb);

    scheduler::RequestSpec spec;
    spec.vcpus = flavor.vcpus;
    spec.memory_mb = flavor.memory_mb;
    spec.root_gb = flavor.root_gb;
    spec.ephemeral_gb = flavor.ephemeral_gb;
    spec.swap_mb = flavor.swap;
    spec.availability_zone =
        request.availability_zone ? request.availability_zone : settings_.default_schedule_zone;
    spec.host = request.host;
    spec.node = request.node;
    if (request.group) {
      apply_server_group(s, ctx, *request.group, request.max_count, spec,
                         settings_.quotas.server_group_members);
    }
    auto hosts = scheduler::load_host_states(s, settings_.service_down_time);
    const scheduler::Selection selection =
        scheduler_.select(hosts, spec, static_cast<int>(request.max_count));
    if (!selection.found) {
      log::warning("scheduler: no valid host for a ", flavor.name, " server of project ",
                   ctx.project_id, ": ", selection.details);
    }

    for (int64_t index = 0; index < request.max_count; ++index) {
      const std::string host = selection.found ? selection.hosts[static_cast<size_t>(index)] : "";
      metadata::InstanceRecord record;
      record.id = random::uuid4();
      record.reservation_id = out.reservation_id;
      record.project_id = ctx.project_id;
      record.name =
          request.max_count > 1 ? request.name + "-" + std::to_string(index + 1) : request.name;
      record.hostname = metadata::sanitize_hostname(record.name);
      if (record.hostname.empty()) {
        record.hostname = "server-" + record.id;
      }
      if (key) {
        record.key_name = key->name;
        record.public_key = key->public_key;
        record.key_type = key->type;
      }
      record.user_data = request.user_data;
      record.availability_zone = spec.availability_zone.value_or(
          host.empty() ? settings_.default_availability_zone : zone_of_host(s, host));
      record.launch_index = index;
      record.flavor_name = flavor.name;
      record.metadata = request.metadata;
      record.security_groups = groups.names;
      metadata::InstanceStore::create(s, record);

      ServerRecord server;
      server.instance = record;
      server.user_id = ctx.user_id;
      server.image_ref = image.image_id;
      server.kernel_id = image.kernel_id;
      server.ramdisk_id = image.ramdisk_id;
      server.vcpus = flavor.vcpus;
      server.memory_mb = flavor.memory_mb;
      server.root_gb = flavor.root_gb;
      server.ephemeral_gb = flavor.ephemeral_gb;
      server.flavor = flavor_snapshot(flavor);
      server.image_meta = image.meta;
      server.description = request.description;
      server.config_drive = request.config_drive;
      if (selection.found) {
        server.host = host;
        server.node = node_of_host(s, host);
        server.vm_state = "building";
        server.task_state = "spawning";
      } else {
        server.vm_state = "error";
      }
      ServerStore::insert_compute(s, server);
      if (request.group) {
        ServerGroupStore::add_member(s, *request.group, record.id);
      }
      if (selection.found) {
        ports_.attach(s, record.id, ctx.project_id, host, record.availability_zone, nics,
                      groups.ids);
      } else {
        ServerStore::add_fault(
            s, record.id,
            {500, "No valid host was found. " + selection.reason, selection.details, 0});
      }
      out.servers.push_back(*ServerStore::find(s, record.id));
    }
  });
  changed_();
  return out;
}

}  // namespace neutrino::compute
