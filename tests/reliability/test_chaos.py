"""Suite 2, chaos: the emulator fails a random 30% of the tool's calls of
every kind, with a fixed seed, and `verifysdk fetch` runs 100 times into
fresh destinations.

Faults, each with the same small probability so that together they hit ~30%
of the calls of each target:
  API calls (CreateVerifySDK, DescribeVerifySDK): 503 ServiceUnavailable,
    500 InternalError, 429 Throttling, 400 Throttling.User, a dropped
    connection, a body cut in half (drop-mid: the connection closes; malformed:
    an honest but half body), an HTML page, an empty body, a 0.2 s slow answer;
  SDK downloads: 503, 500, 429 Throttling, 400 Throttling.User, a dropped
    connection, a body cut in half, a body truncated after 800 bytes, an
    expired address, a 0.2 s slow answer.
(The emulator's own fetch of the app, target `files`, is not the tool's
traffic and stays fault-free; hostile download bodies (HTML, empty) are in
the hostile-input suite.)

Every run must end installed and verified (`verifysdk verify`, license.json
of the same task), or with a documented exit code and a
`verifysdk: error:` message plus a hint line, leaving no half-installed
destination and no staging/, previous/ or temp files. No request storm: no
call is attempted more than --retries + 1 times, and the requests the
emulator counted for a run stay within (retries + 1) x the logical calls
the run made. Printed: success rate, mean attempts, worst case.

Five workers run in parallel, each with its own emulator (seed = base seed
+ worker), 20 runs each. VERIFYSDK_CHAOS_RUNS, VERIFYSDK_CHAOS_SEED tune it."""

import collections
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import traceback
import unittest

from common import (DOCUMENTED_EXIT_CODES, STRICT, TEMP_MARKER, TOOL, ToolTestCase, make_apk, state_dir,
                    write_results)

RUNS = int(os.environ.get("VERIFYSDK_CHAOS_RUNS", "100"))
SEED = int(os.environ.get("VERIFYSDK_CHAOS_SEED", "42"))
WORKERS = 5
RETRIES = 4  # the tool's default, passed explicitly so the bound below is the policy's
FAULT_SHARE = 0.30

API_FAULTS = ["error=503/ServiceUnavailable", "error=500/InternalError", "error=429/Throttling",
              "throttle", "drop", "drop-mid", "malformed", "html", "empty", "delay=0.2"]
DOWNLOAD_FAULTS = ["error=503/ServiceUnavailable", "error=500/InternalError", "error=429/Throttling", "throttle",
                   "drop", "drop-mid", "truncate=800", "expire", "delay=0.2"]

# Open tool bugs. While KNOWN_BUGS is on (unless VERIFYSDK_STRICT=1) a run
# whose only problems are these is counted as a known-bug outcome instead of
# failing the suite, and the deterministic tests below are expected failures
# (they report an unexpected success once the tool is fixed).
KNOWN_BUGS = False  # both bugs below were fixed; the tests stay as regression tests
# 1. A throttled SDK download (429, or 400 Throttling.User) is not retried,
#    although the README's policy retries Throttling*: exit 5 at once, with
#    "the SDK download answered HTTP 429" and no hint line.
THROTTLED_DOWNLOAD = re.compile(r"^verifysdk: error: the SDK download answered HTTP (429|400)$", re.M)
# 2. Some errors have no hint line ("one line saying what to do"), e.g. an
#    empty API answer after the last retry.
NO_HINT = "no hint line after the error"


def fault_arguments():
    """--fault options: each spec p such that 1 - (1 - p)^n = FAULT_SHARE."""
    args = []
    for target, kinds in (("*", API_FAULTS), ("download", DOWNLOAD_FAULTS)):
        p = 1 - (1 - FAULT_SHARE) ** (1 / len(kinds))
        for kind in kinds:
            args += ["--fault", f"{target}:{kind}@p{p:.4f}"]
    return args


ATTEMPT = re.compile(r"retrying in [^(]*\(attempt (\d+) of (\d+)\)")


