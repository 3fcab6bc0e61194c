#!/usr/bin/env python3
"""Check the command lines verifysdk_add_refresh() generates, argument by
argument, without running them: configure tests/cmake/commands with Ninja
Multi-Config and read each configuration's commands back with `ninja -t
commands`. Covers every argument, the defaults taken from cache variables, the
configurations that run a refresh (and those that run nothing), the forced
refresh target, relative paths, quoting, and the Ninja console pool.

  commands_test.py --tool build/verifysdk --source-dir . --work-dir /tmp/w
"""

import os
import re
import shlex
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import support  # noqa: E402
from support import SETTINGS, build_env, run  # noqa: E402

CONFIGS = ("Debug", "Release", "RelWithDebInfo", "MinSizeRel")


class GeneratedCommands(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.project = os.path.join(SETTINGS.source_dir, "tests", "cmake", "commands")
        cls.build_dir = os.path.join(SETTINGS.work_dir, "build")
        cls.configure()

    @classmethod
    def configure(cls, **cache):
        args = ["cmake", "-S", cls.project, "-B", cls.build_dir, "-G", "Ninja Multi-Config",
                "-DCMAKE_CONFIGURATION_TYPES=" + ";".join(CONFIGS),
                "-DVERIFYSDK_TEST_MODULE_DIR=" + os.path.join(SETTINGS.source_dir, "cmake"),
                "-DVERIFYSDK_EXECUTABLE=" + SETTINGS.tool,
                "-DVERIFYSDK_REGION=cn-beijing",
                "-DVERIFYSDK_EXTRA_ARGS=--quiet"]
        args += ["-D%s=%s" % item for item in cache.items()]
        run(args)

    def refresh_command(self, config, target):
        """The verifysdk command that building `target` in `config` runs, as
        a list of arguments, or None."""
        completed = subprocess.run(
            ["ninja", "-C", self.build_dir, "-f", "build-%s.ninja" % config,
             "-t", "commands", target],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=build_env(), check=True)
        found = []
        for line in completed.stdout.decode().splitlines():
            for part in line.split(" && "):
                words = shlex.split(part)
                if words and words[0] == SETTINGS.tool:
                    found.append(words[1:])
        self.assertLessEqual(len(found), 1, "more than one verifysdk command: %r" % found)
        return found[0] if found else None

    def pool_of(self, config, output):
        """The Ninja pool of the build statement that makes `output`."""
        path = os.path.join(self.build_dir, "CMakeFiles", "impl-%s.ninja" % config)
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        for block in text.split("\n\n"):
            if re.search(r"^build %s[ :|]" % re.escape(output), block, re.M):
                match = re.search(r"^\s+pool = (\S+)", block, re.M)
                return match.group(1) if match else None
        self.fail("no build statement for %s in %s" % (output, path))

    def out(self, *parts):
        return os.path.join(self.build_dir, *parts)

    # --- defaults ------------------------------------------------------------

    def test_defaults_in_release_configurations(self):
        dest = os.path.join(self.project, "third_party", "sdk")
        for config in ("Release", "RelWithDebInfo", "MinSizeRel"):
            with self.subTest(config=config):
                self.assertEqual(self.refresh_command(config, "plain"), [
                    "fetch",
                    "--app-url", "https://cdn.example.com/plain 1.0.apk?a=1,2&b=<x>",
                    "--app-file", self.out(config, "plain"),
                    "--dest", dest,
                    "--region", "cn-beijing",          # VERIFYSDK_REGION
                    "--on-error", "fail",
                    "--quiet"])                        # VERIFYSDK_EXTRA_ARGS

    def test_debug_runs_nothing(self):
        self.assertIsNone(self.refresh_command("Debug", "plain"))

    def test_refresh_target_forces_in_any_configuration(self):
        self.assertEqual(self.refresh_command("Debug", "plain_verifysdk_refresh"), [
            "fetch",
            "--app-url", "https://cdn.example.com/plain 1.0.apk?a=1,2&b=<x>",
            "--app-file", self.out("Debug", "plain"),
            "--dest", os.path.join(self.project, "third_party", "sdk"),
            "--region", "cn-beijing",
            "--refresh", "always", "--on-error", "fail",
            "--quiet"])

    def test_link_step_runs_in_the_console_pool(self):
        self.assertEqual(self.pool_of("Release", "Release/plain"), "console")

    # --- every argument ----------------------------------------------------------

    def test_every_argument(self):
        for config in ("Debug", "Release"):
            with self.subTest(config=config):
                self.assertEqual(self.refresh_command(config, "full"), [
                    "fetch",
                    "--app-url", "https://cdn.example.com/%s/full.apk" % config.lower(),
                    "--app-file", self.out(config, "full.apk"),
                    "--dest", self.out("sdk-full"),
                    "--platform", "ios",
                    "--profile", "ci",
                    "--region", "cn-shanghai",
                    "--endpoint", "https://cloudauth.example.com",
                    "--ca-file", os.path.join(self.project, "certs", "ca.pem"),
                    "--wait-timeout", "15m",
                    "--offline",
                    "--on-error", "warn",
                    "--retries", "5", "--verbose",
                    "--quiet"])

    def test_configs_not_listed_run_nothing(self):
        for config in ("RelWithDebInfo", "MinSizeRel"):
            with self.subTest(config=config):
                self.assertIsNone(self.refresh_command(config, "full"))

    def test_a_link_pool_already_chosen_is_kept(self):
        self.assertEqual(self.pool_of("Release", "Release/full"), "one_link")

    def test_custom_target(self):
        self.assertEqual(self.refresh_command("RelWithDebInfo", "packaged"), [
            "fetch",
            "--app-url", "https://cdn.example.com/packaged.apk",
            "--app-file", self.out("out", "packaged.apk"),
            "--dest", self.out("sdk-packaged"),
            "--region", "cn-beijing",
            "--on-error", "fail",
            "--quiet"])
        self.assertIsNone(self.refresh_command("Release", "packaged"))
        self.assertEqual(self.pool_of("RelWithDebInfo", "CMakeFiles/RelWithDebInfo/packaged.util"), "console")

    # --- cache variables change every call ----------------------------------------

    def test_zz_cache_variables(self):
        try:
            self.configure(VERIFYSDK_OFFLINE="ON", VERIFYSDK_CONFIGS="Debug",
                           VERIFYSDK_ON_ERROR="WARN", VERIFYSDK_ENDPOINT="http://127.0.0.1:9")
            self.assertEqual(self.refresh_command("Debug", "plain"), [
                "fetch",
                "--app-url", "https://cdn.example.com/plain 1.0.apk?a=1,2&b=<x>",
                "--app-file", self.out("Debug", "plain"),
                "--dest", os.path.join(self.project, "third_party", "sdk"),
                "--region", "cn-beijing",
                "--endpoint", "http://127.0.0.1:9",
                "--offline",
                "--on-error", "warn",
                "--quiet"])
            self.assertIsNone(self.refresh_command("Release", "plain"))
            # Arguments given to the call win over the cache variables.
            self.assertIsNone(self.refresh_command("RelWithDebInfo", "full"))
            self.assertIn("https://cloudauth.example.com",
                          self.refresh_command("Debug", "full"))
        finally:
            self.configure(VERIFYSDK_OFFLINE="OFF", VERIFYSDK_CONFIGS="",
                           VERIFYSDK_ON_ERROR="", VERIFYSDK_ENDPOINT="")


if __name__ == "__main__":
    if not support.shutil.which("ninja"):
        print("SKIPPED: needs ninja")
        sys.exit(support.SKIPPED)
    sys.exit(support.run_tests(__doc__))
