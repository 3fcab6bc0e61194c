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
are reported separately; curl does neither."""

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
                      capture=True).check()
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
                     capture=True).check()
        if int(curl.stdout) != size or out.stat().st_size != size:
            raise RuntimeError(f"curl downloaded {curl.stdout} bytes, expected {size}")
        out.unlink()
        return {
            "fetch_wall": fetch.wall,
            "wait": t_ready,
            "download": t_downloaded - t_ready,
            "unpack": t_unpacked - t_downloaded,
            "install": t_installed - t_unpacked,
            "fetch_rss": fetch.maxrss_kib,
            "curl_wall": curl.wall,
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
        ["SDK size", "verifysdk download phase", "curl -o", "ratio (goal >= 0.90)",
         "verifysdk whole fetch (wait / download / unpack / hash+install)"])
    memory = b.Table("Peak RSS (ru_maxrss of the process)",
                     ["SDK size", "verifysdk fetch", "curl -o", "goal: verifysdk flat, < 32 MiB"])
    for size, r in results.items():
        tool_rate = b.mb_per_s(size, b.median(r["download"]))
        curl_rate = b.mb_per_s(size, b.median(r["curl_wall"]))
        speed.add(b.human(size),
                  f"{tool_rate:.0f} MB/s ({b.sec(b.median(r['download']))})",
                  f"{curl_rate:.0f} MB/s ({b.sec(b.median(r['curl_wall']))})",
                  f"{tool_rate / curl_rate:.2f} " + ("met" if tool_rate >= 0.9 * curl_rate else "MISSED"),
                  f"{b.sec(b.median(r['fetch_wall']))} ({b.sec(b.median(r['wait']))} / "
                  f"{b.sec(b.median(r['download']))} / {b.sec(b.median(r['unpack']))} / "
                  f"{b.sec(b.median(r['install']))})")
        tool_rss = max(r["fetch_rss"]) / 1024
        memory.add(b.human(size), f"{tool_rss:.1f} MiB", f"{max(r['curl_rss']) / 1024:.1f} MiB",
                   "met" if tool_rss < 32 else "MISSED")
    speed.note(f"median of {args.repeat} runs per size; MB/s = 10^6 bytes/s; files on {args.work_dir}")
    speed.note("verifysdk download phase = from its 'the SDK is ready' line to its 'downloaded' line: "
               "the GET plus writing download.part plus SHA-256 of every byte; curl = its whole "
               "process (spawn, connect, GET, write to the same file system)")
    speed.note("whole fetch also waits for the first DescribeVerifySDK check (2 s after submission, "
               "while the emulator writes the SDK), unpacks it (libarchive, stored entry) and hashes "
               "the installed files for verifysdk.lock.json; curl does none of this")
    rss_spread = [max(r["fetch_rss"]) for r in results.values()]
    memory.note(f"largest of {args.repeat} runs; verifysdk spread across sizes: "
                f"{(max(rss_spread) - min(rss_spread)) / 1024:.1f} MiB")
    return [speed, memory]