class Worker:

    def __init__(self, case, index, runs):
        self.case = case
        self.index = index
        self.runs = runs
        self.emulator = case.start_emulator("--generation-delay", "0", "--fault-seed", str(SEED + index),
                                            *fault_arguments())
        make_apk(self.emulator.serve_dir / "app.apk")
        self.records = []
        self.failure = None

    def work(self):
        try:
            for run in self.runs:
                self.one_run(run)
        except BaseException:  # noqa: BLE001 - reported by the main thread
            self.failure = traceback.format_exc()

    def one_run(self, run):
        project = self.case.tmp / f"w{self.index}" / f"run{run}"
        dest = project / "third_party" / "sdk"
        state = state_dir(dest)
        before = self.emulator.stats()
        started = time.monotonic()
        result = subprocess.run(
            [TOOL, "fetch", "--app-url", self.emulator.file_url("app.apk"), "--dest", str(dest),
             "--endpoint", self.emulator.endpoint, "--retries", str(RETRIES), "--request-timeout", "10",
             "--wait-timeout", "60"],
            env=self.case.env, capture_output=True, text=True, timeout=300)
        seconds = time.monotonic() - started
        # The emulator may still be finishing a request the tool gave up on.
        time.sleep(0.05)
        after = self.emulator.stats()
        problems, known = [], None

        def check(condition, message):
            if not condition:
                problems.append(message)

        creates = after["actions"]["CreateVerifySDK"] - before["actions"]["CreateVerifySDK"]
        describes = after["actions"]["DescribeVerifySDK"] - before["actions"]["DescribeVerifySDK"]
        downloads = after["downloads"]["requests"] - before["downloads"]["requests"]
        faults = sum(after["faults"].values()) - sum(before["faults"].values())

        # Outcome
        check(result.returncode in DOCUMENTED_EXIT_CODES, "undocumented exit code")
        message = "installed"
        if result.returncode == 0:
            verify = subprocess.run([TOOL, "verify", "--dest", str(dest)], env=self.case.env,
                                    capture_output=True, text=True, timeout=60)
            check(verify.returncode == 0, f"installed but does not verify: {verify.stdout}")
            try:
                manifest = json.loads((dest / "verifysdk.lock.json").read_text())
                license_file = json.loads((dest / "license.json").read_text())
                check(license_file["task_id"] == manifest["task_id"], "license.json of another task")
                check(sorted(f["path"] for f in manifest["files"]) ==
                      ["libs/cloudauth-security.aar", "libs/cloudauth-verify.aar", "license.json"],
                      "installed something else than the generated SDK")
            except (OSError, ValueError, KeyError) as error:
                problems.append(f"installed SDK unreadable: {error!r}")
        else:
            lines = [line for line in result.stderr.splitlines() if line.startswith("verifysdk: error: ")]
            check(len(lines) == 1, "no single error line")
            if lines:
                message = normalise(lines[0])
                tail = result.stderr[result.stderr.index(lines[0]) + len(lines[0]):].strip()
                check(tail.startswith("verifysdk: "), NO_HINT)
            check(not dest.exists() or not any(dest.iterdir()), "half-installed destination")
            if THROTTLED_DOWNLOAD.search(result.stderr):
                known = "throttled SDK download not retried"
                problems.append("throttled download not retried")
            elif problems == [NO_HINT]:
                known = "error without a hint line"
        if state.exists():
            names = {p.name for p in state.iterdir()}
            check(not names & {"staging", "previous"}, f"left {sorted(names)}")
            check(not any(TEMP_MARKER in n for n in names), f"left temp files {sorted(names)}")

        # No storm: attempts per call and requests per run bounded by the policy.
        attempts = [(int(k), int(n)) for k, n in ATTEMPT.findall(result.stderr)]
        check(all(n == RETRIES + 1 and k <= n for k, n in attempts), "attempt beyond the policy")
        checks = 1 + result.stderr.count("still running")
        refreshes = result.stderr.count("asking for a new one")
        restarts = result.stderr.count("starting again")
        download_retries = len(re.findall(r" ms$", result.stderr, re.M))
        check(download_retries <= RETRIES, "download retried beyond the policy")
        calls = 1 + checks + refreshes + 1
        bound = (RETRIES + 1) * (1 + checks + refreshes) + (RETRIES + 1) + refreshes + restarts
        requests = creates + describes + downloads
        check(creates <= RETRIES + 1, f"{creates} CreateVerifySDK requests")
        check(requests <= bound, f"{requests} requests for {calls} calls (bound {bound})")
        if known and not KNOWN_BUGS:
            known = None
        if known and known.startswith("throttled") and \
                set(problems) - {NO_HINT, "throttled download not retried"}:
            known = None  # something else went wrong too
        self.records.append({"run": run, "exit": result.returncode, "message": message, "requests": requests,
                             "calls": calls, "creates": creates, "faults": faults, "seconds": seconds,
                             "max_attempt": max([k for k, _ in attempts], default=1), "problems": problems,
                             "known": known, "stderr": result.stderr})


