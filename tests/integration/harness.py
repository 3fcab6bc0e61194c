"""Shared pieces of the end-to-end tests: start an emulator, run the built
verifysdk against it, build small apps. Standard library only."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import urllib.request
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "emulator"))
import emulator_process  # noqa: E402
TOOL = os.environ.get("VERIFYSDK_EXECUTABLE", str(HERE.parents[1] / "build" / "dev" / "verifysdk"))
CERTS = Path(os.environ.get("VERIFYSDK_TEST_CERTS", HERE.parents[1] / "build" / "test-certs"))

KEY_ID = "testid"
SECRET = "testsecret"


class Emulator:
    """One emulator process on a free loopback port, stopped by stop()."""

    def __init__(self, workdir, *args, tls=False, credentials=None):
        self.workdir = Path(workdir)
        self.serve_dir = self.workdir / "serve"
        self.serve_dir.mkdir(parents=True, exist_ok=True)
        command = ["--serve-dir", self.serve_dir, "--log-file", self.workdir / "emulator.log"]
        for entry in credentials or [f"{KEY_ID}:{SECRET}"]:
            command += ["--credentials", entry]
        self.scheme = "http"
        if tls:
            self.scheme = "https"
            command += ["--tls-cert", CERTS / "server.pem", "--tls-key", CERTS / "server.key",
                        "--app-ca-file", CERTS / "ca.pem"]
        command += list(args)
        self.process, self.port = emulator_process.start(
            command, self.workdir / "emulator.port", self.workdir / "emulator.stderr")
        host = "localhost" if tls else "127.0.0.1"
        self.endpoint = f"{self.scheme}://{host}:{self.port}"

    def file_url(self, name):
        return f"http://127.0.0.1:{self.port}/files/{name}" if self.scheme == "http" else \
            f"{self.endpoint}/files/{name}"

    def _admin(self, path):
        if self.scheme == "https":
            import ssl
            context = ssl.create_default_context(cafile=str(CERTS / "ca.pem"))
            return json.load(urllib.request.urlopen(self.endpoint + path, context=context, timeout=10))
        return json.load(urllib.request.urlopen(self.endpoint + path, timeout=10))

    def stats(self):
        return self._admin("/_emulator/stats")

    def log(self):
        return self._admin("/_emulator/log")

    def stop(self):
        emulator_process.stop(self.process)


def make_apk(path, marker="1"):
    """A minimal APK: a zip with AndroidManifest.xml and a classes file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as apk:
        apk.writestr(zipfile.ZipInfo("AndroidManifest.xml", (2020, 1, 1, 0, 0, 0)),
                     "<manifest package='com.example.app'/>")
        apk.writestr(zipfile.ZipInfo("classes.dex", (2020, 1, 1, 0, 0, 0)), "dex\n" + marker)
    return path


def make_ipa(path):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as ipa:
        ipa.writestr("Payload/Example.app/Info.plist", "<plist/>")
        ipa.writestr("Payload/Example.app/Example", "binary")
    return path


class ToolTestCase(unittest.TestCase):
    """Each test gets a temporary folder, emulators it starts are stopped after it."""

    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="verifysdk-it-"))
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("ALIBABA_CLOUD_", "ALICLOUD_"))}
        self.env.update({"ALIBABA_CLOUD_ACCESS_KEY_ID": KEY_ID,
                         "ALIBABA_CLOUD_ACCESS_KEY_SECRET": SECRET,
                         "HOME": str(self.tmp / "home")})

    def start_emulator(self, *args, **kwargs):
        workdir = Path(tempfile.mkdtemp(prefix="emu-", dir=self.tmp))
        emulator = Emulator(workdir, *args, **kwargs)
        self.addCleanup(emulator.stop)
        return emulator

    def run_tool(self, *args, env=None, timeout=120, input=None):
        result = subprocess.run([TOOL, *map(str, args)], env=env or self.env, capture_output=True,
                                text=True, timeout=timeout, input=input)
        return result

    def assertExit(self, result, code, *fragments):
        message = f"exit {result.returncode}\nstdout: {result.stdout}\nstderr: {result.stderr}"
        self.assertEqual(result.returncode, code, message)
        for fragment in fragments:
            self.assertIn(fragment, result.stdout + result.stderr, message)

    def api(self, emulator, *args):
        """Common options for talking to this emulator."""
        extra = ["--ca-file", CERTS / "ca.pem"] if emulator.scheme == "https" else []
        return ["--endpoint", emulator.endpoint, *extra, *args]
