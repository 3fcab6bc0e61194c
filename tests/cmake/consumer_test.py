#!/usr/bin/env python3
"""Use verifysdk from another project, tests/cmake/consumer, in one of three
ways (--mode):

  package       cmake --install the verifysdk build (--build-dir) into a
                temporary prefix; the consumer finds it with find_package(),
                with no verifysdk on PATH, and a Release build refreshes the
                SDK with the installed tool.
  subdirectory  add_subdirectory() of the repository: verifysdk's tests,
                install rules and warnings stay off, and a Release build builds
                the tool first and refreshes the SDK with it.
  fetchcontent  FetchContent of the repository: the same checks, up to
                generating the build (building is the same as subdirectory).

  consumer_test.py --mode package --build-dir build --tool build/verifysdk \\
      --source-dir . --work-dir /tmp/w
"""

import glob
import os
import re
import shlex
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import support  # noqa: E402
from support import SETTINGS, Emulator, build_env, read_lock, run, sha256_of  # noqa: E402

APK_NAME = "consumer-2.0.0.apk"


def add_arguments(parser):
    parser.add_argument("--mode", required=True,
                        choices=("package", "subdirectory", "fetchcontent"))
    parser.add_argument("--build-dir", help="the verifysdk build to install (package)")
    parser.add_argument("--config", default="", help="its configuration, if it has several")


class ConsumerBase(unittest.TestCase):
    mode = None

    @classmethod
    def setUpClass(cls):
        cls.build_dir = os.path.join(SETTINGS.work_dir, "consumer-build")
        cls.sdk_dir = os.path.join(SETTINGS.work_dir, "consumer-tree", "third_party",
                                   "cloudauth-offline-sdk")
        cls.apk_dir = os.path.join(cls.build_dir, "apk")
        cls.env = build_env(path_without_tool=True)
        cls.emulator = Emulator(cls.apk_dir)
        cls.emulator.start()

    @classmethod
    def tearDownClass(cls):
        cls.emulator.stop()

    def configure(self, *extra):
        args = ["cmake", "-S", os.path.join(SETTINGS.source_dir, "tests", "cmake", "consumer"),
                "-B", self.build_dir, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release",
                "-DCONSUMER_MODE=" + self.mode,
                "-DCONSUMER_VERIFYSDK_SOURCE=" + SETTINGS.source_dir,
                "-DCONSUMER_PUBLISH_URL=" + self.emulator.files_url,
                "-DCONSUMER_SDK_DIR=" + self.sdk_dir,
                "-DVERIFYSDK_ENDPOINT=" + self.emulator.endpoint]
        return run(args + list(extra), env=self.env)

    def build(self):
        return run(["cmake", "--build", self.build_dir], env=self.env, timeout=1200)

    def refresh_command(self):
        """The verifysdk command run after consumer_app is built."""
        completed = subprocess.run(["ninja", "-C", self.build_dir, "-t", "commands",
                                    "consumer_app"], stdout=subprocess.PIPE, check=True,
                                   env=self.env)
        for line in completed.stdout.decode().splitlines():
            for part in line.split(" && "):
                words = shlex.split(part)
                if len(words) > 1 and words[1] == "fetch":
                    return words
        self.fail("no verifysdk fetch command for consumer_app")

    def cache(self):
        values = {}
        with open(os.path.join(self.build_dir, "CMakeCache.txt"), encoding="utf-8") as handle:
            for line in handle:
                if ":" in line and "=" in line and not line.startswith(("//", "#")):
                    key, _, value = line.rstrip("\n").partition("=")
                    values[key.split(":")[0]] = value
        return values

    def assertRefreshed(self, result):
        created, _, downloads = self.emulator.calls()
        self.assertEqual(created, 1)
        self.assertGreaterEqual(downloads, 1)
        self.assertIn("verifysdk: installed the SDK", result.output)
        lock = read_lock(self.sdk_dir)
        self.assertEqual(lock["app_sha256"], sha256_of(os.path.join(self.apk_dir, APK_NAME)))

    def assertOnlyOwnTestsAndFlags(self):
        cache = self.cache()
        self.assertEqual(cache.get("VERIFYSDK_BUILD_TESTS"), "OFF")
        self.assertEqual(cache.get("VERIFYSDK_INSTALL"), "OFF")
        listed = run(["ctest", "--test-dir", self.build_dir, "-N"], env=self.env)
        self.assertIn("Total Tests: 1", listed.output)
        self.assertIn("consumer_own_test", listed.output)
        compile_lines = subprocess.run(
            ["ninja", "-C", self.build_dir, "-t", "commands", "consumer_native"],
            stdout=subprocess.PIPE, check=True, env=self.env).stdout.decode()
        for flag in ("-Werror", "-Wshadow", "-Wconversion"):
            self.assertNotIn(flag, compile_lines)


