"""verifysdk create / describe against the emulator, over HTTP and HTTPS."""

import json
import time
import unittest

from harness import CERTS, ToolTestCase, make_apk, make_ipa


class CreateDescribe(ToolTestCase):

    def submit_and_wait(self, emulator, *options, platform=None):
        make_apk(emulator.serve_dir / "app.apk")
        create = ["create", "--app-url", emulator.file_url("app.apk"), *self.api(emulator, *options)]
        if platform:
            create += ["--platform", platform]
        created = self.run_tool(*create, "--json")
        self.assertExit(created, 0)
        task_id = json.loads(created.stdout)["task_id"]
        for _ in range(100):
            described = self.run_tool("describe", "--task-id", task_id, *self.api(emulator, *options),
                                      "--json")
            self.assertExit(described, 0)
            answer = json.loads(described.stdout)
            self.assertEqual(answer["task_id"], task_id)
            self.assertTrue(answer["request_id"])
            if answer["ready"]:
                self.assertTrue(answer["sdk_url"].startswith(emulator.endpoint + "/sdk/"))
                return task_id, answer
            self.assertEqual(answer["sdk_url"], "")
            time.sleep(0.2)
        self.fail("the SDK address never appeared")

    def test_create_then_describe_until_ready_json(self):
        emulator = self.start_emulator("--generation-delay", "0.5")
        self.submit_and_wait(emulator, platform="android")
        self.assertGreaterEqual(emulator.stats()["accepted"]["DescribeVerifySDK"], 1)

    def test_xml_format(self):
        emulator = self.start_emulator("--generation-delay", "0.3")
        self.submit_and_wait(emulator, "--format", "xml")
        self.assertTrue(all(entry["status"] == 200 for entry in emulator.log()))

    def test_get_and_form_body(self):
        emulator = self.start_emulator("--generation-delay", "0.2")
        self.submit_and_wait(emulator)
        self.submit_and_wait(emulator, "--method", "GET")
        self.submit_and_wait(emulator, "--form-body")
        places = {(e["method"], e["params_in"]) for e in emulator.log()}
        self.assertIn(("GET", "query"), places)
        self.assertIn(("POST", "both"), places)   # common parameters in the query, action's in the body
        self.assertIn(("POST", "query"), places)  # the official SDKs' way

    def test_documentation_response_shapes(self):
        for style in ("data", "data-url"):
            with self.subTest(style=style):
                emulator = self.start_emulator("--generation-delay", "0.2", "--response-style", style)
                self.submit_and_wait(emulator)
                self.submit_and_wait(emulator, "--format", "xml")

    def test_plain_text_output(self):
        emulator = self.start_emulator("--generation-delay", "0")
        make_ipa(emulator.serve_dir / "app.ipa")
        created = self.run_tool("create", "--app-url", emulator.file_url("app.ipa"), "--platform", "ios",
                                *self.api(emulator))
        self.assertExit(created, 0)
        task_id = created.stdout.strip()
        self.assertRegex(task_id, r"^[0-9a-f]{32}$")
        time.sleep(0.5)
        described = self.run_tool("describe", "--task-id", task_id, *self.api(emulator))
        self.assertExit(described, 0)
        self.assertTrue(described.stdout.strip().startswith("http://127.0.0.1:"))

    def test_sts_token(self):
        emulator = self.start_emulator("--generation-delay", "0",
                                       credentials=["stsid:stssecret:the-sts-token"])
        env = dict(self.env, ALIBABA_CLOUD_ACCESS_KEY_ID="stsid", ALIBABA_CLOUD_ACCESS_KEY_SECRET="stssecret",
                   ALIBABA_CLOUD_SECURITY_TOKEN="the-sts-token")
        make_apk(emulator.serve_dir / "app.apk")
        result = self.run_tool("create", "--app-url", emulator.file_url("app.apk"), *self.api(emulator), env=env)
        self.assertExit(result, 0)
        self.assertTrue(emulator.log()[-1]["had_security_token"])
        del env["ALIBABA_CLOUD_SECURITY_TOKEN"]
        refused = self.run_tool("create", "--app-url", emulator.file_url("app.apk"), *self.api(emulator),
                                env=env)
        self.assertExit(refused, 3, "InvalidSecurityToken.MismatchWithAccessKey", "STS token")

    def test_credentials_from_aliyun_cli_profile(self):
        emulator = self.start_emulator("--generation-delay", "0")
        config = self.tmp / "config.json"
        config.write_text(json.dumps({"current": "ci", "profiles": [
            {"name": "ci", "mode": "AK", "access_key_id": "testid", "access_key_secret": "testsecret"}]}))
        config.chmod(0o600)
        env = {k: v for k, v in self.env.items() if not k.startswith("ALIBABA_CLOUD_ACCESS")}
        env["ALIBABA_CLOUD_CONFIG_FILE"] = str(config)
        make_apk(emulator.serve_dir / "app.apk")
        self.assertExit(self.run_tool("create", "--app-url", emulator.file_url("app.apk"),
                                      *self.api(emulator), env=env), 0)
        self.assertExit(self.run_tool("create", "--app-url", emulator.file_url("app.apk"), "--profile",
                                      "other", *self.api(emulator), env=env), 3, "no credentials found",
                        str(config))

    def test_dry_run_sends_nothing_and_redacts(self):
        emulator = self.start_emulator()
        env = dict(self.env, ALIBABA_CLOUD_ACCESS_KEY_ID="LTAIexample0000wxyz")
        result = self.run_tool("create", "--app-url", "https://cdn.example.com/a.apk", "--dry-run",
                               *self.api(emulator), env=env)
        self.assertExit(result, 0, "POST " + emulator.endpoint + "/?", "Action=CreateVerifySDK",
                        "AccessKeyId=***************wxyz", "Signature=REDACTED")
        self.assertNotIn("LTAIexample", result.stdout + result.stderr)
        self.assertNotIn(SECRET_MARKER, result.stdout + result.stderr)
        stats = emulator.stats()
        self.assertEqual(stats["actions"]["CreateVerifySDK"], 0)
        self.assertEqual(stats["actions"]["DescribeVerifySDK"], 0)


