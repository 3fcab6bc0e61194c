#!/usr/bin/env python3
"""Build examples/cmake-app with one CMake generator against the emulator of the
service and check when the SDK is refreshed.

One copy of the example and one build folder serve every step, in order:
a Debug build calls nothing; a Release build installs the SDK; a second build
calls nothing; touching a source rebuilds the app but, the package being the
same, calls nothing; changing a source refreshes; <target>_verifysdk_refresh
forces a refresh; ON_ERROR WARN keeps the build green when generation fails
and FAIL fails it with the tool's message; and without the tool,
configuration stops with the promised message.

  example_build_test.py --tool build/verifysdk --source-dir . \\
      --work-dir /tmp/w --generator "Ninja Multi-Config" [-v] [-k name]
"""

import glob
import os
import re
import shutil
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import support  # noqa: E402
from support import SETTINGS, Emulator, build_env, read_lock, run, sha256_of  # noqa: E402

APP_VERSION = "1.4.0"
SOURCE = os.path.join("src", "face_gate.cpp")


class ExampleBuild(unittest.TestCase):
    """The steps share one build and run in the order of their names."""

    @classmethod
    def setUpClass(cls):
        cls.multi_config = "Multi-Config" in SETTINGS.generator
        cls.app_dir = os.path.join(SETTINGS.work_dir, "cmake-app")
        cls.build_dir = os.path.join(SETTINGS.work_dir, "build")
        cls.sdk_dir = os.path.join(SETTINGS.work_dir, "app-tree", "third_party",
                                   "cloudauth-offline-sdk")
        cls.apk_dir = os.path.join(cls.build_dir, "outputs", "apk")
        shutil.copytree(os.path.join(SETTINGS.source_dir, "examples", "cmake-app"),
                        cls.app_dir,
                        ignore=shutil.ignore_patterns("build", "build-*", "third_party"))
        cls.emulator = Emulator(cls.apk_dir)
        cls.emulator.start()
        cls.edits = 0
        cls.configured_type = None

    @classmethod
    def tearDownClass(cls):
        cls.emulator.stop()

    # --- helpers -------------------------------------------------------------

    def configure(self, build_type="Release", emulator=None, **cache):
        emulator = emulator or self.emulator
        args = ["cmake", "-S", self.app_dir, "-B", self.build_dir, "-G", SETTINGS.generator,
                "-DVERIFYSDK_EXECUTABLE=" + SETTINGS.tool,
                "-DVERIFYSDK_ENDPOINT=" + emulator.endpoint,
                "-DMYAPP_PUBLISH_URL=" + emulator.files_url,
                "-DMYAPP_SDK_DIR=" + self.sdk_dir,
                "-DMYAPP_VERIFYSDK_REPO=" + SETTINGS.source_dir]
        if not self.multi_config:
            args.append("-DCMAKE_BUILD_TYPE=" + build_type)
        args += ["-D%s=%s" % item for item in cache.items()]
        return run(args)

    def build(self, config="Release", target=None, check=True):
        """Build `config`, configuring first if needed: once for a
        multi-configuration generator, on every change of build type for a
        single-configuration one."""
        wanted = "all" if self.multi_config else config
        if type(self).configured_type != wanted:
            self.configure(config)
            type(self).configured_type = wanted
        args = ["cmake", "--build", self.build_dir]
        if self.multi_config:
            args += ["--config", config]
        if target:
            args += ["--target", target]
        return run(args, check=check)

    def apk(self, config="Release"):
        return os.path.join(self.apk_dir, "myapp-%s-%s.apk" % (APP_VERSION, config.lower()))

    def native_lib(self, config="Release"):
        pattern = os.path.join(self.build_dir, config if self.multi_config else "", "libmyapp.*")
        found = [p for p in glob.glob(pattern) if not os.path.islink(p)]
        self.assertTrue(found, "no native library matches " + pattern)
        return found[0]

    def edit_source(self):
        """Change the native code, so the library and the package change."""
        type(self).edits += 1
        path = os.path.join(self.app_dir, SOURCE)
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        text, count = re.subn(r"kMinimumLiveness = \d+;",
                              "kMinimumLiveness = %d;" % (70 + self.edits), text)
        self.assertEqual(count, 1)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)

    def assertCalls(self, expected, emulator=None, msg=None):
        self.assertEqual((emulator or self.emulator).calls(), expected, msg)

    def assertLockMatches(self, apk):
        lock = read_lock(self.sdk_dir)
        self.assertEqual(lock["app_sha256"], sha256_of(apk))
        self.assertTrue(lock["app_url"].endswith("/files/" + os.path.basename(apk)),
                        lock["app_url"])
        self.assertEqual(lock["platform"], "android")
        return lock

    # --- the steps -----------------------------------------------------------

    def test_01_debug_build_calls_nothing(self):
        result = self.build("Debug")
        self.assertTrue(os.path.isfile(self.apk("Debug")))
        self.assertCalls((0, 0, 0))
        self.assertFalse(os.path.exists(self.sdk_dir))
        self.assertNotIn("verifysdk:", result.output)

    def test_02_release_build_installs_the_sdk(self):
        result = self.build("Release")
        apk = self.apk("Release")
        self.assertTrue(os.path.isfile(apk))
        created, described, downloads = self.emulator.calls()
        self.assertEqual(created, 1)
        self.assertGreaterEqual(described, 1)
        self.assertGreaterEqual(downloads, 1)
        self.assertIn("verifysdk: installed the SDK", result.output)
        self.assertLockMatches(apk)
        run([SETTINGS.tool, "verify", "--dest", self.sdk_dir])

    def test_03_second_build_calls_nothing(self):
        before = self.emulator.calls()
        lock = read_lock(self.sdk_dir)
        self.build("Release")
        self.assertCalls(before)
        self.assertEqual(read_lock(self.sdk_dir)["task_id"], lock["task_id"])

    def test_04_touched_source_rebuilds_without_refresh(self):
        before = self.emulator.calls()
        lib = self.native_lib()
        lib_mtime = os.stat(lib).st_mtime_ns
        apk_hash = sha256_of(self.apk())
        apk_mtime = os.stat(self.apk()).st_mtime_ns
        time.sleep(0.05)
        os.utime(os.path.join(self.app_dir, SOURCE))
        self.build("Release")
        self.assertGreater(os.stat(lib).st_mtime_ns, lib_mtime, "the library was not rebuilt")
        self.assertGreater(os.stat(self.apk()).st_mtime_ns, apk_mtime,
                           "the package was not made again")
        self.assertEqual(sha256_of(self.apk()), apk_hash, "the package is not reproducible")
        self.assertCalls(before)

    def test_05_changed_source_refreshes(self):
        created, _, _ = self.emulator.calls()
        old_hash = sha256_of(self.apk())
        self.edit_source()
        result = self.build("Release")
        self.assertNotEqual(sha256_of(self.apk()), old_hash)
        self.assertEqual(self.emulator.calls()[0], created + 1)
        self.assertIn("verifysdk: installed the SDK", result.output)
        self.assertLockMatches(self.apk())

    def test_06_refresh_target_forces_a_refresh(self):
        created, _, _ = self.emulator.calls()
        task = read_lock(self.sdk_dir)["task_id"]
        self.build("Release", target="myapp_verifysdk_refresh")
        self.assertEqual(self.emulator.calls()[0], created + 1)
        lock = self.assertLockMatches(self.apk())
        self.assertNotEqual(lock["task_id"], task)

    def test_07_on_error_warn_keeps_the_build_green(self):
        lock = read_lock(self.sdk_dir)
        with Emulator(self.apk_dir, faults=["CreateVerifySDK:fail-generation"],
                      name="failing-emulator") as failing:
            self.configure(emulator=failing, VERIFYSDK_ON_ERROR="WARN")
            self.edit_source()
            result = self.build("Release")
            self.assertGreaterEqual(failing.calls()[0], 1)
            # The tool's message names the service's error code.
            self.assertRegex(result.output, r"verifysdk: .*GenerateFailed")
            # The SDK in place is kept as it was.
            self.assertEqual(read_lock(self.sdk_dir), lock)

            self.configure(emulator=failing, VERIFYSDK_ON_ERROR="")  # Release: FAIL
            result = self.build("Release", check=False)
            self.assertNotEqual(result.returncode, 0, "the build should have failed")
            self.assertRegex(result.output, r"verifysdk: error: .*GenerateFailed")
            self.assertEqual(read_lock(self.sdk_dir), lock)
        # Back to the working service: the next build catches up.
        self.configure()
        created = self.emulator.calls()[0]
        self.build("Release")
        self.assertEqual(self.emulator.calls()[0], created + 1)
        self.assertLockMatches(self.apk())

    def test_09_upload_publishes_the_package_itself(self):
        """UPLOAD: the tool puts the package on OSS and submits a signed
        address of it; nothing serves it at MYAPP_PUBLISH_URL any more."""
        self.configure("Release", MYAPP_UPLOAD="oss://%s/releases/" % support.OSS_BUCKET,
                       VERIFYSDK_OSS_ENDPOINT=self.emulator.oss_endpoint)
        type(self).configured_type = None  # the next build() configures afresh
        self.edit_source()
        puts_before = self.emulator.stats().get("oss", {}).get("put", 0)
        args = ["cmake", "--build", self.build_dir] + (["--config", "Release"] if self.multi_config else [])
        run(args)
        lock = read_lock(self.sdk_dir)
        self.assertEqual(lock["app_sha256"], sha256_of(self.apk()))
        self.assertTrue(lock["app_url"].endswith(
            "/oss/%s/releases/%s" % (support.OSS_BUCKET, os.path.basename(self.apk()))), lock["app_url"])
        self.assertEqual(self.emulator.stats()["oss"]["put"], puts_before + 1)

    def test_08_missing_tool_stops_configuration(self):
        build_dir = os.path.join(SETTINGS.work_dir, "build-without-tool")
        args = ["cmake", "-S", self.app_dir, "-B", build_dir, "-G", SETTINGS.generator,
                "-DMYAPP_VERIFYSDK_REPO=" + SETTINGS.source_dir,
                "-DCMAKE_FIND_USE_CMAKE_SYSTEM_PATH=OFF",
                "-DCMAKE_FIND_USE_INSTALL_PREFIX=OFF"]
        result = run(args, env=build_env(path_without_tool=True), check=False)
        self.assertNotEqual(result.returncode, 0)
        flat = " ".join(result.output.split())
        self.assertIn("verifysdk_add_refresh(myapp): cannot find the verifysdk tool.", flat)
        self.assertIn("-DVERIFYSDK_EXECUTABLE=<prefix>/bin/verifysdk", flat)


if __name__ == "__main__":
    sys.exit(support.run_tests(__doc__))
