"""Loaded only by the Tempest tier (its PYTHONPATH puts this directory first).

Debian's tempest 33 sleeps 10 s before every subnet delete
(tempest.lib.services.network.subnets_client.SubnetsClient.delete_subnet) to let a slow
Neutron tear ports down first. Neutrino deletes a subnet's ports synchronously, and with
hundreds of subnet deletes the sleep alone would cost the tier most of its time budget. The
installed package stays untouched: the method is replaced in this process only, with the same
request minus the sleep. (Being first on sys.path, this module stands in for Debian's
/etc/python3.11/sitecustomize.py, which only installs apport's exception hook.)
"""

import os

if os.environ.get("NEUTRINO_TEMPEST_TIER") == "1":
    try:
        from tempest.lib.services.network import subnets_client as _subnets_client
    except ImportError:  # a tool of the tier that never talks to Neutron
        _subnets_client = None

    if _subnets_client is not None:

        def _delete_subnet_without_sleep(self, subnet_id):
            return self.delete_resource("/subnets/%s" % subnet_id)

        _subnets_client.SubnetsClient.delete_subnet = _delete_subnet_without_sleep
