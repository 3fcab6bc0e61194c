"""Self-tests of the Cloudauth emulator (unittest, standard library only).

Every server test starts its own emulator subprocess on port 0 and stops it
with SIGTERM, checking that it exits 0. Requests are signed by a small signer
written here, apart from the emulator's own.
"""

import base64
import datetime
import hashlib
import hmac
import http.client
import io
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse
import uuid
import warnings
import xml.etree.ElementTree as ElementTree
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
EMULATOR = os.path.join(HERE, "cloudauth_emulator.py")
CERT_SCRIPT = os.path.join(HERE, "make_test_certs.sh")
sys.path.insert(0, HERE)

import emu_faults  # noqa: E402
import emu_files  # noqa: E402
import emu_signing  # noqa: E402


# -- a signer of the test's own -------------------------------------------------
def encode(text):
    return urllib.parse.quote(text, safe="~")


def sign(method, params, secret):
    canonical = "&".join(
        "%s=%s" % (encode(k), encode(v))
        for k, v in sorted(params.items(), key=lambda kv: encode(kv[0])))
    to_sign = "%s&%s&%s" % (method, encode("/"), encode(canonical))
    mac = hmac.new((secret + "&").encode(), to_sign.encode(), hashlib.sha1)
    return base64.b64encode(mac.digest()).decode(), to_sign


def utc_stamp(offset=0):
    moment = datetime.datetime.now(datetime.timezone.utc) + \
        datetime.timedelta(seconds=offset)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body)

    def xml(self):
        return ElementTree.fromstring(self.body)


def make_apk(path):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("AndroidManifest.xml", b"\x03\x00\x08\x00binary-xml")
        archive.writestr("classes.dex", os.urandom(2048))


def make_ipa(path):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Payload/Demo.app/Info.plist", b"<plist/>")
        archive.writestr("Payload/Demo.app/Demo", os.urandom(1024))


class Emulator:
    """One emulator subprocess plus a client for it."""

    def __init__(self, *extra, tls=None, key="testid", secret="testsecret",
                 token=None):
        self.tmp = tempfile.mkdtemp(prefix="emu-test-")
        self.serve_dir = os.path.join(self.tmp, "served")
        os.mkdir(self.serve_dir)
        make_apk(os.path.join(self.serve_dir, "app.apk"))
        make_ipa(os.path.join(self.serve_dir, "app.ipa"))
        with open(os.path.join(self.serve_dir, "notes.txt"), "w") as out:
            out.write("just text\n")
        port_file = os.path.join(self.tmp, "port")
        command = [sys.executable, EMULATOR, "--port", "0", "--port-file",
                   port_file, "--serve-dir", self.serve_dir,
                   "--generation-delay", "0"] + list(extra)
        self.ssl_context = None
        if tls:
            command += ["--tls-cert", os.path.join(tls, "server.pem"),
                        "--tls-key", os.path.join(tls, "server.key"),
                        "--app-ca-file", os.path.join(tls, "ca.pem")]
            self.ssl_context = ssl.create_default_context(
                cafile=os.path.join(tls, "ca.pem"))
        self.key, self.secret, self.token = key, secret, token
        self.process = subprocess.Popen(command, stderr=subprocess.PIPE,
                                        cwd=self.tmp)
        deadline = time.monotonic() + 10
        while not os.path.exists(port_file):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("emulator did not start: %s"
                                   % self.process.stderr.read().decode())
            time.sleep(0.02)
        with open(port_file) as source:
            self.port = int(source.read())
        self.scheme = "https" if tls else "http"
        self.base = "%s://127.0.0.1:%d" % (self.scheme, self.port)

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(10)
        errors = self.process.stderr.read().decode()
        self.process.stderr.close()
        shutil.rmtree(self.tmp, ignore_errors=True)
        return code, errors

    def connection(self, timeout=10):
        if self.ssl_context:
            return http.client.HTTPSConnection("127.0.0.1", self.port,
                                               timeout=timeout,
                                               context=self.ssl_context)
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method, target, body=None, headers=None, conn=None):
        own = conn is None
        conn = conn or self.connection()
        try:
            conn.request(method, target, body=body, headers=headers or {})
            reply = conn.getresponse()
            return Response(reply.status, reply.headers, reply.read())
        finally:
            if own:
                conn.close()

    def get_url(self, url, headers=None):
        parts = urllib.parse.urlsplit(url)
        target = parts.path + ("?" + parts.query if parts.query else "")
        return self.request("GET", target, headers=headers)

    def params(self, action, extra=None, fmt="JSON"):
        params = {
            "Action": action, "Version": "2019-03-07", "AccessKeyId": self.key,
            "SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0",
            "SignatureNonce": str(uuid.uuid4()), "Timestamp": utc_stamp(),
        }
        if fmt:
            params["Format"] = fmt
        if self.token:
            params["SecurityToken"] = self.token
        params.update(extra or {})
        return {k: v for k, v in params.items() if v is not None}

    def call(self, action, extra=None, fmt="JSON", method="POST", where="query",
             params=None, after=None, conn=None):
        """Sign and send; after={name: value or None} edits after signing."""
        params = dict(params) if params else self.params(action, extra, fmt)
        params["Signature"], _ = sign(method, params, self.secret)
        for name, value in (after or {}).items():
            if value is None:
                params.pop(name, None)
            else:
                params[name] = value
        encoded = urllib.parse.urlencode(params, quote_via=urllib.parse.quote)
        if where == "query":
            return self.request(method, "/?" + encoded, conn=conn)
        return self.request(method, "/", body=encoded, conn=conn, headers={
            "Content-Type": "application/x-www-form-urlencoded"})

    def stats(self):
        return self.request("GET", "/_emulator/stats").json()

    def create(self, app="app.apk", **kwargs):
        reply = self.call("CreateVerifySDK",
                          {"AppUrl": "%s/files/%s?token=s3cret" % (self.base, app)},
                          **kwargs)
        assert reply.status == 200, reply.body
        return reply.json()["TaskId"]

    def wait_sdk_url(self, task_id, timeout=15):
        deadline = time.monotonic() + timeout
        while True:
            reply = self.call("DescribeVerifySDK", {"TaskId": task_id})
            data = reply.json()
            if data.get("SdkUrl") or data.get("Success") is False:
                return data
            if time.monotonic() > deadline:
                raise AssertionError("generation never finished")
            time.sleep(0.05)


