"""Self-tests of the emulator's OSS endpoint (unittest, standard library only).

Requests are signed by a small OSS V1 signer written here, apart from the
emulator's own (emu_oss_signing), and checked against OSS's published example.
"""

import base64
import email.utils
import hashlib
import hmac
import http.client
import io
import json
import os
import socket
import time
import unittest
import urllib.parse
import xml.etree.ElementTree as ElementTree
import zipfile

from test_emulator import EmulatorCase, make_apk

import emu_faults
import emu_oss_read
import emu_oss_signing

NS = "{http://doc.oss-cn-hangzhou.aliyuncs.com}"
BUCKET = "apps-bucket"
KIB = 1024


# -- a signer of the test's own -----------------------------------------------------
SIGNED_PARAMS = ("uploads", "uploadId", "partNumber", "security-token")


def string_to_sign(verb, headers, resource, when):
    md5 = headers.get("Content-MD5", "")
    ctype = headers.get("Content-Type", "")
    oss = "".join("%s:%s\n" % item for item in sorted(
        (k.lower(), v) for k, v in headers.items() if k.lower().startswith("x-oss-")))
    return "%s\n%s\n%s\n%s\n%s%s" % (verb, md5, ctype, when, oss, resource)


def b64_hmac(secret, text):
    mac = hmac.new(secret.encode(), text.encode("utf-8"), hashlib.sha1)
    return base64.b64encode(mac.digest()).decode()


def resource(bucket, key, params):
    signed = sorted((k, v) for k, v in params if k in SIGNED_PARAMS)
    sub = "&".join(k if v is None else "%s=%s" % (k, v) for k, v in signed)
    return "/%s/%s%s" % (bucket, key, "?" + sub if sub else "")


def quoted_md5(data):
    return '"%s"' % hashlib.md5(data).hexdigest().upper()


def b64_md5(data):
    return base64.b64encode(hashlib.md5(data).digest()).decode()


class Oss:
    """Signs and sends OSS requests to one emulator."""

    def __init__(self, emulator, key_id="testid", secret="testsecret", token=None,
                 bucket=BUCKET):
        self.emu, self.key_id, self.secret, self.token = emulator, key_id, secret, token
        self.bucket = bucket

    def target(self, key, params=()):
        query = "&".join(k if v is None else "%s=%s" % (k, urllib.parse.quote(v, safe=""))
                         for k, v in params)
        path = "/oss/%s/%s" % (self.bucket, urllib.parse.quote(key))
        return path + ("?" + query if query else "")

    def send(self, method, key, params=(), body=None, headers=None, date=None,
             secret=None, auth=True, conn=None):
        headers = dict(headers or {})
        headers["Date"] = date or email.utils.formatdate(usegmt=True)
        if self.token:
            headers["x-oss-security-token"] = self.token
        if auth:
            text = string_to_sign(method, headers, resource(self.bucket, key, params),
                                  headers["Date"])
            headers["Authorization"] = "OSS %s:%s" % (
                self.key_id, b64_hmac(secret or self.secret, text))
        return self.emu.request(method, self.target(key, params), body=body,
                                headers=headers, conn=conn)

    def presign(self, key, expires_in=300, secret=None):
        expires = str(int(time.time()) + expires_in)
        params = [("security-token", self.token)] if self.token else []
        text = string_to_sign("GET", {}, resource(self.bucket, key, params), expires)
        params += [("OSSAccessKeyId", self.key_id), ("Expires", expires),
                   ("Signature", b64_hmac(secret or self.secret, text))]
        return self.emu.base + self.target(key, params)

    def put(self, key, data, **kwargs):
        return self.send("PUT", key, body=data, **kwargs)

    def initiate(self, key):
        reply = self.send("POST", key, [("uploads", None)])
        assert reply.status == 200, reply.body
        return reply.xml().find(NS + "UploadId").text

    def part(self, key, upload_id, number, data):
        return self.send("PUT", key, [("partNumber", str(number)),
                                      ("uploadId", upload_id)], body=data)

    def complete(self, key, upload_id, parts):
        body = "<CompleteMultipartUpload>%s</CompleteMultipartUpload>" % "".join(
            "<Part><PartNumber>%d</PartNumber><ETag>%s</ETag></Part>" % p for p in parts)
        return self.send("POST", key, [("uploadId", upload_id)], body=body.encode())

    def uploads(self):
        reply = self.send("GET", "", [("uploads", None)])
        assert reply.status == 200, reply.body
        return [(u.find(NS + "Key").text, u.find(NS + "UploadId").text)
                for u in reply.xml().iter(NS + "Upload")]


