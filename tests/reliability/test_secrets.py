"""Suite 5, secrets: every command and every fault case, with --verbose,
with a recognisable AccessKeyId, secret and STS token. None of the three may
appear in stdout, stderr, the state file, the manifest or any other file the
tool writes (the AccessKeyId only as its last 4 characters). No 8-character
piece of them may appear either (so neither a prefix nor a partly redacted
value leaks).

The credentials come from the environment, from the aliyun CLI's
config.json (mode StsToken) and from the INI credentials file; the AppUrl is
an OSS-style presigned address carrying the same AccessKeyId and token in
its query (as a real presigned OSS address does). Each case gets its own
emulator (`--credentials ID:SECRET:TOKEN`) and project. After each case,
every file that is new or changed under the case's folder (project, state
folder, home), except the credential files the test wrote, is scanned.

Modes: the tool runs with umask 000; .verifysdk/ and the state folder must be
0700 and every file in the state folder 0600: lock, app-digest.json,
state.json (left by a wait timeout), download.part and download.json (left
by a failed download), the kept archive (--keep-archive). The files that are
meant to be committed with the SDK (the SDK, verifysdk.lock.json) and
.verifysdk/.gitignore are exempt."""

import concurrent.futures
import json
import os
import stat
import subprocess
import sys
import time
import unittest
from pathlib import Path

from common import TOOL, Emulator, ToolTestCase, judge, make_apk, state_dir

KEY_ID = "LTAI5tRecognisableKEY1234"
SECRET = "SeCrEt-Recognisable-QwErTyUiOpAsDfGh"  # no hex run: TaskIds and RequestIds are hex
TOKEN = "STS.Recognisable.Token.ABCDEF"
PARALLEL = 8

# Known tool bugs, by case name (see docs/reliability.md).
KNOWN_BUGS = {}  # the StringToSign echo is now scrubbed by the client


def forbidden_pieces():
    """Every 8-character piece of the secret, the token and the AccessKeyId
    without its last 4 characters (those may be shown)."""
    pieces = set()
    for value in (SECRET, TOKEN, KEY_ID[:-4]):
        pieces.update(value[i:i + 8] for i in range(len(value) - 7))
    pieces -= {"Recognis", "ecognisa", "cognisab", "ognisabl", "gnisable"}  # shared by all three: checked
    pieces.update({SECRET, TOKEN, KEY_ID, "Recognisable"})                  # as whole words instead
    return sorted(pieces)


FORBIDDEN = forbidden_pieces()


def leaks(text):
    return [piece for piece in FORBIDDEN if piece in text]


def env_credentials(base):
    env = {k: v for k, v in base.items() if not k.startswith(("ALIBABA_CLOUD_", "ALICLOUD_"))}
    env.update({"ALIBABA_CLOUD_ACCESS_KEY_ID": KEY_ID, "ALIBABA_CLOUD_ACCESS_KEY_SECRET": SECRET,
                "ALIBABA_CLOUD_SECURITY_TOKEN": TOKEN})
    return env


FAULTS = {
    "CreateVerifySDK": ["error=500/InternalError", "error=503/ServiceUnavailable", "error=400/InvalidParameter.AppUrl",
                        "error=403/Forbidden.RAM", "throttle", "throttle=1", "malformed", "html", "empty", "huge",
                        "bad-taskid", "drop", "drop-mid", "delay=3", "fail-generation"],
    "DescribeVerifySDK": ["error=500/InternalError", "error=404/InvalidTaskId.NotFound", "throttle", "malformed",
                          "html", "empty", "huge", "bad-taskid", "drop", "drop-mid", "delay=3"],
    "download": ["error=500/InternalError", "error=403/AccessDenied", "throttle", "malformed", "html", "empty",
                 "drop", "drop-mid", "truncate=100", "expire", "delay=3"],
}


class Case:
    def __init__(self, name, commands, emulator_args=(), credentials=None, tool_env=None, presigned=True,
                 setup=None):
        self.name = name
        self.commands = commands            # lists of arguments, {app_url}, {dest}, {task} filled in
        self.emulator_args = list(emulator_args)
        self.credentials = credentials or [f"{KEY_ID}:{SECRET}:{TOKEN}"]
        self.tool_env = tool_env            # env -> env
        self.presigned = presigned
        self.setup = setup                  # (folder, env) -> None, before the commands