class EmulatorCase(unittest.TestCase):
    certs = None

    @classmethod
    def tls_dir(cls):
        if shutil.which("openssl") is None:
            raise unittest.SkipTest("no openssl command to make certificates")
        if EmulatorCase.certs is None:
            EmulatorCase.certs = tempfile.mkdtemp(prefix="emu-certs-")
            subprocess.run(["sh", CERT_SCRIPT, EmulatorCase.certs], check=True)
        return EmulatorCase.certs

    def start(self, *extra, **kwargs):
        emulator = Emulator(*extra, **kwargs)

        def stop():
            code, errors = emulator.stop()
            self.assertEqual(code, 0, errors)
            self.assertNotIn("Traceback", errors)
        self.addCleanup(stop)
        return emulator

    def assertError(self, reply, status, code, fmt="JSON"):
        self.assertEqual(reply.status, status, reply.body)
        if fmt == "JSON":
            self.assertTrue(reply.headers["Content-Type"].startswith(
                "application/json"))
            data = reply.json()
            self.assertEqual(set(data), {"RequestId", "HostId", "Code",
                                         "Message", "Recommend"})
        else:
            self.assertTrue(reply.headers["Content-Type"].startswith("text/xml"))
            root = reply.xml()
            self.assertEqual(root.tag, "Error")
            data = {child.tag: child.text for child in root}
        self.assertEqual(data["Code"], code)
        self.assertEqual(data["HostId"], "cloudauth.aliyuncs.com")
        self.assertRegex(data["RequestId"], r"^[0-9A-F-]{36}$")
        self.assertEqual(
            data["Recommend"],
            "https://api.aliyun.com/troubleshoot?q=%s&product=Cloudauth" % code)
        return data


def tearDownModule():
    if EmulatorCase.certs:
        shutil.rmtree(EmulatorCase.certs, ignore_errors=True)


# -- pure functions ------------------------------------------------------------
class SignatureFunctionTest(unittest.TestCase):
    EXAMPLE = {
        "AccessKeyId": "testid", "Action": "DescribeRegions", "Format": "XML",
        "Version": "2014-05-26", "SignatureMethod": "HMAC-SHA1",
        "SignatureVersion": "1.0",
        "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
        "Timestamp": "2016-02-23T12:46:24Z",
    }

    def test_published_example(self):
        text = emu_signing.string_to_sign("GET", list(self.EXAMPLE.items()))
        self.assertEqual(
            text,
            "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format"
            "%3DXML%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-"
            "83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp"
            "%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26")
        self.assertEqual(emu_signing.rpc_signature("testsecret", text),
                         "OLeaidS1JvxuMvnyHOwuJ+uX5qY=")
        self.assertEqual(sign("GET", self.EXAMPLE, "testsecret"),
                         ("OLeaidS1JvxuMvnyHOwuJ+uX5qY=", text))

    def test_percent_encoding(self):
        self.assertEqual(emu_signing.percent_encode("a b*c~d/é+"),
                         "a%20b%2Ac~d%2F%C3%A9%2B")
        pairs = [("b", "1"), ("a", "x y"), ("Signature", "ignored"), ("B", "2")]
        self.assertEqual(emu_signing.canonical_query(pairs), "B=2&a=x%20y&b=1")

    def test_download_signer(self):
        signer = emu_signing.DownloadSigner(b"k" * 32)
        good = signer.sign("ab" * 16, 1700000000)
        self.assertTrue(signer.verify("ab" * 16, "1700000000", good))
        self.assertFalse(signer.verify("ab" * 16, "1700000001", good))
        self.assertFalse(signer.verify("cd" * 16, "1700000000", good))
        self.assertFalse(signer.verify("ab" * 16, None, good))
        self.assertFalse(emu_signing.DownloadSigner().verify(
            "ab" * 16, "1700000000", good))


