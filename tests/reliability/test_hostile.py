"""Suite 4, hostile input: a table of malicious or broken answers, each with
the exit code and message `verifysdk fetch` must end with.

The answers come from a scripted server (hostile_server.py), which can say
anything: broken JSON, XML and HTML bodies, oversized and endless bodies,
TaskIds and SdkUrls with control characters, other schemes or loopback
ports the user did not configure, redirects to other schemes, and archives
built byte by byte (archives.py): absolute paths, "..", escaping links,
device entries, bombs, duplicates, names with NUL or invalid UTF-8, a
tar.gz cut mid-entry. A second table edits an installed manifest (and the
SDK folder) by hand and runs `verify` and `fetch`.

For every row: the exit code and the message fragments; no raw control
character in the output; the SDK installed before (a marker file) is
untouched when the answer is refused; and nothing outside --dest and
<parent>/.verifysdk/ was written: the whole test folder (project, home,
siblings) is listed before and after, and absolute targets the archives
aim at (/tmp/<token>...) must not exist.

Rows the tool does not handle yet carry `known_bug`: the suite counts them
and stays green, and fails as soon as such a row passes (remove the mark
then). VERIFYSDK_STRICT=1 makes known bugs fail the suite."""

import concurrent.futures
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import unittest
import uuid
from pathlib import Path

from archives import (S_IFBLK, S_IFCHR, S_IFIFO, S_IFLNK, S_IFSOCK, UTF8_FLAG, ZipEntry, good_sdk_entries,
                      tar_bytes, tar_member, zip_bytes)
from common import CERTS, TOOL, ToolTestCase, judge, snapshot, state_dir
from hostile_server import DROP, ENDLESS, TASK_ID, Answer, ScriptedServer, json_answer, redirect

TOKEN = "verifysdk-hostile-" + uuid.uuid4().hex[:12]   # absolute targets: /tmp/<TOKEN>...
APP_URL = "https://apps.example.com/release/app-release.apk"  # passed on, never fetched by the tool
PARALLEL = 10
UP = "../" * 16  # more ".." than any test folder is deep

# Known tool bugs (see the report in docs/reliability.md). Keys are row names.
_LOOPBACK = "DescribeVerifySDK: SdkUrl at another loopback port, "
KNOWN_BUGS = {
}


class Row:
    def __init__(self, name, expect, fragments=(), create=None, describe=None, routes=None, sdk=None,
                 options=(), other=None, forbid=(), tls=False, retries=1, allow_install=None):
        self.name = name
        self.expect = expect            # exit code
        self.fragments = fragments      # each a string, or a tuple: any of them
        self.create, self.describe, self.routes, self.sdk = create, describe, routes, sdk
        self.options = list(options)
        self.other = other              # a second server: a loopback port the user did not configure
        self.forbid = forbid            # strings that must not appear in the output
        self.tls = tls
        self.retries = retries
        self.allow_install = allow_install  # dest -> bool: an install (exit 0) that is acceptable too


def sdk_url_row(name, url_of, expect=4, fragments=("cannot be used",), **kwargs):
    """DescribeVerifySDK answers SdkUrl = url_of(server, other)."""
    return Row(name, expect, fragments,
               describe=lambda s: json_answer({"RequestId": "R", "SdkUrl": url_of(s, s.other)}),
               other=True, **kwargs)


def good_zip():
    return zip_bytes(good_sdk_entries())


def big_random_tgz():
    data = tar_bytes([tar_member("libs/a.bin", os.urandom(256 << 10)),
                      tar_member("libs/b.bin", os.urandom(256 << 10))])
    return data


