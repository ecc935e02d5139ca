"""The image API (a Glance v2 subset under <controller>/image) through the real `openstack` CLI
and raw HTTP: uploads streamed and checksummed as Glance does (checked against md5sum and
sha512sum of the file), downloads, properties, the bad uploads Glance refuses (with its error
pages) and the fact that a refused upload leaves no data and no active image behind.
"""

import hashlib
import http.client
import json
import os
import socket
import subprocess
import tempfile
import urllib.parse
import urllib.request
import uuid

import harness

QUOTA_MB = 8


def qcow2_header(virtual_size, total=65536, backing_offset=0):
    """A qcow2 v3 image of `virtual_size` bytes with no data clusters (QEMU's qcow2 spec)."""
    data = bytearray(total)
    data[0:4] = b"QFI\xfb"
    data[4:8] = (3).to_bytes(4, "big")
    data[8:16] = backing_offset.to_bytes(8, "big")
    data[20:24] = (16).to_bytes(4, "big")  # cluster bits
    data[24:32] = virtual_size.to_bytes(8, "big")
    data[100:104] = (104).to_bytes(4, "big")  # header length
    return bytes(data)


def digest(tool, path):
    """What md5sum / sha512sum print for the file, as a user would check it."""
    out = subprocess.run([tool, path], capture_output=True, text=True, check=True).stdout
    return out.split()[0]


