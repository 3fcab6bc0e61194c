"""verifysdk fetch / verify end to end: submit, wait, download, install, and
everything that can go wrong on the way."""

import json
import os
import signal
import subprocess
import time
import unittest
from pathlib import Path

from harness import TOOL, ToolTestCase, make_apk, make_ipa


class FetchCase(ToolTestCase):

    def setUp(self):
        super().setUp()
        self.project = self.tmp / "project"
        self.dest = self.project / "third_party" / "cloudauth-offline-sdk"
        self.state = self.project / "third_party" / ".verifysdk" / "cloudauth-offline-sdk"

    def fetch_args(self, emulator, app="app.apk", *extra):
        return ["fetch", "--app-url", emulator.file_url(app), "--app-file", emulator.serve_dir / app,
                "--dest", self.dest, *self.api(emulator), *extra]

    def fetch(self, emulator, *extra, app="app.apk", **kwargs):
        return self.run_tool(*self.fetch_args(emulator, app, *extra), **kwargs)

    def manifest(self):
        return json.loads((self.dest / "verifysdk.lock.json").read_text())

    def assertInstalled(self, platform="android"):
        manifest = self.manifest()
        self.assertEqual(manifest["platform"], platform)
        license_file = json.loads((self.dest / "license.json").read_text())
        self.assertEqual(license_file["task_id"], manifest["task_id"])
        self.assertEqual(license_file["app_sha256"], manifest["app_sha256"])
        self.assertExit(self.run_tool("verify", "--dest", self.dest), 0, "files match the manifest")
        return manifest

    def assertNoLeftovers(self):
        if self.state.exists():
            leftovers = sorted(p.name for p in self.state.iterdir()) if self.state.exists() else []
            self.assertEqual([n for n in leftovers if n not in ("lock", "app-digest.json")], [])


class Fetch(FetchCase):

    def test_android_happy_path_then_up_to_date(self):
        emulator = self.start_emulator("--generation-delay", "0.5")
        make_apk(emulator.serve_dir / "app.apk")
        self.assertExit(self.fetch(emulator), 0, "installed the SDK")
        manifest = self.assertInstalled("android")
        self.assertEqual(manifest["app_url"], emulator.file_url("app.apk"))
        self.assertNoLeftovers()
        self.assertEqual(oct(self.state.stat().st_mode & 0o777), "0o700")
        before = emulator.stats()

        again = self.fetch(emulator)
        self.assertExit(again, 0, "up to date")
        after = emulator.stats()
        self.assertEqual(before["actions"], after["actions"])
        self.assertEqual(before["downloads"], after["downloads"])

    def test_ios(self):
        emulator = self.start_emulator("--generation-delay", "0")
        make_ipa(emulator.serve_dir / "app.ipa")
        self.assertExit(self.fetch(emulator, app="app.ipa"), 0)
        self.assertInstalled("ios")

    def test_refresh_always_and_changed_app(self):
        emulator = self.start_emulator("--generation-delay", "0")
        make_apk(emulator.serve_dir / "app.apk")
        self.assertExit(self.fetch(emulator), 0)
        first = self.manifest()["task_id"]
        self.assertExit(self.fetch(emulator, "--refresh", "always"), 0, "installed")
        second = self.manifest()["task_id"]
        self.assertNotEqual(first, second)
        make_apk(emulator.serve_dir / "app.apk", marker="2")  # a new build of the app
        self.assertExit(self.fetch(emulator), 0, "installed")
        self.assertNotEqual(self.manifest()["task_id"], second)
        self.assertEqual(emulator.stats()["actions"]["CreateVerifySDK"], 3)
        self.assertExit(self.fetch(emulator, "--refresh", "never"), 0, "up to date")

    def test_presigned_query_string_is_never_stored(self):
        emulator = self.start_emulator("--generation-delay", "0")
        make_apk(emulator.serve_dir / "app.apk")
        url = emulator.file_url("app.apk") + "?Expires=1&Signature=very-secret-signature"
        result = self.run_tool("fetch", "--app-url", url, "--dest", self.dest, *self.api(emulator))
        self.assertExit(result, 0)
        self.assertNotIn("very-secret-signature", result.stdout + result.stderr)
        self.assertNotIn("very-secret-signature", (self.dest / "verifysdk.lock.json").read_text())

    def test_json_output(self):
        emulator = self.start_emulator("--generation-delay", "0")
        make_apk(emulator.serve_dir / "app.apk")
        result = self.fetch(emulator, "--json", "--quiet")
        self.assertExit(result, 0)
        self.assertEqual(result.stderr, "")
        answer = json.loads(result.stdout)
        self.assertEqual(answer["status"], "installed")
        self.assertEqual(answer["task_id"], self.manifest()["task_id"])
        self.assertEqual(json.loads(self.fetch(emulator, "--json").stdout)["status"], "up_to_date")


