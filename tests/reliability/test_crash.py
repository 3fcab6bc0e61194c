"""Suite 1, crash anywhere: `verifysdk fetch` is killed with SIGKILL at 50
points spread over submit, polling, download, extraction and swap.

Each kill happens while the tool replaces an installed SDK (the previous app
build's) with a new one. The kill point is chosen by elapsed time (submit,
polling), by byte counts (bytes of download.part, bytes of the model file
being unpacked into staging/) or by the state folder's contents (swap). The
phase a kill really landed in is read afterwards from the frozen state folder
and the emulator's counters, and the counts are printed.

After every kill:
  * `verifysdk verify --dest` passes and the SDK is either the complete
    previous one or the complete new one (manifest, license.json and files);
  * the next run completes; when a TaskId had been recorded (state.json) it
    resumes that task and submits no second one;
  * afterwards nothing stray is left: no temp files, no staging/, previous/,
    download.part, download.json or state.json; only lock and
    app-digest.json in the state folder.

Three batches run in parallel, each against its own emulator. Tunable by
environment: VERIFYSDK_CRASH_KILLS (default 50), VERIFYSDK_CRASH_SEED."""

import collections
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
import traceback
import unittest
from pathlib import Path

from common import (STATE_RESIDENTS, STRICT, TEMP_MARKER, TOOL, ToolTestCase, make_apk, state_dir, temp_files,
                    write_results)

KILLS = int(os.environ.get("VERIFYSDK_CRASH_KILLS", "50"))
SEED = int(os.environ.get("VERIFYSDK_CRASH_SEED", "20240611"))
BATCHES = 3
PHASES = ("submit", "polling", "download", "extraction", "swap")
SDK_SIZE = 12 << 20          # big enough for extraction and swap to take a few ms
DOWNLOAD_RATE = 24 << 20     # ~0.5 s of download per task
CREATE_DELAY = 0.25          # a slow CreateVerifySDK answer: the submit window
MODEL = "libs/cloudauth-model.bin"
SWAP_WINDOW = 0.07           # seconds from "staged SDK complete" to the end of the run
MAX_ATTEMPTS_PER_KILL = 6    # a planned kill point the run passed too fast is tried again (aiming earlier)
# Tool bug, open: a run killed after the exchange but before its clean-up
# leaves state.json, download.part, download.json (and staging/ holding the
# old SDK, or the temp file of the app-digest.json write) behind; the next
# run finds the SDK up to date and returns before it takes the lock, so it
# never clears them. While this is True (unless VERIFYSDK_STRICT=1), the kill
# loop counts these cases instead of failing, and LeftoversAfterTheSwap is an
# expected failure (it reports an unexpected success once the tool is fixed).
KNOWN_BUG_LEFTOVERS = False  # fixed: an up-to-date run now clears them
LEFTOVERS_OF_THE_SWAP = {"state.json", "download.part", "download.json", "staging", "previous"}


def shm_or_none():
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None