def normalise(line):
    """An error line without the run-specific parts (ids, ports, numbers)."""
    line = re.sub(r"[0-9a-f]{32}", "<task>", line)
    line = re.sub(r"[0-9A-F]{8}-[0-9A-F-]{27}", "<request>", line)
    line = re.sub(r"127\.0\.0\.1:\d+", "<emulator>", line)
    return re.sub(r"\d+", "N", line)


class Chaos(ToolTestCase):

    def test_hundred_fetches_under_thirty_percent_faults(self):
        runs = list(range(1, RUNS + 1))
        workers = [Worker(self, i, runs[i::WORKERS]) for i in range(WORKERS)]
        started = time.monotonic()
        threads = [threading.Thread(target=w.work) for w in workers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started

        records = sorted((r for w in workers for r in w.records), key=lambda r: r["run"])
        ok = [r for r in records if r["exit"] == 0]
        failed = collections.Counter((r["exit"], r["message"]) for r in records if r["exit"] != 0)
        attempts = [r["requests"] / r["calls"] for r in records]
        worst = max(records, key=lambda r: r["requests"]) if records else None
        all_stats = [w.emulator.stats() for w in workers]
        calls_seen = sum(s["actions"]["CreateVerifySDK"] + s["actions"]["DescribeVerifySDK"] +
                         s["downloads"]["requests"] for s in all_stats)
        faults_applied = sum(sum(s["faults"].values()) for s in all_stats)
        by_kind = collections.Counter()
        for s in all_stats:
            for spec, count in s["faults"].items():
                by_kind[spec.split("@")[0]] += count
        print(f"\nchaos: {len(records)} runs in {elapsed:.0f} s; {faults_applied} of {calls_seen} "
              f"requests faulted ({faults_applied / max(calls_seen, 1):.0%})", file=sys.stderr)
        print(f"  success rate: {len(ok)}/{len(records)}", file=sys.stderr)
        print("  faults applied: " + ", ".join(f"{k} {n}" for k, n in sorted(by_kind.items())), file=sys.stderr)
        if records:
            print(f"  requests per logical call: mean {statistics.mean(attempts):.2f}; per run: mean "
                  f"{statistics.mean(r['requests'] for r in records):.1f}, worst {worst['requests']} "
                  f"(run {worst['run']}, {worst['calls']} calls, exit {worst['exit']}, "
                  f"{worst['seconds']:.1f} s); highest attempt of one call: "
                  f"{max(r['max_attempt'] for r in records)} of {RETRIES + 1}; slowest run "
                  f"{max(r['seconds'] for r in records):.1f} s", file=sys.stderr)
        for (code, message), count in sorted(failed.items()):
            print(f"  {count:>3} x exit {code}: {message}", file=sys.stderr)
        known = collections.defaultdict(list)
        unexpected = []
        for r in records:
            if r["problems"] and r["known"]:
                known[r["known"]].append(r)
            elif r["problems"]:
                unexpected.append(r)
        for name, runs in known.items():
            print(f"  known tool bug, {len(runs)} run(s): {name} (runs {[r['run'] for r in runs]})", file=sys.stderr)
        for r in unexpected:
            print(f"  FAIL run {r['run']}: {'; '.join(r['problems'])}\n{r['stderr']}", file=sys.stderr)
        failures = [w.failure for w in workers if w.failure]
        if records:
            write_results("chaos", {
                "runs": len(records), "installed": len(ok), "success_rate": round(len(ok) / len(records), 3),
                "fault_share_requested": FAULT_SHARE,
                "requests_faulted": faults_applied, "requests_seen": calls_seen,
                "faults_by_kind": dict(sorted(by_kind.items())),
                "mean_requests_per_call": round(statistics.mean(attempts), 2),
                "mean_requests_per_run": round(statistics.mean(r["requests"] for r in records), 2),
                "worst_requests_per_run": worst["requests"],
                "worst_attempt_of_one_call": max(r["max_attempt"] for r in records),
                "retries": RETRIES, "slowest_run_seconds": round(max(r["seconds"] for r in records), 1),
                "failures_by_exit": {f"exit {c}: {m}": n for (c, m), n in sorted(failed.items())},
                "check_failures": len(unexpected) + len(failures), "seconds": round(elapsed, 1), "seed": SEED,
                "known_bugs": [{"name": name, "bug": KNOWN_BUG_TEXT[name],
                                "problems": [f"run {r['run']}: exit {r['exit']}: {r['message']}" for r in runs]}
                               for name, runs in sorted(known.items())],
                "unexpected_failures": [{"name": f"run {r['run']}", "problems": r["problems"]} for r in unexpected]})
        self.assertEqual(failures, [], "\n".join(failures))
        self.assertEqual(len(records), RUNS)
        self.assertEqual(unexpected, [], "runs that broke the rules (printed above)")


KNOWN_BUG_TEXT = {
    "throttled SDK download not retried":
        "a 429 Throttling / 400 Throttling.User answer to the SDK download is not retried (the README's policy "
        "retries Throttling*): exit 5 at once, \"the SDK download answered HTTP 429\", no hint line",
    "error without a hint line":
        "the error has no second line saying what to do (seen: an empty API answer after the last retry)",
}


class FormerBugs(ToolTestCase):
    """Deterministic forms of bugs the chaos runs once found (now fixed)."""

    def fetch(self, *faults, retries=4):
        emulator = self.start_emulator("--generation-delay", "0", *[a for f in faults for a in ("--fault", f)])
        make_apk(emulator.serve_dir / "app.apk")
        result = self.run_tool("fetch", "--app-url", emulator.file_url("app.apk"), "--dest",
                               self.tmp / "project" / "sdk", "--endpoint", emulator.endpoint, "--retries", retries)
        return emulator, result

    def assertHint(self, result):
        lines = result.stderr.strip().splitlines()
        errors = [i for i, line in enumerate(lines) if line.startswith("verifysdk: error: ")]
        self.assertEqual(len(errors), 1, result.stderr)
        self.assertLess(errors[0] + 1, len(lines), f"no hint line after the error: {result.stderr}")
        self.assertTrue(lines[errors[0] + 1].startswith("verifysdk: "), result.stderr)

    def test_download_answered_429_once_is_retried(self):
        emulator, result = self.fetch("download:error=429/Throttling@1")
        self.assertExit(result, 0)
        self.assertEqual(emulator.stats()["downloads"]["requests"], 2)

    def test_download_throttled_once_is_retried(self):
        emulator, result = self.fetch("download:throttle@1")
        self.assertExit(result, 0)
        self.assertEqual(emulator.stats()["downloads"]["requests"], 2)

    def test_empty_answers_error_has_a_hint(self):
        _, result = self.fetch("CreateVerifySDK:empty", retries=1)
        self.assertExit(result, 5, "empty body")
        self.assertHint(result)

    def test_download_cut_short_error_has_a_hint(self):
        _, result = self.fetch("download:truncate=100", retries=0)
        self.assertExit(result, 5)
        self.assertHint(result)


if __name__ == "__main__":
    unittest.main()