class OssCase(EmulatorCase):
    def start_oss(self, *extra, **kwargs):
        emulator = self.start("--oss-bucket", BUCKET, "--oss-bucket", "other-bucket",
                              *extra, **kwargs)
        return emulator, Oss(emulator)

    def assertOssError(self, reply, status, code):
        self.assertEqual(reply.status, status, reply.body)
        self.assertEqual(reply.headers["Content-Type"], "application/xml")
        self.assertRegex(reply.headers["x-oss-request-id"], r"^[0-9A-F]{24}$")
        self.assertTrue(reply.body.startswith(
            b'<?xml version="1.0" encoding="UTF-8"?>\n<Error>'), reply.body)
        root = reply.xml()
        fields = {child.tag: child.text for child in root}
        self.assertEqual([child.tag for child in root][:4],
                         ["Code", "Message", "RequestId", "HostId"])
        self.assertEqual(fields["Code"], code)
        self.assertEqual(fields["RequestId"], reply.headers["x-oss-request-id"])
        return fields


# -- pure functions --------------------------------------------------------------------
class OssSigningTest(unittest.TestCase):
    KEY_ID, SECRET = "44CF9590006BF252F707", "OtxrzxIsfpFjA7SwPzILwy8Bw21TLhquhboDYROV"
    HEADERS = {"Content-MD5": "ODBGOERFMDMzQTczRUY3NUE3NzA5QzdFNUYzMDQxNEM=",
               "Content-Type": "text/html", "Date": "Thu, 17 Nov 2005 18:49:58 GMT",
               "X-OSS-Meta-Author": "foo@bar.com", "X-OSS-Magic": "abracadabra"}
    TEXT = ("PUT\nODBGOERFMDMzQTczRUY3NUE3NzA5QzdFNUYzMDQxNEM=\ntext/html\n"
            "Thu, 17 Nov 2005 18:49:58 GMT\nx-oss-magic:abracadabra\n"
            "x-oss-meta-author:foo@bar.com\n/oss-example/nelson")

    def test_published_example(self):
        self.assertEqual(string_to_sign("PUT", self.HEADERS, "/oss-example/nelson",
                                        self.HEADERS["Date"]), self.TEXT)
        self.assertEqual(b64_hmac(self.SECRET, self.TEXT), "26NBxoKdsyly4EDv6inkoDft/yA=")
        emulator_text = emu_oss_signing.string_to_sign(
            "PUT", self.HEADERS["Content-MD5"].encode(), b"text/html",
            self.HEADERS["Date"].encode(),
            emu_oss_signing.canonical_oss_headers(self.HEADERS.items()),
            emu_oss_signing.canonical_resource("oss-example", "nelson", []))
        self.assertEqual(emulator_text, self.TEXT.encode())
        self.assertEqual(emu_oss_signing.signature(self.SECRET, emulator_text),
                         "26NBxoKdsyly4EDv6inkoDft/yA=")
        # the emulator's whole check accepts the example at its own time
        credential = type("C", (), {"secret": self.SECRET, "sts_token": None})()
        headers = dict(self.HEADERS, Authorization="OSS %s:26NBxoKdsyly4EDv6inkoDft/yA="
                       % self.KEY_ID)
        request = emu_oss_signing.Request("PUT", headers.items(), "oss-example",
                                          "nelson", [])
        when = email.utils.parsedate_to_datetime(self.HEADERS["Date"]).timestamp()
        self.assertIs(emu_oss_signing.authenticate(
            request, {self.KEY_ID: credential}, when + 60), credential)

    def test_canonical_resource(self):
        resource_of = emu_oss_signing.canonical_resource
        self.assertEqual(resource_of("b", "k/é x", [("uploadId", "U"), ("partNumber", "2"),
                                                    ("prefix", "p")]),
                         "/b/k/é x?partNumber=2&uploadId=U".encode())
        self.assertEqual(resource_of("b", "", [("uploads", ""), ("max-uploads", "5")]),
                         b"/b/?uploads")
        self.assertEqual(resource_of("b", "k", [("OSSAccessKeyId", "i"), ("Expires", "1"),
                                                ("Signature", "s"),
                                                ("security-token", "t")]),
                         b"/b/k?security-token=t")

    def test_oss_range_rules(self):
        parse = emu_oss_read.parse_range
        self.assertEqual(parse("bytes=0-9", 100, False), (0, 9))
        self.assertEqual(parse("bytes=-10", 100, False), (90, 99))
        self.assertEqual(parse("bytes=10-", 100, False), (10, 99))
        self.assertEqual(parse("bytes=0-9,20-29", 100, False), (0, 9))
        self.assertIsNone(parse("bytes=50-200", 100, False))    # whole object, 200
        self.assertIsNone(parse("bytes=100-", 100, False))
        self.assertEqual(parse("bytes=50-200", 100, True), (50, 99))
        self.assertEqual(parse("bytes=100-", 100, True), emu_oss_read.UNSATISFIABLE)

    def test_fault_specs(self):
        for text in ("oss-put:error=503/ServiceUnavailable@1", "oss-part:drop@2",
                     "oss-get:truncate=10", "oss-get:expire", "oss-head:throttle=2",
                     "oss-complete:drop-mid", "oss-initiate:malformed@p0.5",
                     "oss-abort:delay=0.1"):
            emu_faults.FaultSpec(text)
        for text in ("oss-put:truncate=5", "oss-head:drop-mid", "oss-put:html",
                     "oss-part:expire", "oss-get:huge", "oss-list:drop"):
            with self.assertRaises(emu_faults.FaultSpecError, msg=text):
                emu_faults.FaultSpec(text)


