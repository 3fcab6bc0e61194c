"""Upload throughput and peak memory of `verifysdk fetch --upload` next to
`curl -T`, both sending the same app to the same emulator's OSS endpoint on
loopback.

Per repetition: a fresh emulator (--oss-bucket, --generation-delay 0, its
work dir in the bench folder, /dev/shm by default), one `verifysdk fetch
--upload oss://bench/apps/ --oss-endpoint http://127.0.0.1:PORT/oss --verbose`
(stderr lines time-stamped as they arrive), then `curl -T` of the same file to
a presigned PUT address of another key on the same server (signed here, OSS
signature V1).

verifysdk's upload phase runs from its line "uploading <app>" to its line
"uploaded <app>": for an app over 64 MiB, InitiateMultipartUpload, the 8 MiB
parts (two connections, the MD5 of each part computed as it is sent and
checked against the ETag OSS answers) and CompleteMultipartUpload, which on
the emulator, as on OSS, links the part files without copying them; that step
is shown on its own. curl's figure is its whole process (spawn, connect, one
PutObject, no checksum)."""

import base64
import hashlib
import hmac
import shutil
import time
import urllib.parse

import bench_common as b

BUCKET = "bench"


def presigned_put(emulator, key, expires_in=3600):
    expires = int(time.time()) + expires_in
    text = f"PUT\n\n\n{expires}\n/{BUCKET}/{key}"
    signature = base64.b64encode(hmac.new(b.harness.SECRET.encode(), text.encode(), hashlib.sha1).digest())
    return (f"http://127.0.0.1:{emulator.port}/oss/{BUCKET}/{key}?OSSAccessKeyId={b.harness.KEY_ID}"
            f"&Expires={expires}&Signature={urllib.parse.quote(signature.decode(), safe='')}")


def one_rep(args, app, rep):
    work = args.work_dir / f"upload-{rep}"
    emulator = b.start_emulator(work / "emu", "--generation-delay", "0", "--oss-bucket", BUCKET)
    try:
        env = b.tool_env(work / "home")
        dest = work / "project" / "third_party" / "cloudauth-offline-sdk"
        fetch = b.run([args.tool, "fetch", "--app-file", app, "--upload", f"oss://{BUCKET}/apps/",
                       "--oss-endpoint", f"http://127.0.0.1:{emulator.port}/oss",
                       "--endpoint", emulator.endpoint, "--dest", dest, "--verbose"],
                      env=env, capture=True, rss=True).check()
        t_start = fetch.line_time(f"verifysdk: uploading {app.name} (")
        t_done = fetch.line_time(f"verifysdk: uploaded {app.name}")
        t_complete = fetch.line_time("?uploadId=")  # "> POST ...?uploadId=" (parts: ?partNumber=)
        parts = sum(1 for _, text in fetch.lines if text.startswith("verifysdk: > PUT") and "partNumber=" in text)
        if None in (t_start, t_done):
            raise RuntimeError("fetch did not print the expected upload lines:\n" +
                               "\n".join(text for _, text in fetch.lines[-30:]))
        cpu_start = fetch.cpu_at(f"verifysdk: uploading {app.name} (")
        cpu_done = fetch.cpu_at(f"verifysdk: uploaded {app.name}")
        shutil.rmtree(work / "project", ignore_errors=True)

        curl = b.run([args.curl, "-sS", "--fail", "-o", "/dev/null", "-w", "%{size_upload}",
                      "-T", app, presigned_put(emulator, "curl/" + app.name)],
                     capture=True, rss=True).check()
        size = app.stat().st_size
        if int(float(curl.stdout)) != size:
            raise RuntimeError(f"curl uploaded {curl.stdout} bytes, expected {size}")
        if emulator.stats()["oss"]["bytes_received"] < 2 * size:
            raise RuntimeError("the emulator received less than both uploads")
        return {
            "upload": t_done - t_start,
            "complete": (t_done - t_complete) if t_complete is not None else None,
            "upload_cpu": (cpu_done - cpu_start) if None not in (cpu_start, cpu_done) else None,
            "parts": parts,
            "fetch_rss": fetch.maxrss_kib,
            "fetch_wall": fetch.wall,
            "curl_wall": curl.wall,
            "curl_cpu": curl.cpu,
            "curl_rss": curl.maxrss_kib,
        }
    finally:
        emulator.stop()
        shutil.rmtree(work, ignore_errors=True)


def run(args):
    app = b.make_apk(args.work_dir / "upload-app" / "app-release.apk", payload_bytes=args.upload_size)
    size = app.stat().st_size
    try:
        reps = [one_rep(args, app, rep) for rep in range(args.repeat)]
    finally:
        shutil.rmtree(app.parent, ignore_errors=True)
    r = {key: [rep[key] for rep in reps] for key in reps[0]}
    print(f"  upload {b.human(size)}: done ({args.repeat} runs)", flush=True)

    up, curl_wall = b.median(r["upload"]), b.median(r["curl_wall"])
    tool_rate, curl_rate = b.mb_per_s(size, up), b.mb_per_s(size, curl_wall)
    cpus = [c for c in r["upload_cpu"] if c is not None]
    completes = [c for c in r["complete"] if c is not None]
    speed = b.Table("Upload throughput: verifysdk fetch --upload vs curl -T (same emulator OSS, loopback)",
                    ["app size", "verifysdk upload phase (time, CPU)", "of which Complete",
                     "curl -T (time, CPU)", "ratio (goal >= 0.90)", "verifysdk whole fetch"])
    speed.add(b.human(size),
              f"{tool_rate:.0f} MB/s ({b.sec(up)}, CPU {b.sec(b.median(cpus)) if cpus else 'n/a'})",
              b.sec(b.median(completes)) if completes else "n/a",
              f"{curl_rate:.0f} MB/s ({b.sec(curl_wall)}, CPU {b.sec(b.median(r['curl_cpu']))})",
              f"{tool_rate / curl_rate:.2f} " + ("met" if tool_rate >= 0.9 * curl_rate else "MISSED"),
              b.sec(b.median(r["fetch_wall"])))
    speed.note(f"median of {args.repeat} runs; MB/s = 10^6 bytes/s; {max(r['parts'])} parts of 8 MiB "
               f"(part requests sent, retries included); files on {args.work_dir}")
    speed.note("verifysdk upload phase = from its 'uploading' line to its 'uploaded' line (Initiate, "
               "parts over 2 connections, each part's MD5 computed as sent and checked against its ETag, "
               "Complete); CPU read from "
               "/proc at those lines; curl = its whole process (one PutObject, no checksum)")
    speed.note("'of which Complete' = CompleteMultipartUpload (the emulator links the part files "
               "into the object, as OSS does; no data is copied)")
    speed.note("the whole fetch also hashes the app (SHA-256), lets the emulator fetch it back through "
               "the presigned address, generates and installs the SDK")
    memory = b.Table("Peak RSS of the process while uploading (GNU time %M)",
                     ["app size", "verifysdk fetch --upload", "curl -T", "goal: verifysdk < 48 MiB"])
    tool_rss = b.peak(r["fetch_rss"])
    memory.add(b.human(size), b.mib(tool_rss), b.mib(b.peak(r["curl_rss"])),
               "not measured" if tool_rss is None else "met" if tool_rss < 48 * 1024 else "MISSED")
    memory.note(f"largest of {args.repeat} runs; the whole fetch (upload, generation wait, download, "
                "install), the process's own pages only, not the page cache of the app it reads")
    return [speed, memory]
