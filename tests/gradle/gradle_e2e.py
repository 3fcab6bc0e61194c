#!/usr/bin/env python3
"""End-to-end tests of the io.verifysdk Gradle plugin.

Each scenario copies examples/android-app into its own work folder, starts its own Cloudauth
emulator (tests/emulator) when it needs one, and runs Debian's Gradle on the copy with the
plugin jar that the CTest fixture built. The emulator's counters tell what the tool did.

    gradle_e2e.py --scenario lifecycle --tool build/dev/verifysdk --plugin-dir DIR \
        --gradle-home DIR --work DIR [--gradle /usr/bin/gradle]

Exit 0 when the scenario passed, 1 when it failed, 77 when it cannot run here (skip).
"""

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.path.dirname(os.path.dirname(HERE))
EXAMPLE = os.path.join(SOURCE_ROOT, "examples", "android-app")
sys.path.insert(0, os.path.join(SOURCE_ROOT, "tests", "emulator"))
import emulator_process  # noqa: E402
SKIP = 77

# Short Gradle runs spend most of their CPU in the JIT: C1 only and the serial collector
# halve it (measured on Gradle 4.4.1 / Java 17: 3.4 s -> 1.7 s of CPU for `gradle help`).
FAST_JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"

TEST_KEY_ID = "testid"
TEST_SECRET = "testsecret"


class Failure(Exception):
    pass


def check(condition, message, output=None):
    if not condition:
        if output is not None:
            sys.stdout.write("----- Gradle output -----\n" + output + "\n-------------------------\n")
        raise Failure(message)


def step(text):
    print("== " + text, flush=True)


class Emulator:
    """One emulator process for one scenario."""

    def __init__(self, work, serve_dir, faults=(), extra_args=()):
        self.work = work
        self.serve_dir = serve_dir
        self.faults = list(faults)
        self.extra_args = list(extra_args)
        self.process = None
        self.port = None

    def __enter__(self):
        os.makedirs(self.serve_dir, exist_ok=True)
        command = ["--serve-dir", self.serve_dir, "--generation-delay", "0.5",
                   "--log-file", os.path.join(self.work, "emulator.log")]
        for fault in self.faults:
            command += ["--fault", fault]
        command += self.extra_args
        try:
            self.process, self.port = emulator_process.start(
                command, os.path.join(self.work, "emulator.port"),
                os.path.join(self.work, "emulator.stderr"))
        except RuntimeError as failure:
            raise Failure(str(failure)) from None
        return self

    def __exit__(self, *exc):
        emulator_process.stop(self.process)

    @property
    def endpoint(self):
        return "http://127.0.0.1:%d" % self.port

    def file_url(self, name):
        return "%s/files/%s" % (self.endpoint, name)

    @property
    def oss_endpoint(self):
        return self.endpoint + "/oss"

    def stats(self):
        with urllib.request.urlopen(self.endpoint + "/_emulator/stats", timeout=10) as answer:
            data = json.load(answer)
        return {
            "create": data["actions"]["CreateVerifySDK"],
            "describe": data["actions"]["DescribeVerifySDK"],
            "downloads": data["downloads"]["requests"],
            "oss_put": data.get("oss", {}).get("put", 0),
        }


