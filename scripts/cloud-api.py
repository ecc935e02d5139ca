#!/usr/bin/env python3
"""What ./run.sh asks the all-in-one cloud while it waits or stops, straight through the API:
every `openstack` run costs seconds of Python start-up on a loaded machine and can hang, and
`./run.sh stop` must not depend on it. Every request has a timeout, every wait a deadline and
a clear message when it runs out (exit status 1).

Credentials: NEUTRINO_URL (http://127.0.0.1:9696) and NEUTRINO_ADMIN_PASSWORD (admin).

  cloud-api.py wait-compute-host HOST SECONDS   until HOST is an `up` compute service
  cloud-api.py wait-console SERVER REGEX SECONDS until REGEX is on the server's console log;
                                                prints the matching line
  cloud-api.py delete-servers SECONDS           deletes every server of every project and
                                                waits until they are gone
  cloud-api.py network-ids                      the IDs of all networks, one a line
"""

import json
import os
import re
import sys
import time
import urllib.error
import urllib.request

URL = os.environ.get("NEUTRINO_URL", "http://127.0.0.1:9696")
REQUEST_TIMEOUT = 10
COMPUTE = "/compute/v2.1"


class ApiError(Exception):
    pass


def request(method, path, body=None, token=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(URL + path, data=data, method=method)
    req.add_header("Accept", "application/json")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("X-Auth-Token", token)
    try:
        with urllib.request.urlopen(req, timeout=REQUEST_TIMEOUT) as resp:
            text = resp.read()
            return resp.headers, (json.loads(text) if text else None)
    except urllib.error.HTTPError as e:
        raise ApiError("%s %s: %s %s" % (method, path, e.code, e.read()[:300])) from e
    except (urllib.error.URLError, OSError) as e:
        raise ApiError("%s %s: %s" % (method, path, e)) from e


def token():
    auth = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": "admin", "domain": {"name": "Default"},
        "password": os.environ.get("NEUTRINO_ADMIN_PASSWORD", "admin")}}},
        "scope": {"project": {"name": "admin", "domain": {"name": "Default"}}}}}
    headers, _ = request("POST", "/v3/auth/tokens", auth)
    return headers["X-Subject-Token"]


def wait(what, seconds, probe):
    """Calls probe() until it returns something true (returned) or `seconds` pass; API
    errors while waiting count as "not yet" and the last one is shown on timeout."""
    deadline = time.monotonic() + seconds
    last_error = None
    while time.monotonic() < deadline:
        try:
            value = probe()
            if value:
                return value
        except ApiError as e:
            last_error = e
        time.sleep(1)
    sys.exit("timed out after %d s waiting for %s%s" % (
        seconds, what, "" if last_error is None else " (last error: %s)" % last_error))


def servers(tok):
    _, body = request("GET", COMPUTE + "/servers?all_tenants=1", token=tok)
    return body["servers"]


def wait_compute_host(tok, host, seconds):
    def up():
        _, body = request("GET", COMPUTE + "/os-services", token=tok)
        return any(s["host"] == host and s["state"] == "up" for s in body["services"])
    wait("compute host %s to be up" % host, seconds, up)


def wait_console(tok, server, pattern, seconds):
    def seen():
        _, body = request("POST", "%s/servers/%s/action" % (COMPUTE, server),
                          {"os-getConsoleOutput": {}}, token=tok)
        match = re.search(pattern, (body["output"] or "").replace("\r", ""), re.M)
        return match and match.group(0)
    print(wait("%r on the console of %s" % (pattern, server), seconds, seen))


def delete_servers(tok, seconds):
    ids = [s["id"] for s in servers(tok)]
    for server_id in ids:
        try:
            request("DELETE", "%s/servers/%s" % (COMPUTE, server_id), token=tok)
        except ApiError as e:
            print("cannot delete server %s: %s" % (server_id, e), file=sys.stderr)
    if ids:
        wait("%d server(s) to be deleted" % len(ids), seconds, lambda: not servers(tok))
    print(len(ids))


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    try:
        tok = token()
        command = argv[1]
        if command == "wait-compute-host" and len(argv) == 4:
            wait_compute_host(tok, argv[2], int(argv[3]))
        elif command == "wait-console" and len(argv) == 5:
            wait_console(tok, argv[2], argv[3], int(argv[4]))
        elif command == "delete-servers" and len(argv) == 3:
            delete_servers(tok, int(argv[2]))
        elif command == "network-ids" and len(argv) == 2:
            _, body = request("GET", "/v2.0/networks", token=tok)
            print("\n".join(n["id"] for n in body["networks"]))
        else:
            sys.exit(__doc__)
    except ApiError as e:
        sys.exit(str(e))


if __name__ == "__main__":
    main(sys.argv)