class FaultGrammarTest(unittest.TestCase):
    def test_valid_specs(self):
        spec = emu_faults.FaultSpec("CreateVerifySDK:error=503/ServiceUnavailable@1")
        self.assertEqual((spec.target, spec.kind, spec.status, spec.code),
                         ("CreateVerifySDK", "error", 503, "ServiceUnavailable"))
        self.assertEqual(emu_faults.FaultSpec("*:throttle=2").seconds, 2)
        self.assertIsNone(emu_faults.FaultSpec("*:throttle@3-").seconds)
        self.assertEqual(emu_faults.FaultSpec("download:truncate=100@2,5").count,
                         100)
        self.assertEqual(emu_faults.FaultSpec("files:delay=0.5").seconds, 0.5)
        calls = emu_faults.CallSet("1-3,7,10-")
        chosen = [n for n in range(1, 13) if calls.matches(n, None)]
        self.assertEqual(chosen, [1, 2, 3, 7, 10, 11, 12])

    def test_invalid_specs(self):
        for text in ["nothing", "Foo:drop", "*:explode", "*:error=503",
                     "*:error=99/X", "*:truncate=5", "download:huge",
                     "*:delay", "*:drop=1", "DescribeVerifySDK:fail-generation",
                     "files:expire", "*:drop@0", "*:drop@3-1", "*:drop@p2",
                     "*:drop@", "*:throttle=1.5", "download:bad-taskid"]:
            with self.assertRaises(emu_faults.FaultSpecError, msg=text):
                emu_faults.FaultSpec(text)

    def test_selection_order_and_probability(self):
        book = emu_faults.FaultBook(["CreateVerifySDK:drop@2", "*:html@1-2",
                                     "*:empty@p0.5"], seed=7)
        picks = [getattr(book.select(["*", "CreateVerifySDK"]), "text", None)
                 for _ in range(3)]
        self.assertEqual(picks[:2], ["*:html@1-2", "CreateVerifySDK:drop@2"])
        again = emu_faults.FaultBook(["CreateVerifySDK:drop@2", "*:html@1-2",
                                      "*:empty@p0.5"], seed=7)
        self.assertEqual(picks, [getattr(again.select(["*", "CreateVerifySDK"]),
                                         "text", None) for _ in range(3)])

    def test_range_parsing(self):
        self.assertEqual(emu_files.parse_range("bytes=10-", 100), (10, 99))
        self.assertEqual(emu_files.parse_range("bytes=10-19", 100), (10, 19))
        self.assertEqual(emu_files.parse_range("bytes=90-200", 100), (90, 99))
        self.assertEqual(emu_files.parse_range("bytes=-5", 100), (95, 99))
        self.assertEqual(emu_files.parse_range("bytes=100-", 100),
                         emu_files.UNSATISFIABLE)
        self.assertIsNone(emu_files.parse_range("bytes=0-1,5-6", 100))
        self.assertIsNone(emu_files.parse_range("items=1-2", 100))