# -- the server -------------------------------------------------------------------------
class ObjectTest(OssCase):
    def test_put_head_get_round_trip(self):
        emu, oss = self.start_oss()
        data = os.urandom(3 << 20)   # over the RPC API's 1 MiB body limit
        key = "builds/v1.2/app é+x.apk"
        reply = oss.put(key, data, headers={
            "Content-MD5": b64_md5(data), "Content-Type": "application/vnd.android."
            "package-archive", "x-oss-meta-sha256": hashlib.sha256(data).hexdigest()})
        self.assertEqual(reply.status, 200, reply.body)
        self.assertEqual(reply.headers["ETag"], quoted_md5(data))
        self.assertEqual(reply.headers["Content-MD5"], b64_md5(data))
        head = oss.send("HEAD", key)
        self.assertEqual((head.status, head.body), (200, b""))
        self.assertEqual(int(head.headers["Content-Length"]), len(data))
        self.assertEqual(head.headers["ETag"], quoted_md5(data))
        self.assertEqual(head.headers["Content-MD5"], b64_md5(data))
        self.assertEqual(head.headers["x-oss-object-type"], "Normal")
        self.assertEqual(head.headers["x-oss-meta-sha256"], hashlib.sha256(data).hexdigest())
        self.assertTrue(head.headers["Last-Modified"].endswith(" GMT"))
        got = oss.send("GET", key)
        self.assertEqual((got.status, got.body), (200, data))
        self.assertEqual(got.headers["Content-Type"], "application/vnd.android.package-archive")
        part = oss.send("GET", key, headers={"Range": "bytes=10-19"})
        self.assertEqual((part.status, part.body), (206, data[10:20]))
        self.assertEqual(part.headers["Content-Range"], "bytes 10-19/%d" % len(data))
        past = oss.send("GET", key, headers={"Range": "bytes=%d-" % len(data)})
        self.assertEqual((past.status, len(past.body)), (200, len(data)))
        self.assertEqual(oss.send("GET", key, headers={"If-None-Match": quoted_md5(data)})
                         .status, 304)
        # overwrite without Content-MD5; no Content-Type means octet-stream
        self.assertEqual(oss.put(key, b"small").status, 200)
        head = oss.send("HEAD", key)
        self.assertEqual((head.headers["ETag"], head.headers["Content-Type"]),
                         (quoted_md5(b"small"), "application/octet-stream"))
        self.assertEqual(oss.send("DELETE", key).status, 204)
        missing = oss.send("HEAD", key)
        self.assertEqual((missing.status, missing.body), (404, b""))
        self.assertRegex(missing.headers["x-oss-request-id"], r"^[0-9A-F]{24}$")
        stats = emu.stats()["oss"]
        self.assertEqual((stats["put"], stats["head"], stats["get"], stats["delete"]),
                         (2, 3, 4, 1))
        self.assertEqual(stats["bytes_received"], len(data) + 5)
        self.assertEqual(stats["errors"], {"NoSuchKey": 1})

    def test_expect_100_continue(self):
        emu, oss = self.start_oss()
        data = os.urandom(200 * KIB)

        def raw(secret):
            date = email.utils.formatdate(usegmt=True)
            text = string_to_sign("PUT", {}, resource(BUCKET, "e.bin", []), date)
            head = ("PUT %s HTTP/1.1\r\nHost: x\r\nDate: %s\r\nContent-Length: %d\r\n"
                    "Authorization: OSS testid:%s\r\nExpect: 100-continue\r\n\r\n"
                    % (oss.target("e.bin"), date, len(data), b64_hmac(secret, text)))
            sock = socket.create_connection(("127.0.0.1", emu.port), 10)
            sock.sendall(head.encode())
            return sock, sock.recv(65536)

        sock, first = raw("testsecret")
        with sock:
            self.assertTrue(first.startswith(b"HTTP/1.1 100 Continue\r\n"), first)
            sock.sendall(data)
            answer = sock.recv(65536)
            self.assertTrue(answer.startswith(b"HTTP/1.1 200"), answer)
        sock, first = raw("wrong")   # refused: no 100, the answer, then close
        with sock:
            self.assertTrue(first.startswith(b"HTTP/1.1 403"), first)
            self.assertIn(b"Connection: close", first)
        self.assertEqual(emu.stats()["oss"]["bytes_received"], len(data))

    def test_create_fetches_presigned_object(self):
        emu, oss = self.start_oss()
        with open(os.path.join(emu.serve_dir, "app.apk"), "rb") as source:
            app = source.read()
        self.assertEqual(oss.put("apps/app.apk", app).status, 200)
        reply = emu.call("CreateVerifySDK", {"AppUrl": oss.presign("apps/app.apk")})
        data = emu.wait_sdk_url(reply.json()["TaskId"])
        sdk = emu.get_url(data["SdkUrl"]).body
        license_info = json.loads(zipfile.ZipFile(io.BytesIO(sdk)).read("license.json"))
        self.assertEqual(license_info["app_sha256"], hashlib.sha256(app).hexdigest())
        self.assertEqual(license_info["app_url"], "%s/oss/%s/apps/app.apk"
                         % (emu.base, BUCKET))
        for url in (oss.presign("apps/app.apk", secret="wrong"),
                    oss.presign("apps/app.apk", expires_in=-5)):
            task = emu.call("CreateVerifySDK", {"AppUrl": url}).json()["TaskId"]
            failure = emu.wait_sdk_url(task)
            self.assertEqual(failure["Code"], "VerifySDK.GenerateFailed")
            self.assertEqual(failure["Message"], "app unreachable (HTTP 403 from "
                             "%s/oss/%s/apps/app.apk)" % (emu.base, BUCKET))
        stats = emu.stats()["oss"]
        self.assertEqual(stats["get"], 3)
        self.assertEqual(stats["errors"], {"SignatureDoesNotMatch": 1, "AccessDenied": 1})

    def test_sts_keys(self):
        emu = self.start("--oss-bucket", BUCKET, "--credentials", "STS.k:s3:tok/en+=")
        oss = Oss(emu, "STS.k", "s3", token="tok/en+=")
        self.assertEqual(oss.put("a", b"x").status, 200)
        self.assertEqual(emu.get_url(oss.presign("a")).body, b"x")
        oss.token = None
        self.assertOssError(oss.put("a", b"x"), 403, "InvalidAccessKeyId")
        self.assertOssError(emu.get_url(oss.presign("a")), 403, "InvalidAccessKeyId")
        oss.token = "other"
        self.assertOssError(oss.put("a", b"x"), 403, "InvalidSecurityToken")