def cases():
    fetch = ["fetch", "--app-url", "{app_url}", "--app-file", "{app_file}", "--dest", "{dest}"]
    result = [
        Case("create, describe, fetch, up to date, verify, offline",
             [["create", "--app-url", "{app_url}"], ["describe", "--task-id", "{task}"],
              fetch, fetch, ["verify", "--dest", "{dest}"], fetch + ["--offline"],
              fetch + ["--refresh", "always", "--keep-archive"], fetch + ["--json"],
              ["create", "--app-url", "{app_url}", "--json"], ["describe", "--task-id", "{task}", "--json"]]),
        Case("dry runs", [["create", "--app-url", "{app_url}", "--dry-run"], fetch + ["--dry-run"],
                          ["describe", "--task-id", "0123456789abcdef0123456789abcdef", "--dry-run"]]),
        Case("form body, GET, XML", [["create", "--app-url", "{app_url}", "--form-body"],
                                     ["create", "--app-url", "{app_url}", "--method", "GET", "--format", "xml"],
                                     fetch + ["--form-body", "--format", "xml"]]),
        Case("help and version", [["--help"], ["fetch", "--help"], ["--version"]]),
        Case("usage error", [["fetch", "--app-url", "{app_url}", "--wait-timeout", "soon"],
                             ["describe", "--task-id", "../x"]]),
        Case("wrong secret: the service echoes its StringToSign", [fetch],
             credentials=[f"{KEY_ID}:other-secret:{TOKEN}"]),
        Case("unknown AccessKeyId", [fetch], credentials=["someone:else"]),
        Case("STS token mismatch", [fetch], credentials=[f"{KEY_ID}:{SECRET}:STS.another.token"]),
        Case("STS key used without its token", [fetch],
             tool_env=lambda env: {k: v for k, v in env.items() if k != "ALIBABA_CLOUD_SECURITY_TOKEN"}),
        Case("secret missing", [fetch],
             tool_env=lambda env: {k: v for k, v in env.items() if k != "ALIBABA_CLOUD_ACCESS_KEY_SECRET"}),
        Case("aliyun CLI config.json, StsToken", [fetch, ["create", "--app-url", "{app_url}"]],
             tool_env=lambda env: without_env_credentials(env), setup=write_cli_config),
        Case("INI credentials file", [["create", "--app-url", "{app_url}"]], credentials=[f"{KEY_ID}:{SECRET}"],
             tool_env=lambda env: without_env_credentials(env), setup=write_ini_credentials),
        Case("wait timeout leaves state.json", [fetch + ["--wait-timeout", "1"]],
             emulator_args=["--generation-delay", "5"]),
    ]
    for target, kinds in FAULTS.items():
        for kind in kinds:
            extra = ["--request-timeout", "1"] if kind.startswith("delay") else []
            result.append(Case(f"fault {target}:{kind}", [fetch + extra + ["--retries", "1"]],
                               emulator_args=["--fault", f"{target}:{kind}"]))
    return result


def without_env_credentials(env):
    return {k: v for k, v in env.items() if not k.startswith(("ALIBABA_CLOUD_ACCESS", "ALIBABA_CLOUD_SECURITY"))}


def write_cli_config(folder, env):
    config = Path(env["HOME"]) / ".aliyun" / "config.json"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(json.dumps({"current": "default", "profiles": [
        {"name": "default", "mode": "StsToken", "access_key_id": KEY_ID, "access_key_secret": SECRET,
         "sts_token": TOKEN, "region_id": "cn-hangzhou"}]}))
    config.chmod(0o600)
    return [config]


def write_ini_credentials(folder, env):
    ini = Path(env["HOME"]) / ".alibabacloud" / "credentials"
    ini.parent.mkdir(parents=True, exist_ok=True)
    ini.write_text(f"[default]\ntype = access_key\naccess_key_id = {KEY_ID}\naccess_key_secret = {SECRET}\n")
    ini.chmod(0o600)
    return [ini]


def files_under(root, skip_dirs=()):
    found = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if str(Path(folder) / d) not in skip_dirs]
        for name in files:
            path = Path(folder) / name
            info = path.lstat()
            found[str(path)] = (info.st_size, info.st_mtime_ns)
    return found