class Package(ConsumerBase):
    mode = "package"

    def test_find_package_after_install(self):
        prefix = os.path.join(SETTINGS.work_dir, "prefix")
        args = ["cmake", "--install", SETTINGS.extra.build_dir, "--prefix", prefix]
        if SETTINGS.extra.config:
            args += ["--config", SETTINGS.extra.config]
        run(args)

        tool = os.path.join(prefix, "bin", "verifysdk")
        self.assertTrue(os.access(tool, os.X_OK), tool)
        package_dirs = glob.glob(os.path.join(prefix, "lib*", "cmake", "VerifySDK"))
        self.assertEqual(len(package_dirs), 1, package_dirs)
        for name in ("VerifySDKConfig.cmake", "VerifySDKConfigVersion.cmake",
                     "VerifySDK.cmake", "VerifySDKTargets.cmake"):
            self.assertTrue(os.path.isfile(os.path.join(package_dirs[0], name)), name)

        self.configure("-DCMAKE_PREFIX_PATH=" + prefix)
        self.assertEqual(self.refresh_command()[0], tool)
        self.assertRefreshed(self.build())
        self.check_version_compatibility(prefix, package_dirs[0])

    def check_version_compatibility(self, prefix, package_dir):
        """The same major.minor version is accepted, the next minor is not."""
        with open(os.path.join(package_dir, "VerifySDKConfigVersion.cmake"),
                  encoding="utf-8") as handle:
            version = re.search(r'set\(PACKAGE_VERSION "([0-9.]+)"\)', handle.read()).group(1)
        major, minor = (int(part) for part in version.split(".")[:2])
        for wanted, accepted in (("%d.%d" % (major, minor), True),
                                 ("%d.%d" % (major, minor + 1), False)):
            with self.subTest(wanted=wanted):
                project = os.path.join(SETTINGS.work_dir, "version-" + wanted)
                os.makedirs(project, exist_ok=True)
                with open(os.path.join(project, "CMakeLists.txt"), "w",
                          encoding="utf-8") as handle:
                    handle.write("cmake_minimum_required(VERSION 3.21)\n"
                                 "project(version_check LANGUAGES NONE)\n"
                                 "find_package(VerifySDK %s CONFIG REQUIRED)\n" % wanted)
                result = run(["cmake", "-S", project, "-B", os.path.join(project, "build"),
                              "-DCMAKE_PREFIX_PATH=" + prefix], env=self.env, check=False)
                self.assertEqual(result.returncode == 0, accepted, result.output)


class Subdirectory(ConsumerBase):
    mode = "subdirectory"

    def test_add_subdirectory(self):
        # The consumer compiles verifysdk too; without optimisation to keep
        # this test short.
        self.configure("-DCMAKE_CXX_FLAGS_RELEASE=-O0 -DNDEBUG")
        self.assertOnlyOwnTestsAndFlags()
        command = self.refresh_command()
        self.assertEqual(command[0], os.path.join(self.build_dir, "verifysdk-build", "verifysdk"))
        self.assertRefreshed(self.build())


class FetchContent(ConsumerBase):
    mode = "fetchcontent"

    def test_fetchcontent(self):
        self.configure()
        self.assertOnlyOwnTestsAndFlags()
        command = self.refresh_command()
        self.assertEqual(command[0], os.path.join(self.build_dir, "_deps", "verifysdk-build",
                                                  "verifysdk"))
        # consumer_app waits for the tool: the tool is among its inputs.
        inputs = run(["ninja", "-C", self.build_dir, "-t", "inputs", "consumer_app"],
                     env=self.env)
        self.assertIn("_deps/verifysdk-build/verifysdk\n", inputs.output.replace("  | ", ""))


CLASSES = {"package": "Package", "subdirectory": "Subdirectory", "fetchcontent": "FetchContent"}

if __name__ == "__main__":
    if not support.shutil.which("ninja"):
        print("SKIPPED: needs ninja")
        sys.exit(support.SKIPPED)
    sys.exit(support.run_tests(__doc__, add_arguments,
                               choose_tests=lambda: CLASSES[SETTINGS.extra.mode]))
