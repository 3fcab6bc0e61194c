#!/usr/bin/env python3
"""verifysdk's benchmarks. Each prints measured figures next to a peer
measured in the same run (curl, bsdtar, process spawn, fixed-interval
polling) and the goal; nothing is asserted about timings.

    tests/bench/run_benchmarks.py [--quick] [--only download,extract,noop,lag,upload] [options]

  download  1 GiB (and 16/256 MiB) SDK: fetch's download rate vs curl -o; peak RSS
  extract   300 MiB zip of 2,000 files: verifysdk's archive install vs bsdtar -xf
  noop      up-to-date fetch with a 200 MiB --app-file vs spawning `true`
  lag       generation delays 5/30/60 s: detection lag and DescribeVerifySDK calls
            vs fixed 5 s polling (the three run in parallel, ~1 min)
  upload    512 MiB app: fetch --upload to the emulator's OSS (multipart) vs curl -T of
            the same file to a presigned PUT address; peak RSS

Sizes default to the issue's; every option can also be set by environment
(VERIFYSDK_BENCH_<OPTION>, e.g. VERIFYSDK_BENCH_SDK_SIZES=16M,1G). --quick uses
small sizes and short delays (a smoke run, ~20 s). Files go to a fresh folder
under /dev/shm when it has room (else the temp dir), removed at the end.
Needs: curl, bsdtar (Debian: libarchive-tools), the built verifysdk and
verifysdk_extract_bench. The tables are printed as they finish and again as
Markdown at the end."""

import argparse
import datetime
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
import bench_common as b  # noqa: E402

BENCHMARKS = ("download", "extract", "noop", "lag", "upload")
FULL = {"sdk_sizes": "16M,256M,1G", "repeat": "3", "extract_size": "300M", "extract_files": "2000",
        "app_size": "200M", "noop_runs": "20", "delays": "5,30,60", "upload_size": "512M"}
QUICK = {"sdk_sizes": "1M,8M", "repeat": "1", "extract_size": "8M", "extract_files": "200",
         "app_size": "8M", "noop_runs": "5", "delays": "1,3", "upload_size": "72M"}


def parse_args(argv):
    build = b.ROOT / "build" / "dev"
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    env = lambda name, default=None: os.environ.get("VERIFYSDK_BENCH_" + name.upper(), default)  # noqa: E731
    p.add_argument("--quick", action="store_true", default=env("quick") == "1",
                   help="small sizes and short delays, for a smoke run")
    p.add_argument("--only", default=env("only", ",".join(BENCHMARKS)),
                   help="comma-separated subset of " + ", ".join(BENCHMARKS))
    p.add_argument("--tool", default=os.environ.get("VERIFYSDK_EXECUTABLE", build / "verifysdk"))
    p.add_argument("--extract-bench", default=env("extract_bench"),
                   help="default: tests/bench/verifysdk_extract_bench of --tool's build folder")
    p.add_argument("--curl", default=env("curl", shutil.which("curl")))
    p.add_argument("--bsdtar", default=env("bsdtar", shutil.which("bsdtar")))
    p.add_argument("--true", default=env("true", shutil.which("true") or "/bin/true"))
    p.add_argument("--work-dir", default=env("work_dir"),
                   help="parent of the scratch folder (default /dev/shm if it has room)")
    for name, text in (("sdk_sizes", "SDK sizes for download/RSS, comma-separated (16M,256M,1G)"),
                       ("repeat", "runs per measurement for download and extract"),
                       ("extract_size", "total unpacked size of the extraction zip"),
                       ("extract_files", "number of files in the extraction zip"),
                       ("app_size", "size of the --app-file for the no-op fetch"),
                       ("noop_runs", "number of no-op runs (and of baseline runs)"),
                       ("delays", "generation delays in seconds for the lag benchmark"),
                       ("upload_size", "size of the app for the upload benchmark (multipart above 64M)")):
        p.add_argument("--" + name.replace("_", "-"), default=env(name), help=text)
    p.add_argument("--extract-method", choices=("deflated", "stored"), default=env("extract_method", "deflated"))
    p.add_argument("--markdown", default=env("markdown"), help="also write the Markdown tables to this file")
    args = p.parse_args(argv)

    defaults = QUICK if args.quick else FULL
    for name, value in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    args.sdk_sizes = [b.parse_size(s) for s in args.sdk_sizes.split(",")]
    args.extract_size = b.parse_size(args.extract_size)
    args.app_size = b.parse_size(args.app_size)
    args.upload_size = b.parse_size(args.upload_size)
    args.repeat, args.extract_files, args.noop_runs = int(args.repeat), int(args.extract_files), int(args.noop_runs)
    args.delays = [float(d) for d in args.delays.split(",")]
    args.only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(args.only) - set(BENCHMARKS)
    if unknown:
        p.error(f"unknown benchmark(s) {', '.join(sorted(unknown))}; choose from {', '.join(BENCHMARKS)}")
    return args


