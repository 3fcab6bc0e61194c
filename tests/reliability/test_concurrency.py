"""Suite 3, concurrency: 20 `verifysdk fetch` processes start at once over 5
destinations (4 per destination, two destinations sharing a parent folder,
so also a shared .verifysdk/). The emulator must count exactly 5
CreateVerifySDK calls, 5 tasks and 5 complete downloads; every process exits
0 (one installs, the others wait for the lock and find the SDK up to date);
all 5 destinations verify, each with its own task.

Then the same 20 start again with a new build of the app: again exactly 5
new tasks and 5 downloads, and every destination holds the new SDK."""

import json
import subprocess
import sys
import time
import unittest

from common import STATE_RESIDENTS, TOOL, ToolTestCase, make_apk, state_dir, temp_files, write_results

DESTINATIONS = 5
PER_DESTINATION = 4


class Concurrency(ToolTestCase):

    def setUp(self):
        super().setUp()
        self.emulator = self.start_emulator("--generation-delay", "0.5", "--sdk-size", str(1 << 20))
        self.project = self.tmp / "project"
        # sdk0 and sdk1 share a parent (one .verifysdk/ for both); the others each have their own.
        self.dests = [self.project / ("shared" if i < 2 else f"part{i}") / f"sdk{i}" for i in range(DESTINATIONS)]

    def round(self, app):
        make_apk(self.emulator.serve_dir / app, marker=app)
        before = self.emulator.stats()
        commands = [[TOOL, "fetch", "--app-url", self.emulator.file_url(app), "--app-file",
                     str(self.emulator.serve_dir / app), "--dest", str(dest), "--endpoint", self.emulator.endpoint]
                    for _ in range(PER_DESTINATION) for dest in self.dests]
        started = time.monotonic()
        processes = [subprocess.Popen(c, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                     for c in commands]
        outputs = [p.communicate(timeout=180) for p in processes]
        seconds = time.monotonic() - started
        after = self.emulator.stats()
        for process, (_, stderr) in zip(processes, outputs):
            self.assertEqual(process.returncode, 0, stderr)
        installed = sum("installed the SDK" in err for _, err in outputs)
        up_to_date = sum("up to date" in err for _, err in outputs)
        creates = after["actions"]["CreateVerifySDK"] - before["actions"]["CreateVerifySDK"]
        tasks = after["tasks"]["created"] - before["tasks"]["created"]
        downloads = after["downloads"]["completed"] - before["downloads"]["completed"]
        download_requests = after["downloads"]["requests"] - before["downloads"]["requests"]
        self.assertEqual((creates, tasks, downloads, download_requests), (DESTINATIONS,) * 4,
                         "CreateVerifySDK calls, tasks, complete downloads, download requests")
        self.assertEqual((installed, up_to_date), (DESTINATIONS, len(commands) - DESTINATIONS))
        task_ids = set()
        for dest in self.dests:
            self.assertExit(self.run_tool("verify", "--dest", dest), 0, "files match the manifest")
            manifest = json.loads((dest / "verifysdk.lock.json").read_text())
            self.assertEqual(manifest["app_url"], self.emulator.file_url(app))
            self.assertEqual(json.loads((dest / "license.json").read_text())["task_id"], manifest["task_id"])
            task_ids.add(manifest["task_id"])
            self.assertLessEqual({p.name for p in state_dir(dest).iterdir()}, STATE_RESIDENTS)
        self.assertEqual(len(task_ids), DESTINATIONS, "each destination has its own task")
        self.assertEqual(temp_files(self.project), [])
        print(f"\n{app}: {len(commands)} processes over {DESTINATIONS} destinations in {seconds:.1f} s: "
              f"{creates} CreateVerifySDK, {tasks} tasks, {downloads} downloads; {installed} installed, "
              f"{up_to_date} up to date", file=sys.stderr)
        return {"processes": len(commands), "destinations": DESTINATIONS, "create_calls": creates,
                "tasks": tasks, "downloads": downloads, "installed": installed, "up_to_date": up_to_date,
                "verified_destinations": len(self.dests), "seconds": round(seconds, 1)}

    def test_twenty_processes_five_destinations(self):
        first = self.round("app-1.apk")
        second = self.round("app-2.apk")  # a new app build: every destination is refreshed once
        write_results("concurrency", {"rounds": [first, second],
                                      "concurrent_runs": first["processes"] + second["processes"],
                                      "seconds": round(first["seconds"] + second["seconds"], 1)})


if __name__ == "__main__":
    unittest.main()
