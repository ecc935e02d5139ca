#pragma once
// The classic OVS ARP responder's actions: the request becomes the reply that `mac` owns
// `ip` and goes back out of the port it came in on. Used for ports' addresses, router
// interfaces and floating IPs alike.
#include <string>

#include "dataplane/pipeline/flow_text.hpp"

namespace neutrino::dataplane::pipeline {

// Appends the reply's actions to `flow` (which matches the request) and returns it.
FlowText& arp_reply(FlowText& flow, const std::string& mac, const std::string& ip);

}  // namespace neutrino::dataplane::pipeline
