"""Download throughput and peak memory of `verifysdk fetch` next to `curl -o`,
both downloading the same SDK from the same emulator (which sends with
sendfile over loopback, so the server is not the bottleneck).

Per SDK size and repetition: a fresh emulator (--generation-delay 0
--sdk-size N), one `verifysdk fetch` (stderr lines time-stamped as they
arrive), then `curl -o` of the same SDK address (from `verifysdk describe`).
The emulator is restarted for each repetition so that old SDKs do not pile up
in memory (its work dir is on the bench folder, /dev/shm by default).

verifysdk's download phase runs from its line "the SDK is ready" to its line
"downloaded <size>": one GET, every byte written to download.part and fed
through SHA-256. curl's figure is its whole process (spawn, connect, GET,
write). The fetch's later phases (unpack, manifest hashing + atomic install)
are reported separately, the unpack next to `bsdtar -xf` of curl's copy."""

import json
import shutil

import bench_common as b


def one_rep(args, size, rep):
    work = args.work_dir / f"download-{size}-{rep}"
    emulator = b.start_emulator(work / "emu", "--generation-delay", "0", "--sdk-size", size)
    try:
        app = b.make_apk(emulator.serve_dir / "app.apk")
        env = b.tool_env(work / "home")
        dest = work / "project" / "third_party" / "cloudauth-offline-sdk"
        fetch = b.run(b.fetch_argv(args.tool, emulator, app, dest, "--json"), env=env,
                      capture=True, rss=True).check()
        task_id = json.loads(fetch.stdout)["task_id"]
        t_ready = fetch.line_time("the SDK is ready")
        t_downloaded = fetch.line_time("verifysdk: downloaded ")
        t_unpacked = fetch.line_time("verifysdk: unpacked ")
        t_installed = fetch.line_time("verifysdk: installed the SDK")
        if None in (t_ready, t_downloaded, t_unpacked, t_installed):
            raise RuntimeError("fetch did not print the expected progress lines:\n" +
                               "\n".join(text for _, text in fetch.lines))
        # The tool's download.part is gone after the install: free the memory
        # of the installed copy before curl writes its own.
        shutil.rmtree(work / "project", ignore_errors=True)

        describe = b.run([args.tool, "describe", "--task-id", task_id, "--endpoint",
                          emulator.endpoint, "--json"], env=env, capture=True).check()
        sdk_url = json.loads(describe.stdout)["sdk_url"]
        out = work / "curl.zip"
        curl = b.run([args.curl, "-sS", "--fail", "-o", out, "-w", "%{size_download}", sdk_url],
                     capture=True, rss=True).check()
        if int(curl.stdout) != size or out.stat().st_size != size:
            raise RuntimeError(f"curl downloaded {curl.stdout} bytes, expected {size}")
        unpacked = work / "bsdtar-out"
        unpacked.mkdir()
        tar = b.run([args.bsdtar, "-xf", out, "-C", unpacked], capture=True).check()
        shutil.rmtree(unpacked)
        out.unlink()
        cpu_ready, cpu_downloaded = fetch.cpu_at("the SDK is ready"), fetch.cpu_at("verifysdk: downloaded ")
        return {
            "fetch_wall": fetch.wall,
            "wait": t_ready,
            "download": t_downloaded - t_ready,
            "unpack": t_unpacked - t_downloaded,
            "install": t_installed - t_unpacked,
            "fetch_rss": fetch.maxrss_kib,
            "fetch_cpu": fetch.cpu,
            "curl_cpu": curl.cpu,
            "download_cpu": (cpu_downloaded - cpu_ready) if None not in (cpu_ready, cpu_downloaded) else None,
            "curl_wall": curl.wall,
            "tar_wall": tar.wall,
            "curl_rss": curl.maxrss_kib,
        }
    finally:
        emulator.stop()
        shutil.rmtree(work, ignore_errors=True)


def run(args):
    results = {}
    for size in args.sdk_sizes:
        reps = [one_rep(args, size, rep) for rep in range(args.repeat)]
        results[size] = {key: [r[key] for r in reps] for key in reps[0]}
        print(f"  download {b.human(size)}: done ({args.repeat} runs)", flush=True)

    speed = b.Table(
        "Download throughput: verifysdk fetch vs curl -o (same emulator, loopback, sendfile)",
        ["SDK size", "verifysdk download phase (time, CPU)", "curl -o (time, CPU)",
         "ratio (goal >= 0.90)", "verifysdk unpack + hash/install", "bsdtar -xf of the same zip",
         "verifysdk whole fetch (incl. wait)"])
    memory = b.Table("Peak RSS of the process (GNU time %M)",
                     ["SDK size", "verifysdk fetch", "curl -o", "goal: verifysdk flat, < 32 MiB"])
    for size, r in results.items():
        down, curl_wall = b.median(r["download"]), b.median(r["curl_wall"])
        tool_rate, curl_rate = b.mb_per_s(size, down), b.mb_per_s(size, curl_wall)
        cpus = [c for c in r["download_cpu"] if c is not None]
        tool_cpu = b.sec(b.median(cpus)) if cpus else "n/a"
        speed.add(b.human(size),
                  f"{tool_rate:.0f} MB/s ({b.sec(down)}, CPU {tool_cpu})",
                  f"{curl_rate:.0f} MB/s ({b.sec(curl_wall)}, CPU {b.sec(b.median(r['curl_cpu']))})",
                  f"{tool_rate / curl_rate:.2f} " + ("met" if tool_rate >= 0.9 * curl_rate else "MISSED"),
                  f"{b.sec(b.median(r['unpack']))} + {b.sec(b.median(r['install']))}",
                  b.sec(b.median(r["tar_wall"])),
                  f"{b.sec(b.median(r['fetch_wall']))} (wait {b.sec(b.median(r['wait']))}, "
                  f"CPU {b.sec(b.median(r['fetch_cpu']))})")
        tool_rss = b.peak(r["fetch_rss"])
        memory.add(b.human(size), b.mib(tool_rss), b.mib(b.peak(r["curl_rss"])),
                   "not measured" if tool_rss is None else "met" if tool_rss < 32 * 1024 else "MISSED")
    speed.note(f"median of {args.repeat} runs per size; MB/s = 10^6 bytes/s; files on {args.work_dir}")
    speed.note("verifysdk download phase = from its 'the SDK is ready' line to its 'downloaded' line: "
               "the GET plus writing download.part plus SHA-256 of every byte (one thread); its CPU "
               "is read from /proc at those two lines; curl = its whole process (spawn, connect, GET, "
               "write to the same file system), CPU from rusage")
    speed.note("after the download, fetch unpacks the zip (libarchive; the padding entry is stored) "
               "and hashes every installed file for verifysdk.lock.json, then swaps it in; curl does "
               "neither, so the unpack is shown next to `bsdtar -xf` of curl's copy")
    speed.note("whole fetch also includes the wait for generation: the first DescribeVerifySDK check "
               "comes 2 s after submission, later ones while the emulator writes the SDK")
    rss_spread = [b.peak(r["fetch_rss"]) for r in results.values()]
    memory.note(f"largest of {args.repeat} runs, GNU time %M (peak resident set, KiB); the "
                "process's own pages only, not the page cache of the files it writes")
    if None not in rss_spread:
        memory.note(f"verifysdk spread across sizes: {(max(rss_spread) - min(rss_spread)) / 1024:.1f} MiB")
    return [speed, memory]
