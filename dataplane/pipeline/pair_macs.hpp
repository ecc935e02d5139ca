#pragma once
// Where frames for an allowed address pair's MAC go when the MAC is not its port's own (a
// VRRP virtual MAC, say). A MAC that one port alone holds as a pair is a known destination;
// one that several ports hold (the standby routers of one VRRP group), or that is some port's
// own MAC, gets no flow of its own: it is flooded like an unknown MAC, or goes to that port.
#include <map>
#include <string>

#include "dataplane/pipeline/local_network.hpp"

namespace neutrino::dataplane::pipeline {

struct PairMacHolders {
  std::map<std::string, const LocalPort*> local;    // pair MAC -> its only holder, local
  std::map<std::string, const RemotePort*> remote;  // pair MAC -> its only holder, remote
};

PairMacHolders unique_pair_macs(const LocalNetwork& network);

}  // namespace neutrino::dataplane::pipeline
