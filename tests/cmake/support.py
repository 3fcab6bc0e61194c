"""Helpers shared by the CMake integration tests: command-line settings, a
clean environment for the builds under test, the emulator of the service, and
running CMake.

Every test script takes the same options (see `parse_settings`); CTest passes
them from tests/cmake/CMakeLists.txt. Whatever a script does not recognise is
handed to unittest, so `-k name` and `-v` work.
"""

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "emulator"))
import emulator_process  # noqa: E402

SKIPPED = 77  # exit code that CTest is told means "skipped" (SKIP_RETURN_CODE)

TEST_KEY_ID = "testid"
TEST_KEY_SECRET = "testsecret"


class Settings:
    tool = None         # the verifysdk executable under test
    source_dir = None   # the verifysdk repository
    work_dir = None     # a folder this test may fill; emptied first
    generator = None    # CMake generator for the project under test
    keep = False        # keep work_dir afterwards, for a look
    extra = None        # the options a script added (see run_tests)


SETTINGS = Settings()


def parse_settings(description, add_arguments=None):
    parser = argparse.ArgumentParser(description=description,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tool", required=True)
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--work-dir", required=True)
    parser.add_argument("--generator", default="Ninja")
    parser.add_argument("--keep", action="store_true",
                        help="keep the work folder afterwards")
    if add_arguments:
        add_arguments(parser)
    args, rest = parser.parse_known_args()
    SETTINGS.extra = args
    SETTINGS.tool = os.path.abspath(args.tool)
    SETTINGS.source_dir = os.path.abspath(args.source_dir)
    SETTINGS.work_dir = os.path.abspath(args.work_dir)
    SETTINGS.generator = args.generator
    SETTINGS.keep = args.keep or os.environ.get("VERIFYSDK_TEST_KEEP") == "1"
    return [sys.argv[0]] + rest


def run_tests(description, add_arguments=None, choose_tests=None):
    """Parse the settings (add_arguments(parser) may add a script's own
    options), prepare work_dir, run this module's tests (or the test names
    that choose_tests() returns once the settings are known)."""
    argv = parse_settings(description, add_arguments)
    missing = generator_missing(SETTINGS.generator)
    if missing:
        print("SKIPPED: %s" % missing)
        return SKIPPED
    shutil.rmtree(SETTINGS.work_dir, ignore_errors=True)
    os.makedirs(SETTINGS.work_dir)
    program = unittest.main(module="__main__", argv=argv, exit=False, verbosity=2,
                            defaultTest=choose_tests() if choose_tests else None)
    ok = program.result.wasSuccessful()
    if ok and not SETTINGS.keep:
        shutil.rmtree(SETTINGS.work_dir, ignore_errors=True)
    elif not ok:
        print("work folder kept for a look: %s" % SETTINGS.work_dir)
    return 0 if ok else 1


def generator_missing(generator):
    if generator.startswith("Ninja") and not shutil.which("ninja"):
        return "the %s generator needs ninja, which is not installed" % generator
    if generator == "Unix Makefiles" and not shutil.which("make"):
        return "the Unix Makefiles generator needs make, which is not installed"
    return None


def build_env(path_without_tool=False, **extra):
    """The environment of a configure or build under test: the emulator's
    test credentials, no settings leaking in from the caller's build, and the
    credentials files of a throw-away HOME."""
    env = dict(os.environ)
    for name in list(env):
        if (name.startswith(("CMAKE_", "ALIBABA_CLOUD_", "VERIFYSDK_", "CTEST_"))
                or name in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "DESTDIR",
                            "NINJA_STATUS", "CCACHE_DISABLE")):
            del env[name]
    home = os.path.join(SETTINGS.work_dir, "home")
    os.makedirs(home, exist_ok=True)
    env["HOME"] = home
    env["ALIBABA_CLOUD_ACCESS_KEY_ID"] = TEST_KEY_ID
    env["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] = TEST_KEY_SECRET
    env["CMAKE_BUILD_PARALLEL_LEVEL"] = "2"
    if path_without_tool:
        env["PATH"] = os.pathsep.join(
            d for d in env.get("PATH", "").split(os.pathsep)
            if d and not os.path.exists(os.path.join(d, "verifysdk")))
    env.update(extra)
    return env


class Result:
    def __init__(self, args, returncode, output, seconds):
        self.args = args
        self.returncode = returncode
        self.output = output
        self.seconds = seconds

    def __repr__(self):
        return "<%s exited %d>" % (" ".join(self.args), self.returncode)


def run(args, cwd=None, env=None, timeout=600, check=True):
    """Run a command with stdout and stderr together; echo what it printed
    (CTest shows it for a failed test); raise on failure when check is set."""
    started = time.monotonic()
    print("$ " + " ".join(_quote(a) for a in args), flush=True)
    completed = subprocess.run(args, cwd=cwd, env=env if env is not None else build_env(),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               timeout=timeout, check=False)
    output = completed.stdout.decode("utf-8", "replace")
    result = Result(args, completed.returncode, output, time.monotonic() - started)
    sys.stdout.write(_indent(output))
    print("  -> exit %d after %.1f s" % (completed.returncode, result.seconds), flush=True)
    if check and completed.returncode != 0:
        raise AssertionError("command failed (exit %d): %s\n%s"
                             % (completed.returncode, " ".join(args), output))
    return result


def _quote(arg):
    return arg if arg and all(c.isalnum() or c in "-_./=:@+," for c in arg) else repr(arg)


def _indent(text):
    return "".join("  | " + line + "\n" for line in text.splitlines())


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def read_lock(sdk_dir):
    with open(os.path.join(sdk_dir, "verifysdk.lock.json"), encoding="utf-8") as handle:
        return json.load(handle)


# The bucket every emulator offers for UPLOAD (path-style OSS under /oss/).
OSS_BUCKET = "apps"


class Emulator:
    """The emulator of the Cloudauth service on a free port of 127.0.0.1,
    serving the files of serve_dir at /files/<name>."""

    def __init__(self, serve_dir, faults=(), generation_delay="0.5", name="emulator"):
        self.serve_dir = serve_dir
        self.faults = list(faults)
        self.generation_delay = generation_delay
        self.folder = tempfile.mkdtemp(prefix=name + "-", dir=SETTINGS.work_dir)
        self.process = None
        self.port = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def start(self):
        os.makedirs(self.serve_dir, exist_ok=True)
        args = ["--serve-dir", self.serve_dir, "--generation-delay", self.generation_delay,
                "--log-file", os.path.join(self.folder, "requests.log"),
                "--oss-bucket", OSS_BUCKET]
        for fault in self.faults:
            args += ["--fault", fault]
        try:
            self.process, self.port = emulator_process.start(
                args, os.path.join(self.folder, "port"), os.path.join(self.folder, "output.log"))
        except RuntimeError as failure:
            raise AssertionError(str(failure)) from None

    def stop(self):
        if self.process:
            emulator_process.stop(self.process)
        self.process = None

    def output(self):
        try:
            with open(os.path.join(self.folder, "output.log"), encoding="utf-8",
                      errors="replace") as handle:
                return handle.read()
        except OSError:
            return ""

    @property
    def endpoint(self):
        return "http://127.0.0.1:%d" % self.port

    @property
    def files_url(self):
        return self.endpoint + "/files"

    def stats(self):
        with urllib.request.urlopen(self.endpoint + "/_emulator/stats", timeout=10) as reply:
            return json.load(reply)

    @property
    def oss_endpoint(self):
        return self.endpoint + "/oss"

    def calls(self):
        """(CreateVerifySDK, DescribeVerifySDK, SDK download requests) so far."""
        stats = self.stats()
        actions = stats.get("actions", {})
        return (actions.get("CreateVerifySDK", 0), actions.get("DescribeVerifySDK", 0),
                stats.get("downloads", {}).get("requests", 0))
