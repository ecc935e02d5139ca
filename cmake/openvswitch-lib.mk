# Read after Open vSwitch's own Makefile (make -f Makefile -f openvswitch-lib.mk): automake
# generates BUILT_SOURCES (odp-netlink.h, the IDL sources...) only for `all`, and building all of
# OVS would take several times longer than the one library the agent links.
neutrino-libopenvswitch: $(BUILT_SOURCES)
	$(MAKE) lib/libopenvswitch.la