class Failures(FetchCase):

    def install_once(self, emulator):
        make_apk(emulator.serve_dir / "app.apk")
        self.assertExit(self.fetch(emulator), 0)
        return self.manifest()

    def test_generation_failure_names_the_task(self):
        emulator = self.start_emulator("--generation-delay", "0.2", "--fault", "CreateVerifySDK:fail-generation")
        make_apk(emulator.serve_dir / "app.apk")
        result = self.fetch(emulator)
        self.assertExit(result, 4, "SDK generation for task", "VerifySDK.GenerateFailed")
        self.assertFalse(self.dest.exists())
        self.assertNoLeftovers()

    def test_unreachable_app_fails_generation(self):
        emulator = self.start_emulator("--generation-delay", "0")
        result = self.run_tool("fetch", "--app-url", emulator.file_url("missing.apk"), "--dest", self.dest,
                               *self.api(emulator))
        self.assertExit(result, 4, "app unreachable")

    def test_on_error_warn_keeps_the_installed_sdk(self):
        emulator = self.start_emulator("--generation-delay", "0", "--fault", "CreateVerifySDK:fail-generation@2-")
        before = self.install_once(emulator)
        make_apk(emulator.serve_dir / "app.apk", marker="2")
        self.assertExit(self.fetch(emulator), 4)
        result = self.fetch(emulator, "--on-error", "warn")
        self.assertExit(result, 0, "warning: could not refresh the SDK", "keeping the SDK")
        self.assertEqual(self.manifest(), before)
        self.assertExit(self.run_tool("verify", "--dest", self.dest), 0)

    def test_offline(self):
        emulator = self.start_emulator("--generation-delay", "0")
        make_apk(emulator.serve_dir / "app.apk")
        self.assertExit(self.fetch(emulator, "--offline"), 7, "--offline")
        self.install_once(emulator)
        before = emulator.stats()
        make_apk(emulator.serve_dir / "app.apk", marker="2")
        self.assertExit(self.fetch(emulator, "--offline"), 0, "another app build")
        self.assertEqual(before["actions"], emulator.stats()["actions"])
        (self.dest / "license.json").write_text("edited")
        self.assertExit(self.fetch(emulator, "--offline"), 7, "does not match its manifest")

    def test_verify_reports_differences(self):
        emulator = self.start_emulator("--generation-delay", "0")
        self.install_once(emulator)
        (self.dest / "license.json").write_text("tampered")
        (self.dest / "extra.txt").write_text("new")
        (self.dest / "libs" / "cloudauth-security.aar").unlink()
        result = self.run_tool("verify", "--dest", self.dest)
        self.assertExit(result, 7, "changed: license.json", "added:   extra.txt",
                        "missing: libs/cloudauth-security.aar", "1 added, 1 missing, 1 changed")
        self.assertExit(self.run_tool("verify", "--dest", self.tmp / "nothing"), 7)

    def test_dest_that_cannot_be_created(self):
        emulator = self.start_emulator("--generation-delay", "0")
        make_apk(emulator.serve_dir / "app.apk")
        blocker = self.tmp / "blocker"
        blocker.write_text("a file where a folder should be")
        result = self.run_tool("fetch", "--app-url", emulator.file_url("app.apk"), "--dest",
                               blocker / "sdk", *self.api(emulator))
        self.assertExit(result, 8, str(blocker))
        self.assertEqual(emulator.stats()["actions"]["CreateVerifySDK"], 0)

    @unittest.skipUnless(os.geteuid() == 0 and Path("/usr/bin/setpriv").exists(), "needs root and setpriv")
    def test_read_only_dest_keeps_the_old_sdk(self):
        emulator = self.start_emulator("--generation-delay", "0")
        self.install_once(emulator)
        for path in [self.tmp, *self.tmp.rglob("*")]:
            path.chmod(path.stat().st_mode | 0o055)  # readable by the unprivileged user
        (self.project / "third_party").chmod(0o555)
        make_apk(emulator.serve_dir / "app.apk", marker="2")
        command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", TOOL,
                   *map(str, self.fetch_args(emulator))]
        result = subprocess.run(command, env=self.env, capture_output=True, text=True, timeout=60)
        (self.project / "third_party").chmod(0o755)
        self.assertExit(result, 8)
        self.assertExit(self.run_tool("verify", "--dest", self.dest), 0)