# -- the server ------------------------------------------------------------------
class RoundTripTest(EmulatorCase):
    def check_sdk(self, emulator, sdk_url, app_name, platform):
        reply = emulator.get_url(sdk_url)
        self.assertEqual(reply.status, 200)
        self.assertEqual(reply.headers["Content-Type"], "application/zip")
        self.assertEqual(reply.headers["Accept-Ranges"], "bytes")
        self.assertEqual(int(reply.headers["Content-Length"]), len(reply.body))
        self.assertEqual(reply.headers["ETag"],
                         '"%s"' % hashlib.sha256(reply.body).hexdigest())
        archive = zipfile.ZipFile(io.BytesIO(reply.body))
        self.assertEqual(sorted(archive.namelist()), [
            "libs/cloudauth-security.aar", "libs/cloudauth-verify.aar",
            "license.json"])
        license_info = json.loads(archive.read("license.json"))
        with open(os.path.join(emulator.serve_dir, app_name), "rb") as app:
            self.assertEqual(license_info["app_sha256"],
                             hashlib.sha256(app.read()).hexdigest())
        self.assertEqual(license_info["platform"], platform)
        self.assertEqual(license_info["app_url"],
                         "%s/files/%s" % (emulator.base, app_name))
        for name in ("libs/cloudauth-security.aar", "libs/cloudauth-verify.aar"):
            aar = zipfile.ZipFile(io.BytesIO(archive.read(name)))
            self.assertEqual(sorted(aar.namelist()),
                             ["AndroidManifest.xml", "classes.jar"])
            self.assertEqual(archive.getinfo(name).external_attr >> 16, 0o100644)
        return license_info

    def test_round_trip_http(self):
        emulator = self.start("--generation-delay", "0.5", "--log-file",
                              "log.txt")
        reply = emulator.call("CreateVerifySDK", {
            "AppUrl": emulator.base + "/files/app.apk?token=s3cret",
            "Platform": "ANDROID ü*~+/=&"})
        self.assertEqual(reply.status, 200, reply.body)
        task_id = reply.json()["TaskId"]
        self.assertRegex(task_id, r"^[0-9a-f]{32}$")
        first = emulator.call("DescribeVerifySDK", {"TaskId": task_id})
        self.assertEqual(first.status, 200)
        self.assertEqual(set(first.json()), {"RequestId", "SdkUrl"})
        self.assertEqual(first.json()["SdkUrl"], "")
        sdk_url = emulator.wait_sdk_url(task_id)["SdkUrl"]
        self.assertRegex(sdk_url, r"^%s/sdk/%s\.zip\?Expires=\d+&Signature=[\w-]+$"
                         % (emulator.base, task_id))
        license_info = self.check_sdk(emulator, sdk_url, "app.apk", "android")
        self.assertEqual(license_info["task_id"], task_id)
        # The server counts a download as completed just after its last byte
        # left, which may be a moment after the client has read it.
        deadline = time.monotonic() + 5
        while emulator.stats()["downloads"]["completed"] < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        stats = emulator.stats()
        self.assertEqual(stats["actions"]["CreateVerifySDK"], 1)
        self.assertEqual(stats["accepted"]["CreateVerifySDK"], 1)
        self.assertEqual(stats["actions"]["DescribeVerifySDK"],
                         stats["accepted"]["DescribeVerifySDK"])
        self.assertEqual(stats["tasks"], {"created": 1, "succeeded": 1, "failed": 0})
        self.assertEqual(stats["downloads"]["requests"], 1)
        self.assertEqual(stats["downloads"]["completed"], 1)
        self.assertEqual(stats["files"]["requests"], 1)  # the app fetch
        log = emulator.request("GET", "/_emulator/log").json()
        self.assertEqual(log[0]["action"], "CreateVerifySDK")
        self.assertEqual(log[0]["params_in"], "query")
        self.assertFalse(log[0]["had_security_token"])
        self.assertNotIn("testsecret", json.dumps(log))
        self.assertNotIn("Signature", log[0])
        with open(os.path.join(emulator.tmp, "log.txt")) as lines:
            first = lines.readline().split()
        self.assertEqual(first[1:], ["POST", "/", "200"])

    def test_round_trip_https_xml_form(self):
        emulator = self.start(tls=self.tls_dir())
        reply = emulator.call("CreateVerifySDK", {
            "AppUrl": emulator.base + "/files/app.ipa"}, fmt="XML", where="form")
        self.assertEqual(reply.status, 200, reply.body)
        root = reply.xml()
        self.assertEqual(root.tag, "CreateVerifySDKResponse")
        task_id = root.find("TaskId").text
        deadline = time.monotonic() + 15
        while True:
            reply = emulator.call("DescribeVerifySDK", {"TaskId": task_id},
                                  fmt=None, where="form", method="POST")
            sdk_url = reply.xml().find("SdkUrl").text  # no Format means XML
            if sdk_url:
                break
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.05)
        self.assertTrue(sdk_url.startswith(emulator.base + "/sdk/"))
        self.check_sdk(emulator, sdk_url, "app.ipa", "ios")
        log = emulator.request("GET", "/_emulator/log").json()
        self.assertEqual(log[0]["params_in"], "form")

    def test_old_url_parameter_get_and_sdk_size(self):
        emulator = self.start("--sdk-size", str(3 << 20))
        reply = emulator.call("CreateVerifySDK",
                              {"Url": emulator.base + "/files/app.apk"},
                              method="GET")
        self.assertEqual(reply.status, 200, reply.body)
        sdk_url = emulator.wait_sdk_url(reply.json()["TaskId"])["SdkUrl"]
        body = emulator.get_url(sdk_url).body
        self.assertLess(abs(len(body) - (3 << 20)), 1024)
        archive = zipfile.ZipFile(io.BytesIO(body))
        info = archive.getinfo("libs/cloudauth-model.bin")
        self.assertEqual(info.compress_type, zipfile.ZIP_STORED)
        self.assertIsNone(archive.testzip())

    def test_response_styles(self):
        for style, key in (("data", "SdkUrl"), ("data-url", "Url")):
            emulator = self.start("--response-style", style)
            reply = emulator.call("CreateVerifySDK",
                                  {"AppUrl": emulator.base + "/files/app.apk"})
            data = reply.json()
            self.assertEqual((data["Success"], data["Code"]), (True, "1"))
            task_id = data["Data"]["TaskId"]
            deadline = time.monotonic() + 15
            while True:
                data = emulator.call("DescribeVerifySDK",
                                     {"TaskId": task_id}).json()
                if data["Data"][key]:
                    break
                self.assertLess(time.monotonic(), deadline)
                time.sleep(0.05)
            xml = emulator.call("DescribeVerifySDK", {"TaskId": task_id},
                                fmt="XML").xml()
            self.assertTrue(xml.find("Data/" + key).text.startswith("http://"))