SECRET_MARKER = "testsecret"


class Refusals(ToolTestCase):

    def test_wrong_secret_is_never_retried(self):
        emulator = self.start_emulator()
        env = dict(self.env, ALIBABA_CLOUD_ACCESS_KEY_SECRET="wrong")
        result = self.run_tool("create", "--app-url", "https://x.example/a.apk", *self.api(emulator), env=env)
        self.assertExit(result, 3, "SignatureDoesNotMatch", "RequestId", "check the AccessKeySecret")
        self.assertEqual(emulator.stats()["actions"]["CreateVerifySDK"], 1)

    def test_unknown_access_key(self):
        emulator = self.start_emulator()
        env = dict(self.env, ALIBABA_CLOUD_ACCESS_KEY_ID="nobody")
        self.assertExit(self.run_tool("describe", "--task-id", "abc", *self.api(emulator), env=env), 3,
                        "InvalidAccessKeyId.NotFound")

    def test_unknown_task(self):
        emulator = self.start_emulator()
        self.assertExit(self.run_tool("describe", "--task-id", "abc", *self.api(emulator)), 4,
                        "InvalidParameter.TaskId")

    def test_unknown_api_version(self):
        emulator = self.start_emulator()
        self.assertExit(self.run_tool("describe", "--task-id", "abc", "--api-version", "2000-01-01",
                                      *self.api(emulator)), 4, "InvalidVersion")

    def test_missing_credentials(self):
        env = {k: v for k, v in self.env.items() if not k.startswith("ALIBABA_CLOUD_")}
        result = self.run_tool("describe", "--task-id", "abc", "--endpoint", "http://127.0.0.1:9", env=env)
        self.assertExit(result, 3, "no credentials found", "ALIBABA_CLOUD_ACCESS_KEY_ID",
                        ".aliyun/config.json", ".alibabacloud/credentials")

    def test_half_filled_environment(self):
        env = {k: v for k, v in self.env.items() if k != "ALIBABA_CLOUD_ACCESS_KEY_SECRET"}
        self.assertExit(self.run_tool("describe", "--task-id", "abc", "--endpoint", "http://127.0.0.1:9",
                                      env=env), 3, "ALIBABA_CLOUD_ACCESS_KEY_SECRET is not")

    def test_usage_errors(self):
        self.assertExit(self.run_tool("create"), 2, "--app-url")
        self.assertExit(self.run_tool("frobnicate"), 2)
        self.assertExit(self.run_tool("describe", "--task-id", "x", "--endpoint",
                                      "http://cloudauth.example.com"), 2, "not loopback")
        self.assertExit(self.run_tool("describe", "--task-id", "../x", "--endpoint", "http://127.0.0.1:9"),
                        2, "is not a TaskId")
        self.assertExit(self.run_tool("create", "--app-url", "ftp://x/a.apk"), 2, "http")

    def test_version_and_help(self):
        self.assertExit(self.run_tool("--version"), 0, "verifysdk ")
        self.assertExit(self.run_tool("--help"), 0, "create", "describe", "fetch", "verify")


class Tls(ToolTestCase):

    def test_https_with_ca_file(self):
        emulator = self.start_emulator("--generation-delay", "0", tls=True)
        make_apk(emulator.serve_dir / "app.apk")
        self.assertExit(self.run_tool("create", "--app-url", emulator.file_url("app.apk"),
                                      *self.api(emulator)), 0)

    def test_refuses_unknown_ca_without_ca_file(self):
        emulator = self.start_emulator(tls=True)
        result = self.run_tool("create", "--app-url", "https://x.example/a.apk", "--endpoint", emulator.endpoint)
        self.assertExit(result, 5, "could not be verified", "--ca-file")
        self.assertEqual(emulator.stats()["actions"]["CreateVerifySDK"], 0)


if __name__ == "__main__":
    unittest.main()
