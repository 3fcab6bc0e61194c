"""Extraction of a many-file SDK zip: verifysdk's archive install
(sdk::extract_sdk_archive, through the small driver verifysdk_extract_bench)
next to `bsdtar -xf` of the same zip onto the same file system.

The zip holds FILES regular files of pseudo-random (incompressible) content,
sizes spread log-normally around the mean and scaled to the requested total,
in a few dozen folders. Entries are deflated at level 1 by default (deflate
keeps incompressible data in stored blocks, so the zip is about the size of
its content), or stored with --extract-method stored."""

import os
import random
import shutil
import zipfile

import bench_common as b


def build_zip(path, total, files, method):
    rng = random.Random(2019)
    weights = [rng.lognormvariate(0, 1.0) for _ in range(files)]
    scale = total / sum(weights)
    sizes = [max(1, int(w * scale)) for w in weights]
    sizes[-1] += total - sum(sizes)
    pool = os.urandom(8 * b.MiB)
    compression = zipfile.ZIP_DEFLATED if method == "deflated" else zipfile.ZIP_STORED
    folders = [f"libs/arm64-v8a/part{i:02d}" for i in range(20)] + \
              [f"assets/models/m{i:02d}" for i in range(20)] + ["", "docs"]
    with zipfile.ZipFile(path, "w", compression=compression, compresslevel=1) as archive:
        for index, size in enumerate(sizes):
            folder = folders[index % len(folders)]
            name = (folder + "/" if folder else "") + f"file{index:05d}.bin"
            info = zipfile.ZipInfo(name, (2019, 3, 7, 0, 0, 0))
            info.compress_type = compression
            info.external_attr = 0o644 << 16
            with archive.open(info, "w", force_zip64=size > 0x7FFFFFFF) as out:
                left = size
                while left > 0:
                    start = rng.randrange(0, len(pool) - b.MiB)
                    chunk = min(left, b.MiB)
                    out.write(pool[start:start + chunk])
                    left -= chunk
    return path


def tree_summary(folder):
    count = total = 0
    for parent, _, names in os.walk(folder):
        for name in names:
            count += 1
            total += os.path.getsize(os.path.join(parent, name))
    return count, total


def run(args):
    if not args.extract_bench or not os.path.exists(args.extract_bench):
        table = b.Table("Extraction: verifysdk vs bsdtar -xf", ["result"])
        table.add(f"skipped: {args.extract_bench or 'verifysdk_extract_bench'} not built "
                  "(cmake --build build/dev --target verifysdk_extract_bench -j1)")
        return [table]
    work = args.work_dir / "extract"
    work.mkdir(parents=True, exist_ok=True)
    try:
        archive = build_zip(work / "sdk.zip", args.extract_size, args.extract_files, args.extract_method)
        zip_size = archive.stat().st_size
        tool_out, tar_out = work / "verifysdk-out", work / "bsdtar-out"
        tool_runs, tar_runs, inner = [], [], []
        for rep in range(args.repeat):
            def run_tool():
                shutil.rmtree(tool_out, ignore_errors=True)
                result = b.run([args.extract_bench, archive, tool_out], capture=True, rss=True).check()
                inner.append(float(result.stdout.split('"seconds": ')[1].split(",")[0]))
                tool_runs.append(result)

            def run_tar():
                shutil.rmtree(tar_out, ignore_errors=True)
                tar_out.mkdir()
                tar_runs.append(b.run([args.bsdtar, "-xf", archive, "-C", tar_out], capture=True,
                                      rss=True).check())
            for step in ((run_tool, run_tar) if rep % 2 == 0 else (run_tar, run_tool)):
                step()
        tool_tree, tar_tree = tree_summary(tool_out), tree_summary(tar_out)
        if tool_tree != tar_tree:
            raise RuntimeError(f"outputs differ: verifysdk {tool_tree}, bsdtar {tar_tree}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"  extract: done ({args.repeat} runs each)", flush=True)

    tool_wall = b.median([r.wall for r in tool_runs])
    tar_wall = b.median([r.wall for r in tar_runs])
    r = tool_wall / tar_wall
    table = b.Table("Extraction: verifysdk archive install vs bsdtar -xf (same zip, same file system)",
                    ["zip", "verifysdk (extract_sdk_archive)", "bsdtar -xf", "ratio (goal <= 1.25)",
                     "CPU user+sys verifysdk / bsdtar", "peak RSS verifysdk / bsdtar"])
    table.add(f"{b.human(zip_size)}, {tool_tree[0]} files, {b.human(tool_tree[1])} unpacked, "
              f"{args.extract_method}",
              f"{b.sec(tool_wall)} ({b.sec(b.median(inner))} inside the call)",
              b.sec(tar_wall), f"{r:.2f} " + ("met" if r <= 1.25 else "MISSED"),
              f"{b.sec(b.median([x.cpu for x in tool_runs]))} / {b.sec(b.median([x.cpu for x in tar_runs]))}",
              f"{b.mib(b.peak(x.maxrss_kib for x in tool_runs))} / "
              f"{b.mib(b.peak(x.maxrss_kib for x in tar_runs))}")
    table.note(f"median of {args.repeat} runs each, alternating which goes first; process wall "
               f"time (spawn to exit) into an empty folder on {args.work_dir}; both trees checked "
               "equal (file count and bytes)")
    table.note("content is pseudo-random, so 'deflated' entries are deflate stored blocks: the "
               "figure is dominated by per-file work and writing, not by inflate")
    table.note("verifysdk also checks every name, refuses links/duplicates and applies size/ratio "
               "limits; bsdtar additionally restores modification times")
    return [table]