class GenerationFailureTest(EmulatorCase):
    def describe_failure(self, emulator, app_url):
        reply = emulator.call("CreateVerifySDK", {"AppUrl": app_url})
        data = emulator.wait_sdk_url(reply.json()["TaskId"])
        self.assertEqual(set(data), {"RequestId", "Success", "Code", "Message"})
        self.assertEqual((data["Success"], data["Code"]),
                         (False, "VerifySDK.GenerateFailed"))
        return data["Message"]

    def test_unreachable_and_not_an_app(self):
        emulator = self.start()
        with socket.socket() as unused:
            unused.bind(("127.0.0.1", 0))
            closed_port = unused.getsockname()[1]
        message = self.describe_failure(
            emulator, "http://127.0.0.1:%d/app.apk" % closed_port)
        self.assertIn("app unreachable", message)
        message = self.describe_failure(emulator, emulator.base + "/files/nope.apk")
        self.assertIn("app unreachable (HTTP 404", message)
        message = self.describe_failure(emulator, emulator.base + "/files/notes.txt")
        self.assertIn("not an APK or IPA", message)
        stats = emulator.stats()
        self.assertEqual(stats["tasks"]["failed"], 3)
        self.assertEqual(stats["errors"]["VerifySDK.GenerateFailed"], 3)


class RejectionTest(EmulatorCase):
    def test_rejections(self):
        emu = self.start("--credentials", "testid:testsecret",
                         "--credentials", "other:othersecret")
        app = {"AppUrl": emu.base + "/files/app.apk"}
        data = self.assertError(emu.call("CreateVerifySDK", app,
                                         after={"Timestamp": None}),
                                400, "MissingParameter")
        self.assertEqual(data["Message"], 'The input parameter "Timestamp" that is '
                         'mandatory for processing this request is not supplied.')
        self.assertError(emu.call("CreateVerifySDK", {}), 400, "MissingParameter")
        self.assertError(emu.call("DescribeVerifySDK", {}), 400, "MissingParameter")
        self.assertError(emu.call("DescribeVerifySDK", {"TaskId": "0" * 32}),
                         400, "InvalidParameter.TaskId")
        self.assertError(emu.call("DescribeRegions", {}), 404,
                         "InvalidAction.NotFound")
        self.assertError(emu.call("CreateVerifySDK", dict(app, Version="2014-05-26")),
                         400, "InvalidVersion")
        self.assertError(emu.call("CreateVerifySDK",
                                  dict(app, SignatureMethod="HMAC-SHA256")),
                         400, "InvalidSignatureMethod")
        self.assertError(emu.call("CreateVerifySDK", dict(app, SignatureVersion="2.0")),
                         400, "InvalidSignatureVersion")
        self.assertError(emu.call("CreateVerifySDK",
                                  dict(app, Timestamp="2024-01-01 00:00:00")),
                         400, "InvalidTimeStamp.Format")
        for skew in (-960, 960):
            self.assertError(emu.call("CreateVerifySDK",
                                      dict(app, Timestamp=utc_stamp(skew))),
                             400, "InvalidTimeStamp.Expired")
        self.assertEqual(emu.call("CreateVerifySDK",
                                  dict(app, Timestamp=utc_stamp(-840))).status, 200)
        self.assertError(emu.call("CreateVerifySDK", dict(app, AccessKeyId="nobody")),
                         404, "InvalidAccessKeyId.NotFound")
        self.assertError(emu.call("CreateVerifySDK", dict(app, Format="yaml")),
                         400, "InvalidParameter.Format", fmt="XML")
        # a wrong signature names the server's string to sign
        params = emu.params("CreateVerifySDK", app)
        _, expected_text = sign("POST", params, "testsecret")
        data = self.assertError(emu.call("CreateVerifySDK", params=params,
                                         after={"AppUrl": app["AppUrl"] + "x"}),
                                400, "SignatureDoesNotMatch")
        self.assertTrue(data["Message"].startswith(
            "Specified signature is not matched with our calculation. "
            "server string to sign is:"))
        self.assertNotEqual(data["Message"].split("is:", 1)[1], expected_text)
        # the same (unverified) nonce still works, once
        self.assertEqual(emu.call("CreateVerifySDK", params=params).status, 200)
        self.assertError(emu.call("CreateVerifySDK", params=params), 400,
                         "SignatureNonceUsed")
        # nonces are per key
        emu.key, emu.secret = "other", "othersecret"
        self.assertEqual(emu.call("CreateVerifySDK",
                                  params=dict(params, AccessKeyId="other")).status,
                         200)
        self.assertError(emu.call("CreateVerifySDK", app, fmt="XML",
                                  after={"Signature": "AAAA"}),
                         400, "SignatureDoesNotMatch", fmt="XML")
        stats = emu.stats()
        self.assertEqual(stats["errors"]["MissingParameter"], 3)
        self.assertEqual(stats["errors"]["SignatureDoesNotMatch"], 2)
        self.assertEqual(stats["actions"]["DescribeRegions"], 1)
        self.assertEqual(stats["accepted"]["CreateVerifySDK"], 3)

    def test_tasks_belong_to_their_key(self):
        emu = self.start("--credentials", "testid:testsecret",
                         "--credentials", "other:othersecret")
        task_id = emu.create()
        emu.key, emu.secret = "other", "othersecret"
        self.assertError(emu.call("DescribeVerifySDK", {"TaskId": task_id}),
                         400, "InvalidParameter.TaskId")

    def test_sts_token(self):
        emu = self.start("--credentials", "STS.abc:stssecret:tok:en==",
                         key="STS.abc", secret="stssecret", token="tok:en==")
        emu.create()
        for after in ({"SecurityToken": None}, {"SecurityToken": "wrong"}):
            params = emu.params("CreateVerifySDK",
                                {"AppUrl": emu.base + "/files/app.apk"})
            if after["SecurityToken"] is None:
                del params["SecurityToken"]
            else:
                params["SecurityToken"] = after["SecurityToken"]
            self.assertError(emu.call("CreateVerifySDK", params=params), 400,
                             "InvalidSecurityToken.MismatchWithAccessKey")
        log = emu.request("GET", "/_emulator/log").json()
        self.assertEqual([entry["had_security_token"] for entry in log],
                         [True, False, True])
        self.assertNotIn("tok:en==", json.dumps(log))