def api_rows():
    task = TASK_ID
    rows = []
    bodies = [
        ("JSON cut in half", '{"RequestId": "R", "TaskId": "0123456', 5, ("not a JSON or XML document",)),
        ("JSON array", '["TaskId", "%s"]' % task, 5, ("not a JSON or XML document",)),
        ("JSON string", '"%s"' % task, 5, ("not a JSON or XML document",)),
        ("JSON with trailing garbage", '{"TaskId": "%s"} <html>' % task, 5, ("not a JSON or XML document",)),
        ("JSON TaskId null", '{"RequestId": "R", "TaskId": null}', 4, ("without a TaskId",)),
        ("JSON TaskId object", '{"RequestId": "R", "TaskId": {"Id": "%s"}}' % task, 4, ("without a TaskId",)),
        ("JSON nested 300000 deep", '{"a": ' + "[" * 300000 + "]" * 300000 + "}", 4, ("without a TaskId",)),
        ("JSON duplicate TaskId, the last hostile", '{"TaskId": "%s", "TaskId": "../../evil"}' % task, 4,
         ("unexpected characters",)),
        ("XML cut in half", "<?xml version='1.0'?><CreateVerifySDKResponse><RequestId>R</Req", 5,
         ("not a JSON or XML document",)),
        ("XML external entity", '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
         "<CreateVerifySDKResponse><TaskId>&x;</TaskId></CreateVerifySDKResponse>", 4, ("unexpected characters",)),
        ("XML billion laughs", '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
         + "".join('<!ENTITY %s "%s">' % (chr(98 + i), ("&%s;" % chr(97 + i)) * 10) for i in range(9))
         + "]><CreateVerifySDKResponse><TaskId>&j;</TaskId></CreateVerifySDKResponse>", 4,
         ("unexpected characters",)),
        ("XML nested 120000 deep", "<r>" + "<a>" * 120000 + "</a>" * 120000 + "</r>", 4, ("without a TaskId",)),
        ("HTML page", "<html><body>502 Bad Gateway</body></html>", 5, ("not a JSON or XML document",)),
        ("HTML with doctype", "<!DOCTYPE html>\n<html><head><title>Login</title></head></html>", 5,
         ("not a JSON or XML document",)),
        ("empty body", "", 5, ("empty body",)),
        ("whitespace body", " \r\n\t ", 5, ("empty body",)),
        ("binary body", bytes(range(256)) * 4, 5, ("not a JSON or XML document",)),
        ("2 MiB body", '{"Message": "' + "x" * (2 << 20) + '"}', 5, ("larger than 1024 KiB",)),
    ]
    for label, body, code, fragments in bodies:
        content_type = "text/html" if "HTML" in label else "application/json"
        rows.append(Row(f"CreateVerifySDK: {label}", code, fragments,
                        create=Answer(200, body, content_type=content_type),
                        forbid=("root:",)))
    rows += [
        Row("CreateVerifySDK: endless body, no Content-Length", 5, ("larger than 1024 KiB",), create=ENDLESS),
        Row("CreateVerifySDK: 200 KiB header", 5, ("network failure",),
            create=Answer(200, '{"TaskId": "%s"}' % task, [("X-Junk", "j" * (200 << 10))])),
        Row("CreateVerifySDK: connection dropped", 5, ("network failure", "after 2 attempts"), create=DROP),
        Row("CreateVerifySDK: HTML 403", 4, ("HTTP 403",),
            create=Answer(403, "<html><body>Forbidden</body></html>", content_type="text/html")),
        Row("CreateVerifySDK: HTML 500", 5, ("not a JSON or XML document", "after 2 attempts"),
            create=Answer(500, "<html><body>oops</body></html>", content_type="text/html")),
    ]
    task_ids = [
        ("TaskId with ESC and colours", task[:8] + "\u001b[31mred\u001b[0m"),
        ("TaskId with a newline", task[:8] + "\nverifysdk: everything is fine"),
        ("TaskId with NUL", task[:8] + "\u0000" + task[8:]),
        ("TaskId with a path", "../../../etc/passwd"),
        ("TaskId with spaces and quotes", "a\" b' c"),
        ("TaskId of 10000 characters", "a" * 10000),
        ("TaskId with a C1 control (U+009B)", task[:8] + "\u009b31m"),
    ]
    for label, value in task_ids:
        rows.append(Row(f"CreateVerifySDK: {label}", 4, ("unexpected characters",),
                        create=json_answer({"RequestId": "R", "TaskId": value}),
                        forbid=("\nverifysdk: everything is fine",)))
    describe_bodies = [
        ("JSON without SdkUrl", json_answer({"RequestId": "R", "Status": "done"}), 4, ("without an SdkUrl",)),
        ("SdkUrl null", json_answer({"RequestId": "R", "SdkUrl": None}), 4, ("without an SdkUrl",)),
        ("Success false with a Code", json_answer({"RequestId": "R", "Success": False, "Code": "VerifySDK.Evil",
                                                   "Message": "no"}), 4, ("VerifySDK.Evil",)),
        ("HTML page", Answer(200, "<html><body>Login</body></html>", content_type="text/html"), 5,
         ("not a JSON or XML document",)),
        ("XML cut in half", Answer(200, "<DescribeVerifySDKResponse><SdkUrl>http", content_type="text/xml"), 5,
         ("not a JSON or XML document",)),
    ]
    for label, answer, code, fragments in describe_bodies:
        rows.append(Row(f"DescribeVerifySDK: {label}", code, fragments, describe=answer))
    urls = [
        ("SdkUrl with ESC", lambda s, o: s.sdk_url + "\u001b[2J"),
        ("SdkUrl with CR LF header injection", lambda s, o: s.sdk_url + "\r\nX-Injected: 1"),
        ("SdkUrl with a space", lambda s, o: s.base + "/sdk/a b.zip"),
        ("SdkUrl of 9000 characters", lambda s, o: s.sdk_url + "?" + "a" * 9000),
        ("SdkUrl file:///etc/passwd", lambda s, o: "file:///etc/passwd"),
        ("SdkUrl ftp://", lambda s, o: f"ftp://127.0.0.1:{o.port}/sdk.zip"),
        ("SdkUrl gopher://", lambda s, o: f"gopher://127.0.0.1:{o.port}/_GET"),
        ("SdkUrl dict://", lambda s, o: f"dict://127.0.0.1:{o.port}/x"),
        ("SdkUrl data:", lambda s, o: "data:application/zip;base64,UEsFBg=="),
        ("SdkUrl without a scheme", lambda s, o: f"127.0.0.1:{o.port}/sdk.zip"),
    ]
    for label, url_of in urls:
        rows.append(sdk_url_row(f"DescribeVerifySDK: {label}", url_of, forbid=("root:",)))
    # A loopback port the user did not configure (another local service), in every spelling.
    loopback = [
        ("127.0.0.1", lambda s, o: f"http://127.0.0.1:{o.port}/sdk/{TASK_ID}.zip"),
        ("localhost", lambda s, o: f"http://localhost:{o.port}/sdk/{TASK_ID}.zip"),
        ("127.0.0.2", lambda s, o: f"http://127.0.0.2:{o.port}/sdk/{TASK_ID}.zip"),
        ("[::1]", lambda s, o: f"http://[::1]:{o.port}/sdk/{TASK_ID}.zip"),
        ("0.0.0.0", lambda s, o: f"http://0.0.0.0:{o.port}/sdk/{TASK_ID}.zip"),
        ("127.1", lambda s, o: f"http://127.1:{o.port}/sdk/{TASK_ID}.zip"),
        ("2130706433 (decimal)", lambda s, o: f"http://2130706433:{o.port}/sdk/{TASK_ID}.zip"),
        ("0x7f000001 (hex)", lambda s, o: f"http://0x7f000001:{o.port}/sdk/{TASK_ID}.zip"),
        ("[::ffff:127.0.0.1]", lambda s, o: f"http://[::ffff:127.0.0.1]:{o.port}/sdk/{TASK_ID}.zip"),
        ("LOCALHOST", lambda s, o: f"http://LOCALHOST:{o.port}/sdk/{TASK_ID}.zip"),
        ("user@127.0.0.1", lambda s, o: f"http://cdn.example.com@127.0.0.1:{o.port}/sdk/{TASK_ID}.zip"),
        ("no port (80)", lambda s, o: f"http://127.0.0.1/sdk/{TASK_ID}.zip"),
    ]
    for label, url_of in loopback:
        rows.append(sdk_url_row(f"DescribeVerifySDK: SdkUrl at another loopback port, {label}", url_of))
    rows += [
        Row("download: redirect to file://", 5, ("cannot use the address",),
            routes={f"/sdk/{task}.zip": redirect("file:///etc/passwd")}, forbid=("root:",)),
        Row("download: redirect to ftp://", 5, ("cannot use the address",),
            routes={f"/sdk/{task}.zip": redirect("ftp://127.0.0.1:1/sdk.zip")}),
        Row("download: redirect to another loopback port", 4, ("loopback",), other=True,
            routes={f"/sdk/{task}.zip": lambda s: redirect(f"http://127.0.0.1:{s.other.port}/sdk/{TASK_ID}.zip")}),
        Row("download: https redirect to http", 5, ("cannot use the address",), tls=True, other=True,
            routes={f"/sdk/{task}.zip": lambda s: redirect(f"http://127.0.0.1:{s.other.port}/sdk/{TASK_ID}.zip")}),
        Row("download: redirect loop", 5, ("redirect",),
            routes={f"/sdk/{task}.zip": lambda s: redirect(s.sdk_url)}),
        Row("download: 200 text/html error page", 7, ("not an archive",),
            routes={f"/sdk/{task}.zip": Answer(200, "<html><body>502 Bad Gateway</body></html>",
                                               content_type="text/html")}),
        Row("download: Content-Length of 5 GiB", 7, ("larger than",),
            routes={f"/sdk/{task}.zip": Answer(200, b"PK", [("Content-Length", str(5 << 30))], close=True,
                                               content_type="application/zip")}),
        Row("download: 200 empty body", 7, ("empty",),
            routes={f"/sdk/{task}.zip": Answer(200, b"", content_type="application/zip")}),
        Row("download: half a zip, honest Content-Length", 7, ("corrupt or truncated",),
            sdk=good_zip()[:300]),
        Row("download: body shorter than Content-Length", 5, (("ended after", "bytes remaining"),),
            routes={f"/sdk/{task}.zip": Answer(200, good_zip()[:300], [("Content-Length", "999999")],
                                               content_type="application/zip", close=True)}),
        Row("download: 404 every time", 4, ("keeps being refused",),
            routes={f"/sdk/{task}.zip": Answer(404, "<Error><Code>NoSuchKey</Code></Error>",
                                               content_type="application/xml")}),
    ]
    return rows