class ImageCliTest(harness.ControllerTestCase):
    controller_args = ("--user-storage-quota", "%dMB" % QUOTA_MB)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tmp = tempfile.mkdtemp(prefix="neutrino-image-it-")
        cls.addClassCleanup(lambda: subprocess.run(["rm", "-rf", cls.tmp]))
        cls.admin = cls.controller.token()
        cls.member = cls.controller.create_member("img-tenant", "img-user", "img-user-pw")

    def file(self, name, data):
        path = os.path.join(self.tmp, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def images_dir(self):
        return os.path.join(self.controller.data_dir, "images")

    def glance(self, method, path, body=None, token=None, headers=None):
        return self.controller.request(method, "/image" + path, body,
                                       token=token or self.admin, headers=headers)

    def create_raw(self, name, disk_format="raw", token=None, **extra):
        attributes = {"name": name, "disk_format": disk_format, "container_format": "bare"}
        attributes.update(extra)
        resp = self.glance("POST", "/v2/images", attributes, token=token)
        self.assertEqual(resp.status, 201, resp)
        return resp.json()

    def upload(self, image_id, data, token=None):
        return self.glance("PUT", "/v2/images/%s/file" % image_id, data, token=token,
                           headers={"Content-Type": "application/octet-stream"})

    def assertGlanceError(self, resp, status, message=None):
        """Glance's webob error page as JSON: {"message", "code": "<status> <title>", "title"}."""
        self.assertEqual(resp.status, status, resp)
        body = resp.json()
        self.assertEqual(set(body), {"message", "code", "title"}, resp)
        self.assertTrue(body["code"].startswith(str(status)), resp)
        if message is not None:
            self.assertIn(message, body["message"], resp)

    def assertNothingStored(self, image_id):
        rows = self.controller.sql("select status, checksum from images where id = '%s'" % image_id)
        self.assertIn(rows, ([], [("queued", "")]))
        self.assertNotIn(image_id, os.listdir(self.images_dir()))
        self.assertFalse([f for f in os.listdir(self.images_dir()) if f.endswith(".partial")])

    # --- the CLI ----------------------------------------------------------------------------

    def test_create_show_list_download_and_delete_through_the_cli(self):
        data = os.urandom(3 * 1024 * 1024 + 17)
        path = self.file("disk.raw", data)
        image = self.openstack("image", "create", "--file", path, "--disk-format", "raw",
                               "--container-format", "bare", "--property", "os_distro=neutrino",
                               "--private", "cli-raw", "-f", "json")
        # Debian's client prints the image as created (queued), before its upload: show it.
        shown = self.openstack("image", "show", image["id"], "-f", "json")
        self.assertEqual(shown["status"], "active")
        self.assertEqual(shown["checksum"], digest("md5sum", path))
        self.assertEqual(shown["size"], len(data))
        self.assertEqual(shown["properties"]["os_hash_algo"] if "os_hash_algo" not in shown
                         else shown["os_hash_algo"], "sha512")
        hash_value = shown.get("os_hash_value") or shown["properties"]["os_hash_value"]
        self.assertEqual(hash_value, digest("sha512sum", path))
        self.assertEqual(shown["visibility"], "private")
        self.assertEqual(shown["properties"]["os_distro"], "neutrino")
        listed = self.openstack("image", "list", "-f", "json")
        self.assertIn(image["id"], [i["ID"] for i in listed])
        self.openstack("image", "set", "--property", "hw_rng_model=virtio", image["id"])
        self.assertEqual(self.openstack("image", "show", image["id"], "-f", "json")
                         ["properties"]["hw_rng_model"], "virtio")
        out = os.path.join(self.tmp, "downloaded")
        self.openstack("image", "save", "--file", out, image["id"])
        with open(out, "rb") as f:
            self.assertEqual(f.read(), data)
        self.assertIn(image["id"], os.listdir(self.images_dir()))
        self.openstack("image", "delete", image["id"])
        self.assertNotIn(image["id"], os.listdir(self.images_dir()))
        self.assertEqual(self.controller.sql("select id from images where id = '%s'"
                                             % image["id"]), [])

    def test_qcow2_keeps_its_virtual_size(self):
        path = self.file("disk.qcow2", qcow2_header(1 << 30))
        image = self.openstack("image", "create", "--file", path, "--disk-format", "qcow2",
                               "--container-format", "bare", "cli-qcow2", "-f", "json")
        shown = self.openstack("image", "show", image["id"], "-f", "json")
        self.assertEqual(shown["virtual_size"], 1 << 30)
        self.assertEqual(shown["disk_format"], "qcow2")
        self.openstack("image", "delete", image["id"])

    def test_cli_refuses_unknown_formats(self):
        path = self.file("tiny.raw", b"x" * 512)
        err = self.assertCommandFails("image", "create", "--file", path, "--disk-format", "raw",
                                      "--container-format", "bogus", "bad-container")
        # The client itself refuses a container format Glance does not know (argparse choices).
        self.assertIn("invalid choice", err.stderr + err.stdout)
        self.assertEqual(self.controller.sql("select id from images where name = 'bad-container'"),
                         [])

    # --- raw HTTP: formats, statuses, quotas ---------------------------------------------------

    def test_discovery_and_authentication(self):
        versions = self.controller.request("GET", "/image")
        self.assertEqual(versions.status, 300)
        self.assertTrue(any(v["status"] == "CURRENT" for v in versions.json()["versions"]))
        resp = self.controller.request("GET", "/image/v2/images")
        self.assertEqual(resp.status, 401)
        self.assertIn("Keystone uri=", resp.headers.get("WWW-Authenticate", ""))

    def test_bad_create_bodies(self):
        self.assertGlanceError(self.glance("POST", "/v2/images", {"disk_format": "floppy"}), 400,
                               "Provided object does not match schema 'image': 'floppy' is not "
                               "one of")
        self.assertGlanceError(self.glance("POST", "/v2/images", {"checksum": "x"}), 403,
                               "Attribute 'checksum' is read-only.")
        self.assertGlanceError(self.glance("POST", "/v2/images", {"visibility": "public"},
                                           token=self.member["token"]), 403)

    def test_bad_uploads_are_refused_and_change_nothing(self):
        not_qcow2 = self.create_raw("fake-qcow2", disk_format="qcow2")
        self.assertGlanceError(self.upload(not_qcow2["id"], b"raw bytes" * 100), 415,
                               "Image disk_format qcow2 does not match stream data raw")
        self.assertNothingStored(not_qcow2["id"])
        backing = self.create_raw("backing-qcow2", disk_format="qcow2")
        self.assertGlanceError(self.upload(backing["id"], qcow2_header(1 << 20, 4096, 512)), 415,
                               "Image failed safety checks")
        self.assertNothingStored(backing["id"])
        empty = self.create_raw("empty-raw")
        self.assertGlanceError(self.upload(empty["id"], b""), 400, "empty")
        self.assertNothingStored(empty["id"])
        wrong_type = self.create_raw("json-upload")
        self.assertGlanceError(self.glance("PUT", "/v2/images/%s/file" % wrong_type["id"],
                                           {"not": "data"}), 415)
        self.assertNothingStored(wrong_type["id"])
        no_format = self.glance("POST", "/v2/images", {"name": "no-format"}).json()
        self.assertGlanceError(self.upload(no_format["id"], b"data"), 400,
                               "must be set prior to saving data")
        # The image that failed can still take a good upload.
        self.assertEqual(self.upload(empty["id"], b"now with data").status, 204)
        self.assertEqual(self.glance("GET", "/v2/images/%s" % empty["id"]).json()["status"],
                         "active")
        self.assertGlanceError(self.upload(empty["id"], b"again"), 409,
                               "Image status transition from active to saving is not allowed")

    def test_storage_quota_is_glances_413(self):
        owner = self.controller.create_member("quota-tenant", "quota-user", "quota-pw")
        first = self.create_raw("quota-1", token=owner["token"])
        self.assertEqual(self.upload(first["id"], b"a" * (5 << 20), token=owner["token"]).status,
                         204)
        second = self.create_raw("quota-2", token=owner["token"])
        resp = self.upload(second["id"], b"b" * (4 << 20), token=owner["token"])
        self.assertGlanceError(resp, 413, "Image exceeds the storage quota")
        self.assertNothingStored(second["id"])

    def test_a_truncated_upload_is_refused(self):
        image = self.create_raw("truncated")
        url = urllib.parse.urlsplit(self.controller.url)
        sock = socket.create_connection((url.hostname, url.port), timeout=30)
        sock.sendall(("PUT /image/v2/images/%s/file HTTP/1.1\r\nHost: x\r\n"
                      "X-Auth-Token: %s\r\nAccept: application/json\r\n"
                      "Content-Type: application/octet-stream\r\nContent-Length: 100000\r\n\r\n"
                      % (image["id"], self.admin)).encode() + b"z" * 40000)
        sock.shutdown(socket.SHUT_WR)  # the client declared 100000 bytes and stops at 40000
        answer = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
        sock.close()
        # The HTTP session drops a request whose body never arrives whole (nobody is left to
        # read an answer); what matters is that nothing of it is stored or made active.
        self.assertFalse(answer.startswith(b"HTTP/1.1 2"), answer[:200])
        self.assertNothingStored(image["id"])

    def test_list_filters_sort_and_pages(self):
        owner = self.controller.create_member("list-tenant", "list-user", "list-pw")
        token = owner["token"]
        ids = [self.create_raw("page-%d" % i, token=token, tag_list=None)["id"]
               if False else self.create_raw("page-%d" % i, token=token)["id"] for i in range(5)]
        listing = self.glance("GET", "/v2/images?limit=2&sort=name:asc", token=token).json()
        self.assertEqual([i["name"] for i in listing["images"]], ["page-0", "page-1"])
        self.assertIn("marker=", listing["next"])
        rest = self.glance("GET", "/image" + listing["next"][len("/image"):]
                           if listing["next"].startswith("/image") else listing["next"],
                           token=token)
        self.assertEqual(rest.status, 200, rest)
        by_name = self.glance("GET", "/v2/images?name=page-3", token=token).json()["images"]
        self.assertEqual([i["id"] for i in by_name], [ids[3]])
        self.assertGlanceError(self.glance("GET", "/v2/images?sort_dir=sideways", token=token),
                               400, "Invalid sort direction: sideways")
        # Another project does not see them.
        self.assertEqual(self.glance("GET", "/v2/images?name=page-3",
                                     token=self.member["token"]).json()["images"], [])
        self.assertGlanceError(self.glance("GET", "/v2/images/%s" % ids[0],
                                           token=self.member["token"]), 404)

    def test_download_streams_with_content_md5(self):
        data = os.urandom(2 << 20)
        image = self.create_raw("download")
        self.assertEqual(self.upload(image["id"], data).status, 204)
        url = urllib.parse.urlsplit(self.controller.url)
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        conn.request("GET", "/image/v2/images/%s/file" % image["id"],
                     headers={"X-Auth-Token": self.admin})
        resp = conn.getresponse()
        body = resp.read()
        conn.close()
        self.assertEqual(resp.status, 200)
        self.assertEqual(body, data)
        self.assertEqual(resp.getheader("Content-MD5"), hashlib.md5(data).hexdigest())
        self.assertEqual(int(resp.getheader("Content-Length")), len(data))
        queued = self.create_raw("no-data")
        self.assertEqual(self.glance("GET", "/v2/images/%s/file" % queued["id"]).status, 204)
