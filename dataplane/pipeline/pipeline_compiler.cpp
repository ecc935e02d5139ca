#include "dataplane/pipeline/pipeline_compiler.hpp"

#include <algorithm>

#include "dataplane/openflow/flow_codec.hpp"
#include "dataplane/pipeline/integration_bridge.hpp"
#include "dataplane/pipeline/network_builder.hpp"
#include "dataplane/pipeline/physnet_bridge.hpp"
#include "dataplane/pipeline/tunnel_bridge.hpp"

namespace neutrino::dataplane::pipeline {

BridgeFlows PipelineCompiler::compile(const PipelineInput& input) {
  const auto networks = build_local_networks(input);
  BridgeFlows out;
  out[input.integration_bridge] = compile_integration_bridge(networks, input).flows();
  if (!input.tunnel_bridge.empty()) {
    out[input.tunnel_bridge] = compile_tunnel_bridge(networks, input).flows();
  }
  for (const auto& [physnet, wiring] : input.physnets) {
    if (!wiring.bridge.empty()) {
      out[wiring.bridge] = compile_physnet_bridge(networks, physnet, wiring, input.cookie).flows();
    }
  }
  return out;
}

BridgeFlows PipelineCompiler::canonical(const BridgeFlows& flows) {
  BridgeFlows out;
  for (const auto& [bridge, list] : flows) {
    auto& canonical = out[bridge];
    canonical.reserve(list.size());
    for (const auto& flow : list) {
      canonical.push_back(openflow::FlowCodec::canonical(flow));
    }
    std::sort(canonical.begin(), canonical.end());
  }
  return out;
}

BridgeFlows PipelineCompiler::compile_canonical(const PipelineInput& input) {
  return canonical(compile(input));
}

}  // namespace neutrino::dataplane::pipeline