def scratch_parent(args):
    if args.work_dir:
        return args.work_dir
    # Peak use: the download benchmark's largest SDK about 4 times over; the
    # upload's app 4 times (the app, its parts, the assembled object, curl's copy).
    need = max(4 * max(args.sdk_sizes), 4 * args.upload_size) + 2 * args.extract_size + \
        args.app_size + 512 * b.MiB
    if os.path.isdir("/dev/shm") and shutil.disk_usage("/dev/shm").free > need:
        return "/dev/shm"
    return tempfile.gettempdir()


def missing_tools(args, name):
    needs = {"download": [("curl", args.curl, "curl"), ("bsdtar", args.bsdtar, "libarchive-tools")],
             "extract": [("bsdtar", args.bsdtar, "libarchive-tools")],
             "upload": [("curl", args.curl, "curl")]}.get(name, [])
    return [f"{tool} (Debian package {package})" for tool, path, package in needs
            if not path or not os.path.exists(path)]


def main(argv):
    args = parse_args(argv)
    if not os.path.exists(args.tool):
        sys.exit(f"run_benchmarks: {args.tool} not found; build it: "
                 "cmake --build build/dev --target verifysdk -j1")
    args.tool = str(args.tool)
    if not args.extract_bench:  # the same build as the tool, never a stale other one
        args.extract_bench = Path(args.tool).parent / "tests" / "bench" / "verifysdk_extract_bench"
    args.extract_bench = str(args.extract_bench)
    args.work_dir = Path(tempfile.mkdtemp(prefix="verifysdk-bench-", dir=scratch_parent(args)))

    version = subprocess.run([args.tool, "--version"], capture_output=True, text=True).stdout.strip()
    revision = subprocess.run(["git", "-C", str(b.ROOT), "describe", "--always", "--dirty"],
                              capture_output=True, text=True).stdout.strip() or "unknown"
    started = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    load_before = b.load_average()
    header = [f"- date: {started}",
              "- command: `" + shlex.join(["tests/bench/run_benchmarks.py", *argv]) + "`",
              f"- tool: {version} ({args.tool}), source tree {revision}",
              f"- machine: {os.cpu_count()} CPUs; scratch files on {args.work_dir.parent}",
              f"- load average (1/5/15 min) at start: {load_before}"]
    print("\n".join(header), flush=True)

    modules = {"download": "bench_download", "extract": "bench_extract", "noop": "bench_noop",
               "lag": "bench_lag", "upload": "bench_upload"}
    tables, failures = [], []
    t0 = time.monotonic()
    try:
        for name in args.only:
            missing = missing_tools(args, name)
            if missing:
                table = b.Table(name, ["result"])
                table.add("skipped: missing " + ", ".join(missing))
                produced = [table]
            else:
                try:
                    produced = __import__(modules[name]).run(args)
                except Exception as error:  # keep going; report at the end
                    failures.append(f"{name}: {error}")
                    print(f"  {name}: FAILED: {error}", file=sys.stderr, flush=True)
                    continue
            for table in produced:
                print("\n" + table.text() + "\n", flush=True)
            tables += produced
    finally:
        shutil.rmtree(args.work_dir, ignore_errors=True)
    header.append(f"- load average at end: {b.load_average()}; total run time {time.monotonic() - t0:.0f} s")

    markdown = "\n".join(header) + "\n\n" + "\n\n".join(t.markdown() for t in tables) + "\n"
    print("---- Markdown ----\n" + markdown)
    if args.markdown:
        Path(args.markdown).write_text(markdown)
    if failures:
        print("failed: " + "; ".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