def archive_rows():
    t = f"/tmp/{TOKEN}"
    rows = []

    def add(name, data, fragments, expect=7):
        rows.append(Row("archive: " + name, expect, fragments, sdk=data))

    good = good_sdk_entries()
    add("zip, absolute path", zip_bytes(good + [ZipEntry(f"{t}/evil.txt", "x")]), ("absolute path",))
    add("tar.gz, absolute path", tar_bytes([tar_member(f"{t}/evil.txt")]), ("absolute path",))
    add("zip, ../ to /tmp", zip_bytes(good + [ZipEntry(f"{UP}tmp/{TOKEN}.txt", "x")]), ('".." component',))
    add("zip, .. hidden in the middle", zip_bytes([ZipEntry("libs/./a/../../../evil.txt", "x")]),
        ('".." component',))
    add("tar.gz, ../", tar_bytes([tar_member(f"{UP}tmp/{TOKEN}.txt")]), ('".." component',))
    add("zip, symlink to an absolute path", zip_bytes(good + [ZipEntry("libs/etc", "/etc", mode=S_IFLNK | 0o777)]),
        ("absolute path",))
    add("zip, symlink escaping with ..", zip_bytes([ZipEntry("libs/up", "../../..", mode=S_IFLNK | 0o777)]),
        ("points outside the SDK folder",))
    add("zip, write through a symlink", zip_bytes([ZipEntry("libs/in", "..", mode=S_IFLNK | 0o777),
                                                  ZipEntry("libs/in/evil.txt", "x")]),
        ("goes through the symlink",))
    add("tar.gz, symlink escaping", tar_bytes([tar_member("link", kind=tarfile.SYMTYPE, linkname=f"{UP}tmp")]),
        ("points outside the SDK folder",))
    add("tar.gz, symlink then a file through it",
        tar_bytes([tar_member("libs", kind=tarfile.SYMTYPE, linkname="."), tar_member("libs/x.aar")]),
        ("goes through the symlink",))
    add("tar.gz, hard link to /etc/passwd",
        tar_bytes([tar_member("a"), tar_member("b", kind=tarfile.LNKTYPE, linkname="/etc/passwd")]),
        ("hard link",))
    add("tar.gz, hard link inside", tar_bytes([tar_member("a"), tar_member("b", kind=tarfile.LNKTYPE,
                                                                         linkname="a")]), ("hard link",))
    add("tar.gz, character device", tar_bytes([tar_member("dev/null", kind=tarfile.CHRTYPE)]), ("is a device",))
    add("tar.gz, block device", tar_bytes([tar_member("dev/sda", kind=tarfile.BLKTYPE)]), ("is a device",))
    add("tar.gz, FIFO", tar_bytes([tar_member("fifo", kind=tarfile.FIFOTYPE)]), ("is a FIFO",))
    add("zip, character device", zip_bytes([ZipEntry("null", "", mode=S_IFCHR | 0o666)]), ("is a device",))
    add("zip, block device", zip_bytes([ZipEntry("sda", "", mode=S_IFBLK | 0o666)]), ("is a device",))
    add("zip, FIFO", zip_bytes([ZipEntry("fifo", "", mode=S_IFIFO | 0o666)]), ("is a FIFO",))
    add("zip, socket", zip_bytes([ZipEntry("sock", "", mode=S_IFSOCK | 0o666)]), ("is a socket",))
    zeros = b"\0" * (64 << 20)
    add("zip bomb, 64 MiB of zeros", zip_bytes([ZipEntry("libs/model.bin", zeros, deflate=True)]), ("zip bomb",))
    add("zip bomb, headers claim 100 bytes",
        zip_bytes([ZipEntry("libs/model.bin", zeros, deflate=True, declared_size=100)]),
        (("zip bomb", "corrupt or truncated"),))
    add("tar.gz bomb, 64 MiB of zeros", tar_bytes([tar_member("libs/model.bin", zeros)]), ("zip bomb",))
    add("zip, 10001 entries", zip_bytes([ZipEntry(f"f{i}", "") for i in range(10001)]), ("10000 entries",))
    add("zip, duplicate entry", zip_bytes(good + [ZipEntry("license.json", "{}")]), ("appears twice",))
    add("zip, duplicate via ./", zip_bytes([ZipEntry("a.txt", "1"), ZipEntry("./a.txt", "2")]), ("appears twice",))
    add("zip, duplicate via //", zip_bytes([ZipEntry("libs/a", "1"), ZipEntry("libs//a", "2")]), ("appears twice",))
    add("tar.gz, duplicate entry", tar_bytes([tar_member("a"), tar_member("a")]), ("appears twice",))
    add("zip, file then folder of the same name", zip_bytes([ZipEntry("x", "1"), ZipEntry("x/y", "2")]),
        ('inside "x", which is a file',))
    add("zip, name with NUL", zip_bytes(good + [ZipEntry(b"libs/evil\0.aar", "x")]),
        (("control character", "NUL"),))
    add("zip, NUL hiding a ..", zip_bytes([ZipEntry(b"license.json\0/../../../evil", "x")]),
        (("control character", "NUL", '".." component'),))
    add("zip, name not UTF-8", zip_bytes(good + [ZipEntry(b"libs/\xff\xfe.aar", "x")]), ("not valid UTF-8",))
    add("zip, name not UTF-8, UTF-8 flag set", zip_bytes([ZipEntry(b"libs/\xff.aar", "x", flags=UTF8_FLAG)]),
        ("not valid UTF-8",))
    add("zip, overlong UTF-8 for ..", zip_bytes([ZipEntry(b"\xc0\xae\xc0\xae/evil.txt", "x", flags=UTF8_FLAG)]),
        ("not valid UTF-8",))
    add("zip, name with ESC", zip_bytes([ZipEntry("libs/\x1b[31mevil.aar", "x")]), ("control character",))
    add("zip, empty name", zip_bytes([ZipEntry(b"", "x")]), (("empty name", "corrupt or truncated"),))
    add("tar.gz, name not UTF-8", tar_bytes([tar_member("libs/\udcff.aar")]), ("not valid UTF-8",))
    add("tar.gz, pax name with NUL", tar_bytes([tar_member("libs/ok.aar", pax={"path": "libs/evil\0.aar"})],
                                               fmt=tarfile.PAX_FORMAT), (("control character", "NUL"),))
    cut = big_random_tgz()
    add("tar.gz cut mid-entry", cut[: len(cut) * 3 // 4], ("corrupt or truncated",))
    plain = tar_bytes([tar_member("libs/a.bin", os.urandom(64 << 10)), tar_member("libs/b.bin", os.urandom(64 << 10))],
                      compress=False)
    add("tar cut mid-entry", plain[: 512 * 3 + (64 << 10) + 700], ("corrupt or truncated",))
    whole = good_zip()
    add("zip without its central directory", whole[: len(whole) - 60], ("corrupt or truncated",))
    return rows


class Hostile(ToolTestCase):

    def run_row(self, numbered):
        try:
            return self.run_row_checked(*numbered)
        except Exception as error:  # noqa: BLE001 - one broken row must not hide the others
            return {"name": numbered[1].name, "exit": None, "expected": numbered[1].expect, "seconds": 0,
                    "problems": [f"the row itself failed: {error!r}"], "message": ""}

    def run_row_checked(self, number, row):
        folder = self.tmp / f"{number:03d}-{re.sub(r'[^A-Za-z0-9]+', '-', row.name)[:60]}"
        project = folder / "project"
        dest = project / "third_party" / "sdk"
        dest.mkdir(parents=True)
        (dest / "kept.txt").write_text("the SDK installed before")
        (project / "app" / "build").mkdir(parents=True)
        (project / "app" / "build" / "app.apk").write_text("built app")
        env = dict(self.env, HOME=str(folder / "home"))
        (folder / "home").mkdir()
        servers = []
        try:
            other = None
            if row.other:
                other = ScriptedServer(sdk=good_zip())
                servers.append(other)
            tls = (str(CERTS / "server.pem"), str(CERTS / "server.key")) if row.tls else None
            server = ScriptedServer(create=row.create, describe=row.describe, routes=row.routes,
                                    sdk=row.sdk if row.sdk is not None else good_zip(), tls=tls)
            server.other = other
            servers.append(server)
            options = ["--ca-file", str(CERTS / "ca.pem")] if row.tls else []
            skip = ["project/third_party/sdk", "project/third_party/.verifysdk"]
            before = snapshot(folder, skip=skip)
            started = time.monotonic()
            result = subprocess.run(
                [TOOL, "fetch", "--app-url", APP_URL, "--dest", str(dest), "--endpoint", server.base,
                 "--retries", str(row.retries), "--request-timeout", "20", "--wait-timeout", "30",
                 *options, *row.options],
                env=env, capture_output=True, timeout=180)
            seconds = time.monotonic() - started
            after = snapshot(folder, skip=skip)
            other_requests = other.requests() if other else 0
        finally:
            for server in servers:
                server.stop()
        out = result.stdout.decode("utf-8", "replace")
        err = result.stderr.decode("utf-8", "replace")
        problems = []
        if result.returncode == 0 and row.allow_install and row.allow_install(dest):
            pass
        elif result.returncode != row.expect:
            problems.append(f"exit {result.returncode}, expected {row.expect}")
        for fragment in row.fragments if result.returncode != 0 or not row.allow_install else ():
            options_ = fragment if isinstance(fragment, tuple) else (fragment,)
            if not any(f in err for f in options_):
                problems.append(f"message lacks {' or '.join(map(repr, options_))}")
        raw = [c for c in (result.stdout + result.stderr).decode("utf-8", "replace") if
               (ord(c) < 0x20 and c not in "\n\t") or 0x7f <= ord(c) < 0xa0]
        if raw:
            problems.append(f"raw control characters in the output: {sorted(set(map(repr, raw)))}")
        for text in row.forbid:
            if text in err or text in out:
                problems.append(f"output contains {text!r}")
        if row.other and other_requests:
            problems.append(f"the tool sent {other_requests} request(s) to the unconfigured loopback port")
        if result.returncode != 0 and sorted(p.name for p in dest.iterdir()) != ["kept.txt"]:
            problems.append(f"refused, yet --dest changed: {sorted(p.name for p in dest.iterdir())}")
        changed = sorted(set(before.items()) ^ set(after.items()))
        if changed:
            problems.append(f"written outside --dest and .verifysdk/: {sorted({c[0] for c in changed})}")
        state = state_dir(dest)
        if state.exists():
            stray = sorted({p.name for p in state.iterdir()} - {"lock", "app-digest.json", "state.json",
                                                                  "download.part", "download.json"})
            if stray:
                problems.append(f"left in the state folder: {stray}")
        error_line = next((line for line in err.splitlines() if line.startswith("verifysdk: error: ")), "")
        return {"name": row.name, "exit": result.returncode, "expected": row.expect, "problems": problems,
                "message": error_line[:300], "seconds": round(seconds, 1)}

    def canaries(self):
        return sorted(str(p) for p in Path("/tmp").glob(TOKEN + "*"))

    def test_hostile_answers(self):
        rows = api_rows() + archive_rows()
        names = [row.name for row in rows]
        self.assertEqual(len(names), len(set(names)), "row names are unique")
        self.assertLessEqual(set(KNOWN_BUGS), set(names))
        started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(PARALLEL) as pool:
            results = list(pool.map(self.run_row, enumerate(rows)))
        results += self.manifest_results()
        elapsed = time.monotonic() - started
        canaries = self.canaries()
        print(f"\nhostile: {len(results)} hostile inputs in {elapsed:.0f} s", file=sys.stderr)
        self.assertEqual(canaries, [], "files created at the absolute targets of the archives")
        judge(self, "hostile", results, KNOWN_BUGS,
              {"inputs": len(results), "seconds": round(elapsed, 1),
               "rows": [{k: r[k] for k in ("name", "exit", "expected", "message")} for r in results]},
              lambda r: f"exit {r['exit']} (want {r['expected']}) {r['seconds']:>5} s  {r['name']}")

    # -- manifests edited by hand ------------------------------------------
    def manifest_results(self):
        cases = manifest_cases()
        with concurrent.futures.ThreadPoolExecutor(PARALLEL) as pool:
            return list(pool.map(self.run_manifest_case, cases))

    def run_manifest_case(self, case):
        name, edit, verify_fragments = case
        folder = self.tmp / ("manifest-" + re.sub(r"[^A-Za-z0-9]+", "-", name)[:60])
        project = folder / "project"
        dest = project / "third_party" / "sdk"
        outside = project / "outside"
        outside.mkdir(parents=True)
        (outside / "secret.txt").write_text("outside the SDK\n")
        (outside / "license.json").write_text('{"not": "the sdk"}\n')
        server = ScriptedServer(sdk=good_zip())
        problems = []
        try:
            command = [TOOL, "fetch", "--app-url", APP_URL, "--dest", str(dest), "--endpoint", server.base,
                       "--retries", "1"]
            first = subprocess.run(command, env=self.env, capture_output=True, text=True, timeout=120)
            if first.returncode != 0:
                return {"name": "manifest: " + name, "exit": first.returncode, "expected": 7,
                        "problems": [f"first install failed: {first.stderr}"], "message": "", "seconds": 0}
            manifest_file = dest / "verifysdk.lock.json"
            edit(dest, manifest_file, outside)
            skip = ["project/third_party/sdk", "project/third_party/.verifysdk"]
            before = snapshot(folder, skip=skip)
            verify = subprocess.run([TOOL, "verify", "--dest", str(dest)], env=self.env, capture_output=True,
                                    text=True, timeout=60)
            if verify.returncode != 7:
                problems.append(f"verify: exit {verify.returncode}, expected 7")
            for fragment in verify_fragments:
                if fragment not in verify.stdout + verify.stderr:
                    problems.append(f"verify: message lacks {fragment!r}")
            again = subprocess.run(command, env=self.env, capture_output=True, text=True, timeout=120)
            if again.returncode != 0:
                problems.append(f"fetch after the edit: exit {again.returncode}: {again.stderr}")
            changed = sorted(set(before.items()) ^ set(snapshot(folder, skip=skip).items()))
            if changed:
                problems.append(f"written outside --dest and .verifysdk/: {sorted({c[0] for c in changed})}")
            if (outside / "secret.txt").read_text() != "outside the SDK\n":
                problems.append("a file outside the SDK was changed")
        finally:
            server.stop()
        message = next((line for line in (verify.stdout + verify.stderr).splitlines()
                        if "error" in line), verify.stdout.strip().splitlines()[0] if verify.stdout.strip() else "")
        return {"name": "manifest: " + name, "exit": verify.returncode, "expected": 7, "problems": problems,
                "message": message[:300], "seconds": 0}


def sha256_text(text):
    return hashlib.sha256(text.encode()).hexdigest()


def edit_json(change):
    def edit(dest, manifest_file, outside):
        manifest = json.loads(manifest_file.read_text())
        change(manifest, outside)
        manifest_file.write_text(json.dumps(manifest, indent=2))
    return edit


def manifest_cases():
    def add_file(path_of):
        def change(manifest, outside):
            manifest["files"].append({"path": path_of(outside), "size": 16, "sha256": sha256_text("outside the SDK\n")})
        return change

    def first_file(field, value):
        def change(manifest, outside):
            manifest["files"][0][field] = value
        return change

    def set_field(field, value):
        def change(manifest, outside):
            manifest[field] = value
        return change

    def replace_libs_with_link(dest, manifest_file, outside):
        shutil.rmtree(dest / "libs")
        (dest / "libs").symlink_to(outside)

    def not_json(dest, manifest_file, outside):
        manifest_file.write_text('{"format_version": 1, "files": [')

    def empty_file_list(manifest, outside):
        manifest["files"] = []

    return [
        ("a file entry ../../outside/secret.txt", edit_json(add_file(lambda o: "../../outside/secret.txt")),
         ("unsafe",)),
        ("a file entry with an absolute path", edit_json(add_file(lambda o: str(o / "secret.txt"))), ("unsafe",)),
        ("a file entry with NUL", edit_json(add_file(lambda o: "libs/x\u0000.aar")), ("unsafe",)),
        ("a file entry not in normal form", edit_json(add_file(lambda o: "libs/./x.aar")), ("normal form",)),
        ("a changed SHA-256", edit_json(first_file("sha256", "0" * 64)), ("changed:",)),
        ("a malformed SHA-256", edit_json(first_file("sha256", "zz")), ("sha256",)),
        ("a changed size", edit_json(first_file("size", 1)), ("changed:",)),
        ("the file list emptied", edit_json(empty_file_list), ("added:",)),
        ("format_version 99", edit_json(set_field("format_version", 99)), ("format_version",)),
        ("not JSON", not_json, ("verifysdk.lock.json",)),
        ("libs/ replaced by a symlink to a folder outside", replace_libs_with_link, ("libs",)),
    ]


if __name__ == "__main__":
    unittest.main()
