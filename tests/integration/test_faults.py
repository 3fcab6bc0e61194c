"""How create / describe behave when the service misbehaves (emulator --fault)."""

import json
import unittest

from harness import ToolTestCase, make_apk


class Faults(ToolTestCase):

    def create(self, emulator, *extra):
        make_apk(emulator.serve_dir / "app.apk")
        return self.run_tool("create", "--app-url", emulator.file_url("app.apk"), *self.api(emulator),
                             *extra)

    def test_service_unavailable_twice_then_success(self):
        emulator = self.start_emulator("--fault", "CreateVerifySDK:error=503/ServiceUnavailable@1-2")
        result = self.create(emulator)
        self.assertExit(result, 0, "ServiceUnavailable; retrying")
        stats = emulator.stats()
        self.assertEqual(stats["actions"]["CreateVerifySDK"], 3)
        self.assertEqual(stats["accepted"]["CreateVerifySDK"], 1)
        nonces = [e["nonce"] for e in emulator.log()]
        self.assertEqual(len(set(nonces)), 3, "every retry is signed afresh")

    def test_internal_error_on_describe_is_retried(self):
        emulator = self.start_emulator("--generation-delay", "0",
                                       "--fault", "DescribeVerifySDK:error=500/InternalError@1-2")
        task_id = self.create(emulator).stdout.strip()
        result = self.run_tool("describe", "--task-id", task_id, *self.api(emulator))
        self.assertExit(result, 0)
        self.assertEqual(emulator.stats()["actions"]["DescribeVerifySDK"], 3)

    def test_throttling_honours_retry_after(self):
        emulator = self.start_emulator("--fault", "CreateVerifySDK:throttle=1@1")
        result = self.create(emulator)
        self.assertExit(result, 0, "Throttling.User; retrying in 1.0 s")

    def test_retries_are_bounded(self):
        emulator = self.start_emulator("--fault", "CreateVerifySDK:error=503/ServiceUnavailable")
        result = self.create(emulator, "--retries", "2")
        self.assertExit(result, 4, "ServiceUnavailable", "RequestId")
        self.assertEqual(emulator.stats()["actions"]["CreateVerifySDK"], 3)

    def test_permanent_error_is_not_retried(self):
        emulator = self.start_emulator("--fault", "CreateVerifySDK:error=400/InvalidParameter.AppUrl")
        self.assertExit(self.create(emulator), 4, "InvalidParameter.AppUrl")
        self.assertEqual(emulator.stats()["actions"]["CreateVerifySDK"], 1)

    def test_unreadable_bodies(self):
        for kind, fragment in (("malformed", "not a JSON or XML document"),
                               ("html", "502 Bad Gateway"),
                               ("empty", "empty body"),
                               ("huge", "larger than 1024 KiB")):
            with self.subTest(kind=kind):
                emulator = self.start_emulator("--fault", f"CreateVerifySDK:{kind}")
                result = self.create(emulator, "--retries", "1")
                self.assertExit(result, 5, fragment, "after 2 attempts")
                self.assertEqual(emulator.stats()["actions"]["CreateVerifySDK"], 2)

    def test_unreadable_body_once_then_success(self):
        emulator = self.start_emulator("--fault", "CreateVerifySDK:malformed@1")
        self.assertExit(self.create(emulator), 0)

    def test_bad_task_id_and_sdk_url(self):
        emulator = self.start_emulator("--fault", "CreateVerifySDK:bad-taskid")
        self.assertExit(self.create(emulator), 4, "TaskId with unexpected characters")
        emulator = self.start_emulator("--generation-delay", "0", "--fault", "DescribeVerifySDK:bad-taskid")
        task_id = self.create(emulator).stdout.strip()
        self.assertExit(self.run_tool("describe", "--task-id", task_id, *self.api(emulator)), 4,
                        "not an https address", "file:///etc/passwd")

    def test_dropped_connection_is_retried(self):
        emulator = self.start_emulator("--fault", "CreateVerifySDK:drop@1", "--fault",
                                       "CreateVerifySDK:drop-mid@2")
        self.assertExit(self.create(emulator), 0)
        self.assertEqual(emulator.stats()["actions"]["CreateVerifySDK"], 3)

    def test_slow_answer_beyond_the_timeout(self):
        emulator = self.start_emulator("--fault", "CreateVerifySDK:delay=3@1")
        result = self.create(emulator, "--request-timeout", "1", "--retries", "0")
        self.assertExit(result, 5, "network failure", "timed out")
        self.assertExit(self.create(emulator, "--request-timeout", "1"), 0)

    def test_json_error_object(self):
        emulator = self.start_emulator("--fault", "CreateVerifySDK:error=400/InvalidParameter.AppUrl")
        result = self.create(emulator, "--json")
        self.assertEqual(result.returncode, 4)
        answer = json.loads(result.stdout)
        self.assertEqual(answer["exit_code"], 4)
        self.assertEqual(answer["error"]["code"], "InvalidParameter.AppUrl")


if __name__ == "__main__":
    unittest.main()