class Batch:
    """One emulator, one project, kills in a loop."""

    def __init__(self, case, index):
        self.case = case
        self.index = index
        extra = ["--work-dir", shm_or_none()] if shm_or_none() else []
        self.emulator = case.start_emulator(
            "--generation-delay", "0.2", "--sdk-size", str(SDK_SIZE),
            "--download-rate", str(DOWNLOAD_RATE),
            "--fault", f"CreateVerifySDK:delay={CREATE_DELAY}", *extra)
        self.project = case.tmp / f"batch{index}" / "project"
        self.dest = self.project / "third_party" / "sdk"
        self.state = state_dir(self.dest)
        self.records = []
        self.known_bug_leftovers = []
        self.failure = None
        self.attempt = 0

    # -- helpers ----------------------------------------------------------
    def app(self, number):
        name = f"app-{number}.apk"
        path = self.emulator.serve_dir / name
        if not path.exists():
            make_apk(path, marker=f"{self.index}-{number}")
        return self.emulator.file_url(name), path

    def fetch_command(self, number):
        url, path = self.app(number)
        return [TOOL, "fetch", "--app-url", url, "--app-file", str(path), "--dest", str(self.dest),
                "--endpoint", self.emulator.endpoint, "--wait-timeout", "60"]

    def run(self, command, timeout=120):
        return subprocess.run(command, env=self.case.env, capture_output=True, text=True, timeout=timeout)

    def manifest(self):
        try:
            return json.loads((self.dest / "verifysdk.lock.json").read_text())
        except (OSError, ValueError):
            return None

    def creates(self):
        return self.emulator.stats()["actions"]["CreateVerifySDK"]

    def check(self, condition, message):
        if not condition:
            raise AssertionError(f"batch {self.index}: {message}")

    # -- the loop -----------------------------------------------------------
    def install_first(self):
        result = self.run(self.fetch_command(0))
        self.check(result.returncode == 0, f"first install failed: {result.stderr}")

    def work(self, plans):
        try:
            self.install_first()
            for kill_number, (phase, fraction) in plans:
                for retry in range(MAX_ATTEMPTS_PER_KILL):
                    if self.one_kill(kill_number, phase, fraction):
                        break
                    fraction *= 0.5  # the run got past the point: aim earlier next time
        except BaseException:  # noqa: BLE001 - reported by the main thread
            self.failure = traceback.format_exc()

    def one_kill(self, kill_number, target, fraction):
        self.attempt += 1
        number = self.attempt
        url, _ = self.app(number)
        before = self.manifest()
        self.check(before is not None, "no installed SDK before the kill")
        creates_before = self.creates()
        with open(self.case.tmp / f"batch{self.index}-kill.err", "w") as err:
            process = subprocess.Popen(self.fetch_command(number), env=self.case.env,
                                       stdout=subprocess.DEVNULL, stderr=err)
            killed = self.kill_at(process, target, fraction)
            process.wait(timeout=60)
        if not killed:
            self.check(process.returncode == 0, f"unkilled run failed: exit {process.returncode}")
            self.records.append({"kill": None, "target": target})
            return False

        # A request the killed process had already written may still be on its
        # way into the emulator's counters: let it land before counting.
        time.sleep(0.2)
        landed, detail, state_task = self.classify(url, creates_before)
        # 1. the destination is the complete previous SDK or the complete new one
        verify = self.run([TOOL, "verify", "--dest", str(self.dest)])
        self.check(verify.returncode == 0,
                   f"kill {kill_number} ({detail}): verify failed: {verify.stdout}{verify.stderr}")
        now = self.manifest()
        license_file = json.loads((self.dest / "license.json").read_text())
        self.check(license_file["task_id"] == now["task_id"], "license.json is from another task")
        if now["app_url"] == url:
            outcome = "new SDK"
        else:
            self.check(now == before, f"kill {kill_number} ({detail}): neither the previous nor the new SDK")
            outcome = "previous SDK"

        # 2. the next run completes, resuming a recorded task
        creates_at_kill = self.creates()
        again = self.run(self.fetch_command(number))
        self.check(again.returncode == 0,
                   f"kill {kill_number} ({detail}): next run failed: {again.stdout}{again.stderr}")
        new_creates = self.creates() - creates_at_kill
        if outcome == "new SDK":
            self.check("up to date" in again.stderr and new_creates == 0,
                       f"kill {kill_number} ({detail}): new SDK in place but the next run did: {again.stderr}")
            recovery = "up to date"
        elif state_task:
            self.check(new_creates == 0 and f"resuming generation task {state_task}" in again.stderr,
                       f"kill {kill_number} ({detail}): task {state_task} was recorded, yet the next run "
                       f"submitted {new_creates} task(s): {again.stderr}")
            recovery = "resumed task"
        else:
            self.check(new_creates == 1, f"kill {kill_number} ({detail}): {new_creates} new tasks")
            recovery = "submitted again"
        self.check(self.manifest()["app_url"] == url, "the next run did not install the new SDK")
        verify = self.run([TOOL, "verify", "--dest", str(self.dest)])
        self.check(verify.returncode == 0, f"kill {kill_number}: verify after the next run: {verify.stdout}")

        # 3. nothing stray
        residents = {p.name for p in self.state.iterdir()}
        stray = sorted(residents - STATE_RESIDENTS)
        known = KNOWN_BUG_LEFTOVERS and recovery == "up to date" and \
            all(name in LEFTOVERS_OF_THE_SWAP or TEMP_MARKER in name for name in stray)
        outside = [t for t in temp_files(self.project) if Path(t).parent != self.state]
        self.check(outside == [], f"kill {kill_number} ({detail}): temp files {outside}")
        self.check(not stray or known,
                   f"kill {kill_number} ({detail}, next run: {recovery}): stray files in the state "
                   f"folder: {stray}")
        if stray:
            # Known tool bug (see LeftoversAfterTheSwap): count it, then clear
            # the leftovers so that the next kill starts from a clean state.
            self.known_bug_leftovers.append(stray)
            for name in stray:
                path = self.state / name
                shutil.rmtree(path) if path.is_dir() else path.unlink()
        self.check(sorted(p.name for p in self.dest.parent.iterdir()) == [".verifysdk", "sdk"],
                   f"stray files beside the SDK: {sorted(p.name for p in self.dest.parent.iterdir())}")
        self.check(sorted(p.name for p in self.state.parent.iterdir()) == [".gitignore", "sdk"],
                   f"stray files in .verifysdk: {sorted(p.name for p in self.state.parent.iterdir())}")
        self.records.append({"kill": kill_number, "target": target, "phase": landed, "detail": detail,
                             "at_kill": outcome, "next_run": recovery,
                             "tasks_in_cycle": self.creates() - creates_before})
        return True

    def kill_at(self, process, target, fraction):
        """Wait for the planned point, SIGKILL. False if the run ended first."""
        started = time.monotonic()
        part = self.state / "download.part"
        model = self.state / "staging" / MODEL
        staged_manifest = self.state / "staging" / "verifysdk.lock.json"
        previous = self.state / "previous"

        def size(path):
            try:
                return path.stat().st_size
            except OSError:
                return -1

        if target == "submit":
            ready = lambda: time.monotonic() - started >= 0.02 + fraction * (CREATE_DELAY + 0.05)  # noqa: E731
        elif target == "polling":
            mark = []

            def ready():
                if not mark and (self.state / "state.json").exists():
                    mark.append(time.monotonic())
                return bool(mark) and time.monotonic() - mark[0] >= fraction * 1.6
        elif target == "download":
            ready = lambda: size(part) >= max(1, int(fraction * SDK_SIZE))  # noqa: E731
        elif target == "extraction":
            ready = lambda: size(model) >= int(fraction * (SDK_SIZE - 4096))  # noqa: E731
        else:
            # Extraction is over once the manifest is in staging/; then come the
            # flush (syncfs), the exchange, removing the old copy and clean-up,
            # together ~60 ms here: the kill lands somewhere in that window.
            seen = []

            def ready():
                if not seen and (staged_manifest.exists() or previous.exists()):
                    seen.append(time.monotonic())
                return bool(seen) and time.monotonic() - seen[0] >= fraction * SWAP_WINDOW
        fine = target in ("extraction", "swap", "download")
        deadline = started + 60
        while process.poll() is None:
            if ready():
                process.send_signal(signal.SIGKILL)
                return True
            if time.monotonic() > deadline:
                process.kill()
                raise AssertionError(f"batch {self.index}: kill point {target} never reached")
            time.sleep(0.0005 if fine else 0.005)
        return False

    def classify(self, new_url, creates_before):
        """Where the killed run stopped, from the frozen state folder."""
        names = {p.name for p in self.state.iterdir()} if self.state.exists() else set()
        task = None
        if "state.json" in names:
            try:
                saved = json.loads((self.state / "state.json").read_text())
                task = saved.get("task_id") if saved.get("app_url") == new_url else None
            except ValueError:
                task = None
        manifest = self.manifest()
        if manifest and manifest["app_url"] == new_url:
            return "swap", "swap: new SDK in place, cleaning up", task
        if "previous" in names:
            return "swap", "swap: exchanged, removing the previous SDK", task
        if "staging" in names and (self.state / "staging" / "verifysdk.lock.json").exists():
            return "swap", "swap: staged SDK complete, flushing before the exchange", task
        if "staging" in names:
            return "extraction", "extraction: unpacking into staging/", task
        if "download.part" in names:
            return "download", "download: download.part being written", task
        if task:
            return "polling", "polling: task recorded in state.json", task
        if self.creates() > creates_before:
            return "submit", "submit: CreateVerifySDK sent, answer not received", task
        return "submit", "submit: before CreateVerifySDK (start-up, app hashing, lock)", task