class MultipartTest(OssCase):
    def test_complete_and_abort(self):
        emu, oss = self.start_oss()
        chunks = [os.urandom(100 * KIB), os.urandom(100 * KIB), b"tail"]
        upload_id = oss.initiate("big.apk")
        self.assertRegex(upload_id, r"^[0-9A-F]{32}$")
        self.assertEqual(oss.uploads(), [("big.apk", upload_id)])
        etags = []
        for number, chunk in enumerate(chunks, 1):
            reply = oss.part("big.apk", upload_id, number, chunk)
            self.assertEqual(reply.status, 200, reply.body)
            self.assertEqual(reply.headers["ETag"], quoted_md5(chunk))
            etags.append((number, reply.headers["ETag"]))
        listed = oss.send("GET", "big.apk", [("uploadId", upload_id)]).xml()
        self.assertEqual([p.find(NS + "PartNumber").text for p in listed.iter(NS + "Part")],
                         ["1", "2", "3"])
        done = oss.complete("big.apk", upload_id, etags)
        self.assertEqual(done.status, 200, done.body)
        combined = hashlib.md5(b"".join(hashlib.md5(c).digest() for c in chunks))
        etag = '"%s-3"' % combined.hexdigest().upper()
        self.assertEqual(done.xml().find(NS + "ETag").text, etag)
        head = oss.send("HEAD", "big.apk")
        self.assertEqual((head.headers["ETag"], head.headers["x-oss-object-type"]),
                         (etag, "Multipart"))
        self.assertNotIn("Content-MD5", head.headers)
        whole = b"".join(chunks)
        self.assertEqual(oss.send("GET", "big.apk").body, whole)
        # the object is its parts: ranges across and at their edges
        for first, last in ((100 * KIB - 5, 100 * KIB + 5), (200 * KIB, len(whole) - 1),
                            (0, 100 * KIB - 1), (150 * KIB, 200 * KIB + 1)):
            ranged = oss.send("GET", "big.apk", headers={"Range": "bytes=%d-%d" % (first, last)})
            self.assertEqual((ranged.status, ranged.body), (206, whole[first:last + 1]))
        self.assertEqual(oss.uploads(), [])
        # abort: 204, nothing left, the id is gone
        upload_id = oss.initiate("gone.apk")
        self.assertEqual(oss.part("gone.apk", upload_id, 1, b"x").status, 200)
        abort = oss.send("DELETE", "gone.apk", [("uploadId", upload_id)])
        self.assertEqual((abort.status, abort.body), (204, b""))
        self.assertEqual(oss.uploads(), [])
        self.assertOssError(oss.part("gone.apk", upload_id, 2, b"x"), 404, "NoSuchUpload")
        stats = emu.stats()["oss"]
        self.assertEqual((stats["initiate"], stats["parts"], stats["complete"],
                          stats["abort"], stats["list"]), (2, 5, 1, 1, 3))

    def test_complete_errors(self):
        emu, oss = self.start_oss()
        small, big = b"s" * 10, os.urandom(100 * KIB)
        upload_id = oss.initiate("m")
        e1 = oss.part("m", upload_id, 1, small).headers["ETag"]
        e2 = oss.part("m", upload_id, 2, big).headers["ETag"]
        self.assertOssError(oss.complete("m", upload_id, [(1, '"%s"' % ("0" * 32))]),
                            400, "InvalidPart")
        self.assertOssError(oss.complete("m", upload_id, [(2, e2), (1, e1)]), 400,
                            "InvalidPartOrder")
        self.assertOssError(oss.complete("m", upload_id, [(1, e1), (2, e2)]), 400,
                            "EntityTooSmall")
        self.assertOssError(oss.send("POST", "m", [("uploadId", upload_id)], body=b"<x"),
                            400, "MalformedXML")
        self.assertOssError(oss.complete("m", "0" * 32, [(1, e1)]), 404, "NoSuchUpload")
        self.assertOssError(oss.part("m", upload_id, 0, b"x"), 400, "InvalidArgument")
        self.assertEqual(oss.complete("m", upload_id, [(2, e2)]).status, 200)  # unquoted ok
        self.assertEqual(oss.send("GET", "m").body, big)