class Secrets(ToolTestCase):

    def run_case(self, numbered):
        number, case = numbered
        try:
            return self.run_case_checked(number, case)
        except Exception as error:  # noqa: BLE001 - one broken case must not hide the others
            return {"name": case.name, "runs": 0, "problems": [f"the case itself failed: {error!r}"],
                    "files": 0, "exits": []}

    def run_case_checked(self, number, case):
        folder = self.tmp / f"{number:03d}"
        emu_dir = folder / "emulator"
        emu_dir.mkdir(parents=True)
        emulator = Emulator(emu_dir, "--generation-delay", "0", *case.emulator_args, credentials=case.credentials)
        problems, exits, scanned = [], [], set()
        try:
            make_apk(emulator.serve_dir / "app.apk")
            home = folder / "home"
            home.mkdir()
            env = env_credentials(dict(self.env, HOME=str(home)))
            if case.tool_env:
                env = case.tool_env(env)
            inputs = set()
            if case.setup:
                inputs = {str(p) for p in case.setup(folder, env)}
            app_url = emulator.file_url("app.apk")
            if case.presigned:
                app_url += (f"?OSSAccessKeyId={KEY_ID}&Expires=1999999999&Signature=c2lnbmF0dXJl"
                            f"&security-token={TOKEN}")
            dest = folder / "project" / "third_party" / "sdk"
            task = "0123456789abcdef0123456789abcdef"
            for command in case.commands:
                before = files_under(folder, skip_dirs={str(emu_dir)})
                args = [a.format(app_url=app_url, app_file=emulator.serve_dir / "app.apk", dest=dest, task=task)
                        for a in command]
                result = subprocess.run([TOOL, *args, "--endpoint", emulator.endpoint, "--verbose"], env=env,
                                        capture_output=True, timeout=120, umask=0)
                exits.append(result.returncode)
                out = result.stdout.decode("utf-8", "replace")
                err = result.stderr.decode("utf-8", "replace")
                if args[0] == "create" and result.returncode == 0 and "--json" not in args and "--dry-run" not in args:
                    task = out.strip().splitlines()[-1]
                for where, text in (("stdout", out), ("stderr", err)):
                    found = leaks(text)
                    if found:
                        line = next(l for l in text.splitlines() if any(f in l for f in found))
                        problems.append(f"`{' '.join(command[:1])}`: {where} shows {found[:3]}: {line[:240]}")
                after = files_under(folder, skip_dirs={str(emu_dir)})
                for path, signature in after.items():
                    if path in inputs or before.get(path) == signature:
                        continue
                    scanned.add(path)
                    found = leaks(Path(path).read_bytes().decode("utf-8", "replace"))
                    if found:
                        problems.append(f"`{' '.join(command[:1])}`: {Path(path).relative_to(folder)} "
                                        f"contains {found[:3]}")
                problems += mode_problems(dest)
        finally:
            emulator.stop()
        return {"name": case.name, "runs": len(case.commands), "problems": sorted(set(problems)),
                "files": len(scanned), "exits": exits}

    def test_no_secret_anywhere(self):
        all_cases = cases()
        started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(PARALLEL) as pool:
            results = list(pool.map(self.run_case, enumerate(all_cases)))
        results.append(self.modes_of_transient_files())
        elapsed = time.monotonic() - started
        runs = sum(r["runs"] for r in results)
        files = sum(r["files"] for r in results)
        print(f"\nsecrets: {len(results)} cases, {runs} runs with --verbose, {files} written files scanned, "
              f"{elapsed:.0f} s", file=sys.stderr)
        judge(self, "secrets", results, KNOWN_BUGS,
              {"cases": len(results), "runs": runs, "files_scanned": files, "seconds": round(elapsed, 1)},
              lambda r: f"exits {r['exits']}  {r['name']}")

    def modes_of_transient_files(self):
        """state.json, download.part/.json and a kept archive exist only in
        some runs: make each stay, then check its mode (umask 000)."""
        problems, exits = [], []
        cases_ = [
            (["--generation-delay", "5"], ["--wait-timeout", "1"], "state.json"),
            (["--fault", "download:truncate=100"], ["--retries", "0"], "download.part"),
            ([], ["--keep-archive"], None),
        ]
        for index, (emulator_args, extra, expect) in enumerate(cases_):
            folder = self.tmp / f"modes{index}"
            (folder / "emulator").mkdir(parents=True)
            emulator = Emulator(folder / "emulator", "--generation-delay", "0", "--sdk-size", "20000",
                                *emulator_args, credentials=[f"{KEY_ID}:{SECRET}:{TOKEN}"])
            try:
                make_apk(emulator.serve_dir / "app.apk")
                dest = folder / "project" / "third_party" / "sdk"
                env = env_credentials(dict(self.env, HOME=str(folder / "home")))
                result = subprocess.run([TOOL, "fetch", "--app-url", emulator.file_url("app.apk"), "--dest", str(dest),
                                         "--endpoint", emulator.endpoint, *extra], env=env, capture_output=True,
                                        timeout=120, umask=0)
                exits.append(result.returncode)
                names = {p.name for p in state_dir(dest).iterdir()}
                if expect and expect not in names:
                    problems.append(f"{expect} was not left by {extra}: {sorted(names)}")
                if expect is None and not any(n.endswith(".zip") for n in names):
                    problems.append(f"no kept archive: {sorted(names)}")
                problems += mode_problems(dest)
            finally:
                emulator.stop()
        return {"name": "modes of state.json, download.part, download.json, kept archive (umask 000)",
                "runs": len(cases_), "problems": problems, "files": 0, "exits": exits}


def mode_problems(dest):
    """.verifysdk/ and the state folder 0700, every file in it 0600."""
    problems = []
    state = state_dir(dest)
    for folder in (state.parent, state):
        if folder.exists() and stat.S_IMODE(folder.lstat().st_mode) != 0o700:
            problems.append(f"{folder.name}/ has mode {oct(stat.S_IMODE(folder.lstat().st_mode))}, not 0o700")
    if state.exists():
        for path in state.rglob("*"):
            mode = stat.S_IMODE(path.lstat().st_mode)
            if path.is_dir():
                continue  # staging/ exists only while the tool runs
            if mode != 0o600:
                problems.append(f"{path.relative_to(state.parent.parent)} has mode {oct(mode)}, not 0o600")
    return problems


if __name__ == "__main__":
    unittest.main()