class CrashAnywhere(ToolTestCase):

    def test_sigkill_anywhere(self):
        rng = random.Random(SEED)
        plans = [(PHASES[i % len(PHASES)], rng.random()) for i in range(KILLS)]
        batches = [Batch(self, i) for i in range(BATCHES)]
        shares = [[(n + 1, plan) for n, plan in enumerate(plans) if n % BATCHES == b] for b in range(BATCHES)]
        started = time.monotonic()
        threads = [threading.Thread(target=batch.work, args=(share,)) for batch, share in zip(batches, shares)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started

        records = [r for batch in batches for r in batch.records]
        kills = [r for r in records if r["kill"] is not None]
        by_phase = collections.Counter(r["phase"] for r in kills)
        by_detail = collections.Counter(r["detail"] for r in kills)
        at_kill = collections.Counter(r["at_kill"] for r in kills)
        next_run = collections.Counter(r["next_run"] for r in kills)
        print(f"\nkills: {len(kills)} (planned {KILLS}, runs that ended before their kill point: "
              f"{len(records) - len(kills)}), {elapsed:.0f} s", file=sys.stderr)
        for phase in PHASES:
            print(f"  {phase:<11} {by_phase.get(phase, 0):>3}", file=sys.stderr)
        for detail, count in sorted(by_detail.items()):
            print(f"    {count:>3}  {detail}", file=sys.stderr)
        print(f"  --dest at the kill: {dict(at_kill)}", file=sys.stderr)
        print(f"  next run: {dict(next_run)}", file=sys.stderr)
        failures = [b.failure for b in batches if b.failure]
        leftovers = [stray for b in batches for stray in b.known_bug_leftovers]
        if leftovers:
            print(f"  known tool bug: {len(leftovers)} kill(s) after the exchange left {leftovers} "
                  "behind an up-to-date next run", file=sys.stderr)
        write_results("crash", {
            "kills": len(kills), "planned": KILLS, "missed_kill_points": len(records) - len(kills),
            "kills_per_phase": {p: by_phase.get(p, 0) for p in PHASES},
            "kills_per_point": dict(by_detail), "dest_at_kill": dict(at_kill), "next_run": dict(next_run),
            "survived": len(kills),
            "leftovers_after_up_to_date_run": len(leftovers),
            "known_bugs": [{"name": "kill after the exchange, then an up-to-date run",
                            "bug": "the next run finds the SDK up to date and returns before taking the lock, "
                                   "so what the killed run left in the state folder stays",
                            "problems": [f"left {', '.join(stray)}" for stray in leftovers]}] if leftovers else [],
            "failures": len(failures), "seconds": round(elapsed, 1), "seed": SEED})
        self.assertEqual(failures, [], "\n".join(failures))
        self.assertEqual(len(kills), KILLS)


def expected_failure_while(condition):
    return unittest.expectedFailure if condition else (lambda test: test)


class LeftoversAfterTheSwap(ToolTestCase):
    """Deterministic form of the clean-up kill point: the files a run killed
    right after the exchange leaves behind, rebuilt by hand, then one run."""

    @expected_failure_while(KNOWN_BUG_LEFTOVERS)
    def test_next_run_clears_what_a_kill_after_the_exchange_left(self):
        emulator = self.start_emulator("--generation-delay", "0")
        dest = self.tmp / "project" / "third_party" / "sdk"
        state = state_dir(dest)

        def fetch(app, **kwargs):
            make_apk(emulator.serve_dir / app, marker=app)
            command = [TOOL, "fetch", "--app-url", emulator.file_url(app), "--dest", str(dest),
                       "--endpoint", emulator.endpoint]
            return subprocess.Popen(command, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True, **kwargs)

        process = fetch("old.apk")
        process.communicate(timeout=60)
        self.assertEqual(process.returncode, 0)
        old_sdk = self.tmp / "old-sdk"
        shutil.copytree(dest, old_sdk)
        # state.json as the tool writes it: from a run killed while it polls
        process = fetch("new.apk")
        deadline = time.monotonic() + 30
        while not (state / "state.json").exists():
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.01)
        process.kill()
        process.communicate()
        saved_state = (state / "state.json").read_bytes()
        process = fetch("new.apk")
        output = process.communicate(timeout=60)
        self.assertEqual(process.returncode, 0, output)
        manifest = json.loads((dest / "verifysdk.lock.json").read_text())
        # What the run leaves when killed between the exchange and the clean-up:
        (state / "state.json").write_bytes(saved_state)
        shutil.copytree(old_sdk, state / "staging")
        (state / "download.part").write_bytes(b"PK" + b"\0" * 1000)
        (state / "download.json").write_text(json.dumps(
            {"task_id": manifest["task_id"], "etag": '"x"', "total": 1002}))
        (state / ".app-digest.json.verifysdk-tmp-99999-0").write_text("{")
        result = self.run_tool("fetch", "--app-url", emulator.file_url("new.apk"), "--dest", dest,
                               "--endpoint", emulator.endpoint)
        self.assertExit(result, 0, "up to date")
        self.assertEqual(sorted({p.name for p in state.iterdir()} - STATE_RESIDENTS), [],
                         "files left in the state folder after an up-to-date run")


if __name__ == "__main__":
    unittest.main()