class OssErrorTest(OssCase):
    def test_request_errors(self):
        emu, oss = self.start_oss("--credentials", "testid:testsecret")
        oss.put("k", b"data")
        self.assertOssError(Oss(emu, bucket="nobucket").put("k", b"x"), 404, "NoSuchBucket")
        for key in ("/lead", "\\lead", "x" * 1024):
            fields = self.assertOssError(oss.put(key, b"x"), 400, "InvalidObjectName")
            self.assertEqual(fields["HostId"], "%s.127.0.0.1:%d" % (BUCKET, emu.port))
        self.assertOssError(oss.put("", b"x"), 400, "InvalidObjectName")
        self.assertEqual(oss.put("x" * 1023, b"x").status, 200)
        fields = self.assertOssError(oss.send("GET", "nope"), 404, "NoSuchKey")
        self.assertEqual(fields["Key"], "nope")
        self.assertOssError(oss.put("k", b"data", headers={"Content-MD5": b64_md5(b"other")}),
                            400, "InvalidDigest")
        self.assertOssError(oss.put("k", b"data", headers={"Content-MD5": "nonsense"}),
                            400, "InvalidDigest")
        self.assertOssError(oss.send("GET", "k", auth=False), 403, "AccessDenied")
        self.assertOssError(Oss(emu, key_id="nobody").send("GET", "k"), 403,
                            "InvalidAccessKeyId")
        old = email.utils.formatdate(time.time() - 16 * 60, usegmt=True)
        fields = self.assertOssError(oss.send("GET", "k", date=old), 403,
                                     "RequestTimeTooSkewed")
        self.assertEqual(fields["MaxAllowedSkewMilliseconds"], "900000")
        self.assertOssError(oss.send("GET", "k", date="2024-01-01T00:00:00Z"), 403,
                            "AccessDenied")
        date = email.utils.formatdate(usegmt=True)
        reply = oss.send("GET", "k", secret="wrong", headers={"x-oss-meta-a": "1"},
                         date=date)
        fields = self.assertOssError(reply, 403, "SignatureDoesNotMatch")
        self.assertEqual(fields["StringToSign"], string_to_sign(
            "GET", {"x-oss-meta-a": "1"}, "/%s/k" % BUCKET, date))
        self.assertEqual(fields["OSSAccessKeyId"], "testid")
        self.assertOssError(oss.send("PATCH", "k"), 405, "MethodNotAllowed")
        conn = emu.connection()   # PUT without Content-Length
        try:
            conn.putrequest("PUT", oss.target("k"))
            conn.putheader("Date", email.utils.formatdate(usegmt=True))
            conn.endheaders()
            reply = conn.getresponse()
            self.assertEqual(reply.status, 411)
            reply.read()
        finally:
            conn.close()
        expired = emu.get_url(oss.presign("k", expires_in=-1))
        fields = self.assertOssError(expired, 403, "AccessDenied")
        self.assertEqual(fields["Message"], "Request has expired.")
        self.assertEqual(emu.get_url(oss.presign("k")).body, b"data")
        errors = emu.stats()["oss"]["errors"]
        self.assertEqual(errors["InvalidObjectName"], 4)
        self.assertEqual(errors["InvalidDigest"], 2)
        self.assertEqual(errors["AccessDenied"], 3)
        self.assertEqual(emu.stats()["errors"]["NoSuchBucket"], 1)