class DownloadTest(EmulatorCase):
    def ready_url(self, emulator):
        return emulator.wait_sdk_url(emulator.create())["SdkUrl"]

    def test_range_if_range_head(self):
        emu = self.start()
        url = self.ready_url(emu)
        full = emu.get_url(url)
        etag, size = full.headers["ETag"], len(full.body)
        part = emu.get_url(url, {"Range": "bytes=10-"})
        self.assertEqual(part.status, 206)
        self.assertEqual(part.body, full.body[10:])
        self.assertEqual(part.headers["Content-Range"],
                         "bytes 10-%d/%d" % (size - 1, size))
        part = emu.get_url(url, {"Range": "bytes=10-19", "If-Range": etag})
        self.assertEqual((part.status, part.body), (206, full.body[10:20]))
        whole = emu.get_url(url, {"Range": "bytes=10-19", "If-Range": '"other"'})
        self.assertEqual((whole.status, whole.body), (200, full.body))
        bad = emu.get_url(url, {"Range": "bytes=%d-" % size})
        self.assertEqual(bad.status, 416)
        self.assertEqual(bad.headers["Content-Range"], "bytes */%d" % size)
        parts = urllib.parse.urlsplit(url)
        head = emu.request("HEAD", parts.path + "?" + parts.query)
        self.assertEqual((head.status, head.body), (200, b""))
        self.assertEqual(int(head.headers["Content-Length"]), size)
        stats = emu.stats()["downloads"]
        self.assertEqual(stats["range_requests"], 2)
        self.assertEqual(stats["completed"], 4)
        self.assertEqual(stats["bytes_sent"], 2 * size + (size - 10) + 10)

    def test_signature_and_expiry(self):
        emu = self.start("--download-ttl", "1")
        url = self.ready_url(emu)
        self.assertEqual(emu.get_url(url).status, 200)
        tampered = emu.get_url(url[:-2] + ("AA" if not url.endswith("AA") else "BB"))
        self.assertEqual(tampered.status, 403)
        self.assertEqual(tampered.xml().find("Code").text, "SignatureDoesNotMatch")
        unsigned = emu.get_url(url.split("?")[0])
        self.assertEqual(unsigned.xml().find("Code").text, "SignatureDoesNotMatch")
        time.sleep(2.1)
        expired = emu.get_url(url)
        self.assertEqual(expired.status, 403)
        root = expired.xml()
        self.assertEqual(root.find("Code").text, "AccessDenied")
        self.assertEqual(root.find("Message").text, "Request has expired.")
        fresh = emu.wait_sdk_url(urllib.parse.urlsplit(url).path[5:-4])["SdkUrl"]
        self.assertNotEqual(fresh, url)
        self.assertEqual(emu.get_url(fresh).status, 200)
        self.assertEqual(emu.stats()["downloads"]["expired"], 1)

    def test_files_endpoint(self):
        emu = self.start()
        with open(os.path.join(emu.serve_dir, "app.apk"), "rb") as source:
            app = source.read()
        reply = emu.request("GET", "/files/app.apk")
        self.assertEqual((reply.status, reply.body), (200, app))
        self.assertEqual(reply.headers["ETag"],
                         '"%s"' % hashlib.sha256(app).hexdigest())
        part = emu.request("GET", "/files/app.apk", headers={"Range": "bytes=-7"})
        self.assertEqual((part.status, part.body), (206, app[-7:]))
        outside = os.path.join(emu.tmp, "secret.txt")
        with open(outside, "w") as out:
            out.write("secret")
        os.symlink(outside, os.path.join(emu.serve_dir, "link"))
        for target in ("/files/..%2Fport", "/files/../port", "/files/.",
                       "/files/", "/files/missing", "/files/link"):
            self.assertEqual(emu.request("GET", target).status, 404, target)

    def test_download_rate(self):
        emu = self.start("--download-rate", "4000")
        size = os.path.getsize(os.path.join(emu.serve_dir, "app.apk"))
        began = time.monotonic()
        reply = emu.request("GET", "/files/app.apk")
        self.assertEqual(len(reply.body), size)
        self.assertGreaterEqual(time.monotonic() - began, size / 4000 * 0.9)

    def test_keep_alive(self):
        emu = self.start()
        conn = emu.connection()
        try:
            first = emu.call("CreateVerifySDK",
                             {"AppUrl": emu.base + "/files/app.apk"}, conn=conn)
            sock = conn.sock
            second = emu.request("GET", "/_emulator/stats", conn=conn)
            self.assertEqual((first.status, second.status), (200, 200))
            self.assertIs(conn.sock, sock)
        finally:
            conn.close()