class Download(FetchCase):

    def test_download_cut_midway_resumes_with_range(self):
        emulator = self.start_emulator("--generation-delay", "0", "--sdk-size", str(4 << 20),
                                       "--fault", "download:truncate=1000000@1")
        make_apk(emulator.serve_dir / "app.apk")
        self.assertExit(self.fetch(emulator), 0, "resuming the SDK download")
        self.assertEqual(emulator.stats()["downloads"]["range_requests"], 1)
        self.assertInstalled()

    def test_expired_address_is_refreshed(self):
        emulator = self.start_emulator("--generation-delay", "0", "--fault", "download:expire@1")
        make_apk(emulator.serve_dir / "app.apk")
        self.assertExit(self.fetch(emulator), 0, "has expired")
        stats = emulator.stats()
        self.assertEqual(stats["downloads"]["expired"], 1)
        self.assertGreaterEqual(stats["actions"]["DescribeVerifySDK"], 2)
        self.assertInstalled()

    def test_server_errors_during_download_are_retried(self):
        emulator = self.start_emulator("--generation-delay", "0",
                                       "--fault", "download:error=503/ServiceUnavailable@1",
                                       "--fault", "download:drop@2")
        make_apk(emulator.serve_dir / "app.apk")
        self.assertExit(self.fetch(emulator), 0)
        self.assertInstalled()


class Interruptions(FetchCase):

    def start_fetch(self, emulator, *extra):
        return subprocess.Popen([TOOL, *map(str, self.fetch_args(emulator, "app.apk", *extra))], env=self.env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def wait_for(self, condition, timeout=30):
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                self.fail("condition not reached")
            time.sleep(0.05)

    def test_kill_during_polling_resumes_the_same_task(self):
        emulator = self.start_emulator("--generation-delay", "3")
        make_apk(emulator.serve_dir / "app.apk")
        process = self.start_fetch(emulator)
        self.wait_for(lambda: (self.state / "state.json").exists())
        process.kill()
        process.communicate()
        result = self.fetch(emulator)
        self.assertExit(result, 0, "resuming generation task")
        self.assertEqual(emulator.stats()["actions"]["CreateVerifySDK"], 1)
        self.assertInstalled()
        self.assertNoLeftovers()

    def test_kill_during_download_resumes_with_range(self):
        emulator = self.start_emulator("--generation-delay", "0", "--sdk-size", str(8 << 20),
                                       "--download-rate", str(4 << 20))
        make_apk(emulator.serve_dir / "app.apk")
        process = self.start_fetch(emulator)
        part = self.state / "download.part"
        self.wait_for(lambda: part.exists() and part.stat().st_size > (1 << 20))
        process.kill()
        process.communicate()
        self.assertExit(self.fetch(emulator), 0, "resuming the SDK download")
        stats = emulator.stats()
        self.assertEqual(stats["actions"]["CreateVerifySDK"], 1)
        self.assertEqual(stats["downloads"]["range_requests"], 1)
        self.assertInstalled()

    def test_ctrl_c_exits_130_and_leaves_no_partial_files(self):
        emulator = self.start_emulator("--generation-delay", "0", "--sdk-size", str(8 << 20),
                                       "--download-rate", str(2 << 20))
        make_apk(emulator.serve_dir / "app.apk")
        process = self.start_fetch(emulator)
        part = self.state / "download.part"
        self.wait_for(lambda: part.exists() and part.stat().st_size > 0)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
        self.assertEqual(process.returncode, 130, stderr)
        self.assertIn("interrupted", stderr)
        self.assertFalse(part.exists())
        self.assertFalse((self.state / "staging").exists())
        self.assertFalse(self.dest.exists())

    def test_wait_timeout_keeps_the_task_for_later(self):
        emulator = self.start_emulator("--generation-delay", "4")
        make_apk(emulator.serve_dir / "app.apk")
        result = self.fetch(emulator, "--wait-timeout", "1")
        self.assertExit(result, 6, "gave up waiting", "still generating")
        self.assertTrue((self.state / "state.json").exists())
        time.sleep(3)
        self.assertExit(self.fetch(emulator), 0, "resuming generation task")
        self.assertEqual(emulator.stats()["actions"]["CreateVerifySDK"], 1)

    def test_concurrent_fetches_share_one_generation(self):
        emulator = self.start_emulator("--generation-delay", "1")
        make_apk(emulator.serve_dir / "app.apk")
        processes = [self.start_fetch(emulator) for _ in range(2)]
        outputs = [p.communicate(timeout=120) for p in processes]
        for process, (_, stderr) in zip(processes, outputs):
            self.assertEqual(process.returncode, 0, stderr)
        stats = emulator.stats()
        self.assertEqual(stats["actions"]["CreateVerifySDK"], 1)
        self.assertEqual(stats["downloads"]["completed"], 1)
        self.assertTrue(any("up to date" in stderr for _, stderr in outputs))
        self.assertInstalled()


if __name__ == "__main__":
    unittest.main()