class Project:
    """A copy of examples/android-app and the way to run Gradle on it."""

    def __init__(self, args, name):
        self.args = args
        self.dir = os.path.join(args.work, name)
        shutil.rmtree(self.dir, ignore_errors=True)
        shutil.copytree(EXAMPLE, self.dir,
                        ignore=shutil.ignore_patterns("build", ".gradle", "third_party",
                                                      ".verifysdk"))
        self.home = os.path.join(args.work, "home")
        os.makedirs(self.home, exist_ok=True)
        self.log_index = 0

    @property
    def apk_dir(self):
        return os.path.join(self.dir, "build", "outputs", "apk", "release")

    @property
    def apk(self):
        return os.path.join(self.apk_dir, "app-release.apk")

    @property
    def sdk_dir(self):
        return os.path.join(self.dir, "third_party", "cloudauth-offline-sdk")

    @property
    def lock_file(self):
        return os.path.join(self.sdk_dir, "verifysdk.lock.json")

    def configure(self, text):
        """Appends to build.gradle, as a user would edit the verifysdk block."""
        with open(os.path.join(self.dir, "build.gradle"), "a") as f:
            f.write("\n// added by tests/gradle/gradle_e2e.py\n" + text + "\n")

    def point_at(self, emulator):
        self.configure('verifysdk {\n    appUrl = "%s"\n    endpoint = "%s"\n}'
                       % (emulator.file_url("app-release.apk"), emulator.endpoint))

    def change_code(self):
        path = os.path.join(self.dir, "src", "main", "java", "com", "example", "faceapp",
                            "MainActivity.java")
        with open(path, "a") as f:
            f.write("// changed at %f\n" % time.time())

    def environment(self, with_tool=True, path=None):
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("ALIBABA_CLOUD_", "VERIFYSDK_", "GRADLE_"))}
        env["HOME"] = self.home  # no credential files of the machine's user
        env["GRADLE_OPTS"] = FAST_JVM
        env["ALIBABA_CLOUD_ACCESS_KEY_ID"] = TEST_KEY_ID
        env["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] = TEST_SECRET
        env["VERIFYSDK_GRADLE_PLUGIN_DIR"] = self.args.plugin_dir
        if with_tool:
            env["VERIFYSDK_EXECUTABLE"] = self.args.tool
        if path is not None:
            env["PATH"] = path
        return env

    def gradle(self, *tasks, expect_success=True, gradle_offline=False, info=False, env=None):
        """Runs Gradle; returns its combined output."""
        command = [self.args.gradle, "--no-daemon", "--console=plain",
                   "--gradle-user-home", self.args.gradle_home, "--project-dir", self.dir]
        if gradle_offline:
            command.append("--offline")
        if info:
            command.append("--info")
        command += list(tasks)
        self.log_index += 1
        log_path = os.path.join(self.dir, "gradle-%02d.log" % self.log_index)
        started = time.monotonic()
        result = subprocess.run(command, cwd=self.dir, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                env=env or self.environment(), timeout=600)
        output = result.stdout.decode("utf-8", "replace")
        with open(log_path, "w") as f:
            f.write(" ".join(command) + "\n\n" + output)
        print("   gradle %s -> exit %d in %.1f s (log: %s)"
              % (" ".join(command[7:]), result.returncode, time.monotonic() - started,
                 log_path), flush=True)
        if expect_success:
            check(result.returncode == 0 and "BUILD SUCCESSFUL" in output,
                  "gradle %s failed" % " ".join(tasks), output)
        else:
            check(result.returncode != 0 and "BUILD FAILED" in output,
                  "gradle %s should have failed" % " ".join(tasks), output)
        check(TEST_SECRET not in output, "the secret appeared in Gradle's output", output)
        return output


def task_outcome(output, task):
    """'EXECUTED', 'UP-TO-DATE', 'FAILED', ... for :task in plain console output, or None."""
    # Gradle 4.x prints ":task" or ":task UP-TO-DATE"; Gradle 5+ prints "> Task :task ...".
    # A task with output gets its header again at the end when it fails (":task FAILED"),
    # so the last line about the task decides.
    outcome = None
    for line in output.splitlines():
        m = re.match(r"^(?:> Task )?:%s(?:\s+(\S+))?\s*$" % re.escape(task), line.strip())
        if m:
            outcome = m.group(1) or "EXECUTED"
    return outcome


def read_lock(project):
    check(os.path.isfile(project.lock_file), "no %s" % project.lock_file)
    with open(project.lock_file) as f:
        return json.load(f)


def scenario_lifecycle(args):
    project = Project(args, "lifecycle")
    with Emulator(args.work, project.apk_dir) as emulator:
        project.point_at(emulator)

        step("assembleRelease builds the APK, then installs the SDK and its manifest")
        out = project.gradle("assembleRelease", info=True)
        check(task_outcome(out, "assembleRelease") is not None, "assembleRelease did not run", out)
        check(task_outcome(out, "refreshVerifySdkRelease") == "EXECUTED",
              "refreshVerifySdkRelease did not run after assembleRelease", out)
        check(out.find(":refreshVerifySdkRelease") > out.find(":assembleRelease"),
              "refreshVerifySdkRelease ran before assembleRelease", out)
        command = [l for l in out.splitlines() if "verifysdk: running" in l]
        check(command, "the plugin did not log the tool's command line", out)
        check(" fetch " in command[0] and "--app-url " + emulator.file_url("app-release.apk")
              in command[0] and "--app-file " + project.apk in command[0],
              "unexpected command line: " + command[0], out)
        check("--offline" not in command[0], "--offline passed while Gradle ran online", out)
        check(TEST_KEY_ID not in command[0], "credentials on the command line", out)
        lock = read_lock(project)
        check(lock.get("files"), "the manifest lists no files: %r" % lock)
        for entry in lock["files"]:
            check(os.path.exists(os.path.join(project.sdk_dir, entry["path"])),
                  "manifest lists %s, which is not installed" % entry["path"])
        first = emulator.stats()
        check(first["create"] == 1 and first["downloads"] >= 1,
              "expected one CreateVerifySDK and a download, got %r" % first)

        step("assembleDebug builds the debug APK and calls nothing")
        out = project.gradle("assembleDebug")
        check(task_outcome(out, "assembleDebug") is not None, "assembleDebug did not run", out)
        check(task_outcome(out, "refreshVerifySdkRelease") is None,
              "assembleDebug ran the refresh", out)
        check(emulator.stats() == first, "assembleDebug called the service: %r"
              % emulator.stats())

        step("a second assembleRelease is UP-TO-DATE and calls nothing")
        apk_before = open(project.apk, "rb").read()
        out = project.gradle("assembleRelease")
        check(task_outcome(out, "refreshVerifySdkRelease") == "UP-TO-DATE",
              "refreshVerifySdkRelease is not UP-TO-DATE", out)
        check(emulator.stats() == first, "the second build called the service: %r"
              % emulator.stats())

        step("clean + assembleRelease gives a byte-identical APK, and still calls nothing")
        out = project.gradle("clean", "assembleRelease")
        check(open(project.apk, "rb").read() == apk_before, "the APK is not reproducible")
        check(emulator.stats() == first, "rebuilding the same APK called the service: %r"
              % emulator.stats())

        step("a changed APK refreshes the SDK")
        project.change_code()
        out = project.gradle("assembleRelease")
        check(task_outcome(out, "refreshVerifySdkRelease") == "EXECUTED",
              "refreshVerifySdkRelease did not run for a changed APK", out)
        second = emulator.stats()
        check(second["create"] == 2, "expected a second CreateVerifySDK, got %r" % second)
        check(read_lock(project)["app_sha256"] != lock["app_sha256"],
              "the manifest still names the old APK")

        step("refreshVerifySdk (aggregate) builds the APK first; nothing changed: UP-TO-DATE")
        out = project.gradle("refreshVerifySdk")
        check(task_outcome(out, "assembleRelease") is not None,
              "refreshVerifySdk did not build the release APK first", out)
        check(task_outcome(out, "refreshVerifySdkRelease") == "UP-TO-DATE",
              "the aggregate task re-ran the refresh", out)
        check(emulator.stats() == second, "the aggregate called the service")


def scenario_fail_on_error(args):
    project = Project(args, "fail-on-error")
    with Emulator(args.work, project.apk_dir,
                  faults=["CreateVerifySDK:fail-generation"]) as emulator:
        project.point_at(emulator)

        step("by default a failed generation fails the build with the tool's message")
        out = project.gradle("assembleRelease", expect_success=False)
        check(task_outcome(out, "refreshVerifySdkRelease") == "FAILED",
              "refreshVerifySdkRelease did not fail", out)
        check("exit code 4" in out, "the failure does not name exit code 4", out)
        check(re.search(r"^\s*verifysdk: error: .+", out, re.M),
              "the failure does not carry the tool's error line", out)
        check(emulator.stats()["create"] >= 1, "the tool did not call CreateVerifySDK")

        step("failOnError = false keeps the build green and warns")
        project.configure("verifysdk { failOnError = false }")
        out = project.gradle("assembleRelease")
        check("verifysdk: error:" in out, "the warning does not carry the tool's message", out)
        check("failOnError = false" in out, "the warning does not explain itself", out)

        step("... and the failed refresh is tried again by the next build")
        out = project.gradle("assembleRelease")
        check(task_outcome(out, "refreshVerifySdkRelease") == "EXECUTED",
              "a failed refresh counted as up to date", out)


def scenario_offline(args):
    project = Project(args, "offline")
    with Emulator(args.work, project.apk_dir) as emulator:
        project.point_at(emulator)

        step("an online build installs the SDK")
        project.gradle("assembleRelease")
        installed = emulator.stats()
        check(installed["create"] == 1, "expected one CreateVerifySDK, got %r" % installed)

        step("gradle --offline passes --offline to the tool, which calls nothing")
        project.change_code()
        out = project.gradle("assembleRelease", gradle_offline=True, info=True)
        command = [l for l in out.splitlines() if "verifysdk: running" in l]
        check(command and " --offline" in command[0], "the tool ran without --offline", out)
        check(emulator.stats() == installed, "--offline called the service: %r"
              % emulator.stats())
        check(os.path.isfile(project.lock_file), "the offline run removed the SDK")

        step("the next online build refreshes for the changed APK")
        out = project.gradle("assembleRelease")
        check(task_outcome(out, "refreshVerifySdkRelease") == "EXECUTED",
              "the offline run made the online one UP-TO-DATE", out)
        check(emulator.stats()["create"] == 2, "the changed APK was not submitted: %r"
              % emulator.stats())


def scenario_upload(args):
    project = Project(args, "upload")
    with Emulator(args.work, project.apk_dir, extra_args=["--oss-bucket", "apps"]) as emulator:
        # Instead of appUrl: the tool uploads the APK to OSS and submits a presigned address.
        project.configure('verifysdk {\n    appUrl = null\n    upload = "oss://apps/releases/"\n'
                          '    ossEndpoint = "%s"\n    endpoint = "%s"\n}'
                          % (emulator.oss_endpoint, emulator.endpoint))

        step("assembleRelease uploads the APK to OSS, then installs the SDK")
        out = project.gradle("assembleRelease", info=True)
        check(task_outcome(out, "refreshVerifySdkRelease") == "EXECUTED",
              "refreshVerifySdkRelease did not run after assembleRelease", out)
        command = [l for l in out.splitlines() if "verifysdk: running" in l]
        check(command, "the plugin did not log the tool's command line", out)
        check("--upload oss://apps/releases/" in command[0]
              and "--oss-endpoint " + emulator.oss_endpoint in command[0]
              and "--app-file " + project.apk in command[0],
              "unexpected command line: " + command[0], out)
        check("--app-url" not in command[0], "--app-url passed with upload", out)
        lock = read_lock(project)
        check(lock.get("files"), "the manifest lists no files: %r" % lock)
        for entry in lock["files"]:
            check(os.path.exists(os.path.join(project.sdk_dir, entry["path"])),
                  "manifest lists %s, which is not installed" % entry["path"])
        app_url = lock.get("app_url") or ""
        check(app_url.endswith("/oss/apps/releases/" + os.path.basename(project.apk)),
              "the manifest's app_url is not the uploaded object: %r" % app_url)
        first = emulator.stats()
        check(first["oss_put"] == 1 and first["create"] == 1,
              "expected one OSS put and one CreateVerifySDK, got %r" % first)

        step("a second assembleRelease is UP-TO-DATE and uploads nothing")
        out = project.gradle("assembleRelease")
        check(task_outcome(out, "refreshVerifySdkRelease") == "UP-TO-DATE",
              "refreshVerifySdkRelease is not UP-TO-DATE", out)
        check(emulator.stats() == first, "the second build called the service or OSS: %r"
              % emulator.stats())


def scenario_missing_tool(args):
    project = Project(args, "missing-tool")
    path = os.pathsep.join(["/usr/bin", "/bin"])
    if shutil.which("verifysdk", path=path):
        print("SKIP: a verifysdk is installed in /usr/bin or /bin")
        return SKIP
    project.configure('verifysdk { appUrl = "http://127.0.0.1:9/files/app-release.apk" }')
    step("no executable, no VERIFYSDK_EXECUTABLE, nothing on PATH: the build says what to do")
    out = project.gradle("assembleRelease", expect_success=False,
                         env=project.environment(with_tool=False, path=path))
    check("Cannot find the verifysdk tool" in out, "no 'Cannot find' message", out)
    for hint in ("VERIFYSDK_EXECUTABLE", "verifysdk { executable = ", "cmake --install"):
        check(hint in out, "the message does not mention %r" % hint, out)
    return 0


SCENARIOS = {
    "lifecycle": scenario_lifecycle,
    "fail-on-error": scenario_fail_on_error,
    "offline": scenario_offline,
    "missing-tool": scenario_missing_tool,
    "upload": scenario_upload,
}


class Stopped(Exception):
    pass


def stop_on_signal(signum, frame):
    # CTest's timeout (SIGTERM) or ^C: unwind, so the emulator and Gradle are stopped too.
    raise Stopped("stopped by signal %d" % signum)


def main():
    signal.signal(signal.SIGTERM, stop_on_signal)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scenario", required=True, choices=sorted(SCENARIOS))
    parser.add_argument("--tool", help="the verifysdk executable")
    parser.add_argument("--plugin-dir", required=True,
                        help="folder holding verifysdk-gradle-plugin-<version>.jar")
    parser.add_argument("--gradle-home", required=True, help="Gradle user home for the tests")
    parser.add_argument("--work", required=True, help="scratch folder for this scenario")
    parser.add_argument("--gradle", default=shutil.which("gradle") or "/usr/bin/gradle")
    args = parser.parse_args()
    if args.tool:
        args.tool = os.path.abspath(args.tool)
    args.work = os.path.abspath(args.work)
    os.makedirs(args.work, exist_ok=True)
    if not os.path.isfile(args.gradle):
        print("SKIP: no gradle (apt-get install gradle)")
        return SKIP
    if args.scenario != "missing-tool" and not (args.tool and os.access(args.tool, os.X_OK)):
        print("FAIL: --tool %r is not an executable" % args.tool)
        return 1
    jars = [n for n in os.listdir(args.plugin_dir) if n.endswith(".jar")] \
        if os.path.isdir(args.plugin_dir) else []
    if not jars:
        print("FAIL: no plugin jar in %s (the gradle.plugin test builds it)" % args.plugin_dir)
        return 1
    started = time.monotonic()
    try:
        code = SCENARIOS[args.scenario](args) or 0
    except (Failure, Stopped) as failure:
        print("FAIL: %s" % failure)
        return 1
    print("PASS: %s (%.1f s)" % (args.scenario, time.monotonic() - started))
    return code


if __name__ == "__main__":
    sys.exit(main())