class FaultTest(EmulatorCase):
    def test_rpc_faults_by_call_number(self):
        emu = self.start(
            "--fault", "CreateVerifySDK:error=503/ServiceUnavailable@1",
            "--fault", "CreateVerifySDK:throttle=3@2",
            "--fault", "CreateVerifySDK:bad-taskid@4",
            "--fault", "DescribeVerifySDK:malformed@1",
            "--fault", "DescribeVerifySDK:html@2",
            "--fault", "DescribeVerifySDK:empty@3",
            "--fault", "DescribeVerifySDK:drop@4",
            "--fault", "DescribeVerifySDK:drop-mid@5",
            "--fault", "*:huge@11")
        app = {"AppUrl": emu.base + "/files/app.apk"}
        data = self.assertError(emu.call("CreateVerifySDK", app), 503,
                                "ServiceUnavailable")
        self.assertIn("temporary", data["Message"])
        throttled = emu.call("CreateVerifySDK", app)
        self.assertError(throttled, 400, "Throttling.User")
        self.assertEqual(throttled.headers["Retry-After"], "3")
        task_id = emu.call("CreateVerifySDK", app).json()["TaskId"]
        self.assertEqual(emu.call("CreateVerifySDK", app).json()["TaskId"],
                         "../evil\n")
        describe = {"TaskId": task_id}
        malformed = emu.call("DescribeVerifySDK", describe)
        self.assertEqual(malformed.status, 200)
        self.assertRaises(ValueError, malformed.json)
        html = emu.call("DescribeVerifySDK", describe)
        self.assertTrue(html.headers["Content-Type"].startswith("text/html"))
        self.assertEqual(emu.call("DescribeVerifySDK", describe).body, b"")
        with self.assertRaises((http.client.RemoteDisconnected, ConnectionError)):
            emu.call("DescribeVerifySDK", describe)
        with self.assertRaises(http.client.IncompleteRead):
            emu.call("DescribeVerifySDK", describe)
        deadline = time.monotonic() + 10
        while emu.stats()["tasks"]["succeeded"] < 1:
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.05)
        self.assertTrue(emu.call("DescribeVerifySDK", describe).json()["SdkUrl"])
        huge = emu.call("DescribeVerifySDK", describe)
        self.assertEqual((huge.status, len(huge.body)), (200, 2 << 20))
        self.assertGreater(len(huge.json()["Message"]), 2000000)
        # a rejected request still counts as a call, but gets no fault
        self.assertError(emu.call("CreateVerifySDK", app, after={"Signature": "x"}),
                         400, "SignatureDoesNotMatch")
        stats = emu.stats()
        self.assertEqual(stats["faults"], {
            "CreateVerifySDK:error=503/ServiceUnavailable@1": 1,
            "CreateVerifySDK:throttle=3@2": 1,
            "CreateVerifySDK:bad-taskid@4": 1,
            "DescribeVerifySDK:malformed@1": 1,
            "DescribeVerifySDK:html@2": 1,
            "DescribeVerifySDK:empty@3": 1,
            "DescribeVerifySDK:drop@4": 1,
            "DescribeVerifySDK:drop-mid@5": 1,
            "*:huge@11": 1})
        self.assertEqual(stats["accepted"], {"CreateVerifySDK": 1,
                                             "DescribeVerifySDK": 3})
        self.assertEqual(stats["tasks"]["created"], 1)
        self.assertEqual(stats["errors"]["Throttling.User"], 1)

    def test_fail_generation_and_delay(self):
        emu = self.start("--fault", "CreateVerifySDK:fail-generation@1",
                         "--fault", "CreateVerifySDK:delay=0.3@2")
        data = emu.wait_sdk_url(emu.create())
        self.assertEqual(data["Code"], "VerifySDK.GenerateFailed")
        began = time.monotonic()
        task_id = emu.create()
        self.assertGreaterEqual(time.monotonic() - began, 0.3)
        self.assertTrue(emu.wait_sdk_url(task_id)["SdkUrl"])

    def test_download_faults(self):
        emu = self.start("--fault", "download:truncate=100@1",
                         "--fault", "download:expire@2",
                         "--fault", "download:drop-mid@3",
                         "--fault", "download:error=500/InternalError@4",
                         "--fault", "files:malformed@2")
        url = emu.wait_sdk_url(emu.create())["SdkUrl"]
        with self.assertRaises(http.client.IncompleteRead) as caught:
            emu.get_url(url)
        self.assertEqual(len(caught.exception.partial), 100)
        expired = emu.get_url(url)
        self.assertEqual((expired.status, expired.xml().find("Code").text),
                         (403, "AccessDenied"))
        with self.assertRaises(http.client.IncompleteRead):
            emu.get_url(url)
        failed = emu.get_url(url)
        self.assertEqual((failed.status, failed.xml().find("Code").text),
                         (500, "InternalError"))
        good = emu.get_url(url)
        self.assertEqual(good.headers["ETag"],
                         '"%s"' % hashlib.sha256(good.body).hexdigest())
        short = emu.request("GET", "/files/app.apk")
        self.assertEqual(len(short.body),
                         os.path.getsize(os.path.join(emu.serve_dir, "app.apk")) // 2)
        stats = emu.stats()
        self.assertEqual(stats["downloads"]["requests"], 5)
        self.assertEqual(stats["downloads"]["completed"], 1)
        self.assertEqual(stats["downloads"]["expired"], 1)
        self.assertEqual(stats["faults"]["download:expire@2"], 1)


class CommandLineTest(EmulatorCase):
    def test_bad_arguments_exit_2(self):
        for args in (["--fault", "*:explode"], ["--credentials", "nosecret"],
                     ["--tls-cert", "x.pem"]):
            result = subprocess.run(
                [sys.executable, EMULATOR, "--port", "0", "--port-file",
                 os.devnull] + args, capture_output=True, timeout=10)
            self.assertEqual(result.returncode, 2, args)

    def test_tls_only_and_legacy_versions(self):
        certs = self.tls_dir()
        emu = self.start("--tls-min-version", "1.0", "--tls-max-version", "1.1",
                         tls=certs)
        modern = ssl.create_default_context(cafile=os.path.join(certs, "ca.pem"))
        with self.assertRaises(ssl.SSLError):
            with socket.create_connection(("127.0.0.1", emu.port), 5) as raw:
                modern.wrap_socket(raw, server_hostname="localhost")
        legacy = ssl.create_default_context(cafile=os.path.join(certs, "ca.pem"))
        try:
            legacy.set_ciphers("DEFAULT:@SECLEVEL=0")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                legacy.minimum_version = ssl.TLSVersion.TLSv1
                legacy.maximum_version = ssl.TLSVersion.TLSv1_1
        except (ValueError, ssl.SSLError) as error:
            self.skipTest("this OpenSSL cannot offer TLS 1.0/1.1: %s" % error)
        with socket.create_connection(("127.0.0.1", emu.port), 5) as raw:
            with legacy.wrap_socket(raw, server_hostname="localhost") as tls:
                self.assertEqual(tls.version(), "TLSv1.1")
        plain = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=5)
        with self.assertRaises((http.client.HTTPException, ConnectionError)):
            plain.request("GET", "/_emulator/stats")
            plain.getresponse()
        plain.close()


if __name__ == "__main__":
    unittest.main()
