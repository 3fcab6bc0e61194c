"""Shared pieces of the reliability and security suites.

The emulator, the tool runner and the app builder come from
tests/integration/harness.py (imported, not copied). What is added here:
where each suite writes its figures (JSON, read by make_report.py), the
tool's state paths, and file-system snapshots to prove what a run touched.
Standard library only."""

import datetime
import json
import os
import stat
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "tests" / "integration"))
sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree

from harness import CERTS, KEY_ID, SECRET, TOOL, Emulator, ToolTestCase, make_apk  # noqa: E402,F401

# Where each suite writes <suite>.json. CTest sets it to the test binary dir.
RESULTS_DIR = Path(os.environ.get("VERIFYSDK_RELIABILITY_RESULTS",
                                  ROOT / "build" / "dev" / "tests" / "reliability" / "results"))

# Temp files of the tool's atomic writes: ".<name>.verifysdk-tmp-<pid>-<n>".
TEMP_MARKER = ".verifysdk-tmp-"
# What may legitimately stay in a destination's state folder after a run.
STATE_RESIDENTS = {"lock", "app-digest.json"}

# Exit codes documented in the README.
DOCUMENTED_EXIT_CODES = {0, 2, 3, 4, 5, 6, 7, 8, 130}


def write_results(suite, figures):
    """Write the figures of one suite run as <RESULTS_DIR>/<suite>.json."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    document = {"suite": suite,
                "finished_at": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "tool": str(TOOL), **figures}
    target = RESULTS_DIR / f"{suite}.json"
    temp = target.with_suffix(".json.tmp")
    temp.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")
    temp.replace(target)
    print(f"\n{suite}: figures written to {target}", file=sys.stderr)


def state_dir(dest):
    """<parent of dest>/.verifysdk/<dest name>/, as the tool computes it."""
    dest = Path(os.path.abspath(dest))
    return dest.parent / ".verifysdk" / dest.name


def snapshot(root, skip=()):
    """{relative path: (kind, size, mtime_ns, mode)} of everything under root,
    symlinks not followed; `skip` are relative prefixes left out."""
    root = Path(root)
    found = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder) / name
            rel = path.relative_to(root).as_posix()
            if any(rel == s or rel.startswith(s + "/") for s in skip):
                continue
            info = path.lstat()
            kind = "dir" if stat.S_ISDIR(info.st_mode) else "link" if stat.S_ISLNK(info.st_mode) else \
                "file" if stat.S_ISREG(info.st_mode) else "other"
            found[rel] = (kind, info.st_size if kind == "file" else 0,
                          info.st_mtime_ns if kind != "dir" else 0, stat.S_IMODE(info.st_mode))
    return found


def temp_files(root):
    """Paths under root whose name carries the tool's temp-file marker."""
    return sorted(str(p) for p in Path(root).rglob("*") if TEMP_MARKER in p.name)


def tool_env(base_env, **extra):
    env = {k: v for k, v in base_env.items() if not k.startswith(("ALIBABA_CLOUD_", "ALICLOUD_"))}
    env.update(extra)
    return env


STRICT = os.environ.get("VERIFYSDK_STRICT") == "1"


def judge(case, suite, results, known_bugs, figures, describe):
    """Print one line per result (describe(result) -> text), write the JSON,
    and fail on unexpected problems. A result whose name is in known_bugs
    may have problems (a tool bug, counted and shown); once it has none the
    suite fails so that the mark gets removed. VERIFYSDK_STRICT=1 makes
    known bugs fail too. Each result: {"name", "problems", ...}."""
    unexpected, known_failing, known_passing = [], [], []
    for r in results:
        bug = known_bugs.get(r["name"])
        if r["problems"] and bug and not STRICT:
            known_failing.append(r)
        elif r["problems"]:
            unexpected.append(r)
        elif bug:
            known_passing.append(r)
    for r in results:
        status = "ok" if not r["problems"] else "KNOWN BUG" if r in known_failing else "FAIL"
        print(f"  {status:<9} {describe(r)}", file=sys.stderr)
        for problem in r["problems"]:
            print(f"              - {problem}", file=sys.stderr)
    write_results(suite, {**figures, "passed": sum(1 for r in results if not r["problems"]),
                          "known_bugs": [{"name": r["name"], "bug": known_bugs[r["name"]],
                                          "problems": r["problems"]} for r in known_failing],
                          "unexpected_failures": [{"name": r["name"], "problems": r["problems"]}
                                                  for r in unexpected]})
    message = "\n".join(f"{r['name']}: {'; '.join(r['problems'])}" for r in unexpected)
    message += "".join(f"\n{r['name']}: passes now; remove it from KNOWN_BUGS" for r in known_passing)
    case.assertFalse(unexpected or known_passing, message)