class OssFaultTest(OssCase):
    def test_faults(self):
        emu, oss = self.start_oss(
            "--fault", "oss-put:error=503/ServiceUnavailable@1",
            "--fault", "oss-head:throttle=2@1",
            "--fault", "oss-get:truncate=10@1",
            "--fault", "oss-initiate:malformed@1",
            "--fault", "oss-part:drop@1",
            "--fault", "oss-complete:drop-mid@1",
            "--fault", "oss-abort:error=500/InternalError@1")
        self.assertOssError(oss.put("k", b"0123456789abcdef"), 503, "ServiceUnavailable")
        self.assertEqual(oss.put("k", b"0123456789abcdef").status, 200)
        throttled = oss.send("HEAD", "k")
        self.assertEqual((throttled.status, throttled.headers["Retry-After"]), (429, "2"))
        with self.assertRaises(http.client.IncompleteRead) as cut:
            oss.send("GET", "k")
        self.assertEqual(cut.exception.partial, b"0123456789")
        self.assertRaises(ElementTree.ParseError, oss.send("POST", "m", [("uploads", None)]).xml)
        upload_id = oss.initiate("m")
        with self.assertRaises((http.client.RemoteDisconnected, ConnectionError)):
            oss.part("m", upload_id, 1, b"p")
        etag = oss.part("m", upload_id, 1, b"p").headers["ETag"]
        with self.assertRaises(http.client.IncompleteRead):
            oss.complete("m", upload_id, [(1, etag)])   # done, the answer cut short
        self.assertEqual(oss.send("GET", "m").body, b"p")
        self.assertOssError(oss.complete("m", upload_id, [(1, etag)]), 404, "NoSuchUpload")
        upload_id = oss.initiate("n")
        self.assertOssError(oss.send("DELETE", "n", [("uploadId", upload_id)]), 500,
                            "InternalError")
        left = oss.uploads()   # the malformed initiate was processed: an orphan
        self.assertEqual([key for key, _ in left], ["m", "n"])
        self.assertIn(("n", upload_id), left)
        stats = emu.stats()
        self.assertEqual(len(stats["faults"]), 7)
        self.assertTrue(all(count == 1 for count in stats["faults"].values()))
        self.assertEqual(stats["oss"]["errors"]["QpsLimitExceeded"], 1)

    def test_get_fault_reaches_create(self):
        emu, oss = self.start_oss("--fault", "oss-get:error=503/ServiceUnavailable@1")
        make_apk(os.path.join(emu.tmp, "a.apk"))
        with open(os.path.join(emu.tmp, "a.apk"), "rb") as source:
            oss.put("a.apk", source.read())
        task = emu.call("CreateVerifySDK", {"AppUrl": oss.presign("a.apk")}).json()["TaskId"]
        self.assertIn("HTTP 503", emu.wait_sdk_url(task)["Message"])
        task = emu.call("CreateVerifySDK", {"AppUrl": oss.presign("a.apk")}).json()["TaskId"]
        self.assertTrue(emu.wait_sdk_url(task)["SdkUrl"])


if __name__ == "__main__":
    unittest.main()
