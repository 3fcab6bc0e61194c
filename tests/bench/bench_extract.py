"""Extraction of a many-file SDK archive: verifysdk's archive install
(sdk::extract_sdk_archive, through the small driver verifysdk_extract_bench)
next to `bsdtar -xf` of the same archive onto the same file system.

Two archives of FILES regular files, sizes spread log-normally around the
mean and scaled to the requested total, in a few dozen folders:
- a zip of pseudo-random (incompressible) content, deflated at level 1 by
  default (deflate keeps such data in stored blocks, so the zip is about the
  size of its content), or stored with --extract-method stored;
- a tar.gz of text-like content (random words, about 2.5:1 under gzip), so
  that inflating is real work: verifysdk reads a tar stream twice, once for
  the extraction and once, on a second thread, for the name audit."""

import os
import random
import shutil
import tarfile
import zipfile

import bench_common as b


FOLDERS = [f"libs/arm64-v8a/part{i:02d}" for i in range(20)] + \
          [f"assets/models/m{i:02d}" for i in range(20)] + ["", "docs"]


def entries(total, files, pool, rng):
    """(name, size, writer(out)) of every file: content from random slices of pool."""
    weights = [rng.lognormvariate(0, 1.0) for _ in range(files)]
    scale = total / sum(weights)
    sizes = [max(1, int(w * scale)) for w in weights]
    sizes[-1] += total - sum(sizes)
    for index, size in enumerate(sizes):
        folder = FOLDERS[index % len(FOLDERS)]

        def write(out, size=size):
            left = size
            while left > 0:
                start = rng.randrange(0, len(pool) - b.MiB)
                chunk = min(left, b.MiB)
                out.write(pool[start:start + chunk])
                left -= chunk
        yield (folder + "/" if folder else "") + f"file{index:05d}.bin", size, write


def build_zip(path, total, files, method):
    rng = random.Random(2019)
    compression = zipfile.ZIP_DEFLATED if method == "deflated" else zipfile.ZIP_STORED
    with zipfile.ZipFile(path, "w", compression=compression, compresslevel=1) as archive:
        for name, size, write in entries(total, files, os.urandom(8 * b.MiB), rng):
            info = zipfile.ZipInfo(name, (2019, 3, 7, 0, 0, 0))
            info.compress_type = compression
            info.external_attr = 0o644 << 16
            with archive.open(info, "w", force_zip64=size > 0x7FFFFFFF) as out:
                write(out)
    return path


class _Spool:
    """A file-like sink that keeps what is written, for tarfile.addfile."""

    def __init__(self):
        self.parts = []

    def write(self, data):
        self.parts.append(data)


def build_tgz(path, total, files):
    rng = random.Random(2020)
    words = [bytes(rng.choice(b"abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 9)))
             for _ in range(5000)]
    pool = b" ".join(rng.choice(words) for _ in range(1_500_000))[:8 * b.MiB]
    with tarfile.open(path, "w:gz", compresslevel=6, format=tarfile.PAX_FORMAT) as archive:
        for name, size, write in entries(total, files, pool, rng):
            spool = _Spool()
            write(spool)
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = size, 0o644, 1551916800
            archive.addfile(info, _BytesReader(b"".join(spool.parts)))
    return path


class _BytesReader:
    def __init__(self, data):
        self.data, self.at = data, 0

    def read(self, size=-1):
        end = len(self.data) if size < 0 else self.at + size
        chunk = self.data[self.at:end]
        self.at += len(chunk)
        return chunk


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
    rows = []
    try:
        archives = [(build_zip(work / "sdk.zip", args.extract_size, args.extract_files,
                               args.extract_method), f"zip, {args.extract_method}"),
                    (build_tgz(work / "sdk.tar.gz", args.extract_size, args.extract_files),
                     "tar.gz, text-like content")]
        for archive, label in archives:
            rows.append(measure(args, work, archive, label))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"  extract: done ({args.repeat} runs each)", flush=True)

    table = b.Table("Extraction: verifysdk archive install vs bsdtar -xf (same archive, same file system)",
                    ["archive", "verifysdk (extract_sdk_archive)", "bsdtar -xf", "ratio (goal <= 1.25)",
                     "CPU user+sys verifysdk / bsdtar", "peak RSS verifysdk / bsdtar"])
    for row in rows:
        table.add(*row)
    table.note(f"median of {args.repeat} runs each, alternating which goes first; process wall "
               f"time (spawn to exit) into an empty folder on {args.work_dir}; both trees checked "
               "equal (file count and bytes)")
    table.note("the zip's content is pseudo-random, so 'deflated' entries are deflate stored blocks: "
               "its figure is dominated by per-file work and writing, not by inflate; the tar.gz "
               "(gzip level 6, pax headers) makes inflating count, and verifysdk inflates it twice "
               "(the name audit runs beside the extraction, on a second thread)")
    table.note("verifysdk also checks every name, refuses links/duplicates and applies size/ratio "
               "limits; bsdtar additionally restores modification times")
    return [table]


def measure(args, work, archive, label):
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
        raise RuntimeError(f"{label}: outputs differ: verifysdk {tool_tree}, bsdtar {tar_tree}")
    shutil.rmtree(tool_out, ignore_errors=True)
    shutil.rmtree(tar_out, ignore_errors=True)
    tool_wall = b.median([r.wall for r in tool_runs])
    tar_wall = b.median([r.wall for r in tar_runs])
    r = tool_wall / tar_wall
    return (f"{b.human(archive.stat().st_size)} {label}, {tool_tree[0]} files, "
            f"{b.human(tool_tree[1])} unpacked",
            f"{b.sec(tool_wall)} ({b.sec(b.median(inner))} inside the call)",
            b.sec(tar_wall), f"{r:.2f} " + ("met" if r <= 1.25 else "MISSED"),
            f"{b.sec(b.median([x.cpu for x in tool_runs]))} / {b.sec(b.median([x.cpu for x in tar_runs]))}",
            f"{b.mib(b.peak(x.maxrss_kib for x in tool_runs))} / "
            f"{b.mib(b.peak(x.maxrss_kib for x in tar_runs))}")
