"""Shared pieces of the benchmarks: running a process while timing it and
reading its peak RSS, time-stamping its stderr lines, starting emulators,
building apps, and printing tables. Python 3 standard library only."""

import math
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "tests" / "integration"))

import harness  # noqa: E402  (Emulator, KEY_ID, SECRET)

MiB = 1024 * 1024
UNITS = {"": 1, "B": 1, "K": 1024, "KIB": 1024, "M": MiB, "MIB": MiB, "G": 1024 * MiB, "GIB": 1024 * MiB}


def parse_size(text):
    """'16M', '1G', '300MiB', '4096' -> bytes."""
    text = text.strip().upper()
    digits = text.rstrip("KMGIB")
    return int(float(digits) * UNITS[text[len(digits):]])


def human(size):
    if size >= 1024 * MiB and size % (1024 * MiB) == 0:
        return f"{size // (1024 * MiB)} GiB"
    if size >= MiB:
        return f"{size // MiB} MiB" if size % MiB == 0 else f"{size / MiB:.1f} MiB"
    return f"{size / 1024:.1f} KiB"


def mb_per_s(size, seconds):
    """Decimal MB/s, as curl reports."""
    return size / seconds / 1e6 if seconds > 0 else float("inf")


def median(values):
    return statistics.median(values) if values else float("nan")


def load_average():
    return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


@dataclass
class Run:
    """One finished process: wall time, exit code, peak RSS and its output."""
    argv: list
    wall: float
    returncode: int
    maxrss_kib: object  # int KiB, or None when not measured
    cpu: float = 0.0  # user + system CPU seconds of the process
    stdout: str = ""
    lines: list = field(default_factory=list)  # (seconds since start, stderr line)
    line_cpu: list = field(default_factory=list)  # CPU seconds used when each line arrived

    def line_time(self, fragment):
        """Time of the first stderr line containing `fragment`, or None."""
        for at, text in self.lines:
            if fragment in text:
                return at
        return None

    def cpu_at(self, fragment):
        """CPU seconds (user + system, 10 ms ticks) the command had used when
        its first stderr line containing `fragment` arrived, or None."""
        for (_, text), cpu in zip(self.lines, self.line_cpu):
            if fragment in text:
                return cpu
        return None

    def check(self):
        if self.returncode != 0:
            tail = "\n".join(text for _, text in self.lines[-15:])
            raise RuntimeError(f"{' '.join(map(str, self.argv))} exited {self.returncode}\n{tail}")
        return self


GNU_TIME = "/usr/bin/time"  # Debian package `time`


def run(argv, env=None, capture=False, cwd=None, rss=False):
    """Runs argv to completion. Wall time covers spawn to exit (the same
    Python spawn cost for every command, peers included); CPU time (user +
    system) comes from wait4()'s rusage and does not grow when other work
    competes for the CPUs. With capture, each stderr line is time-stamped as
    it arrives.

    Peak RSS (rss=True) is measured through GNU time (%M): Linux folds the
    RSS of the image a process had before exec() into its ru_maxrss, and a
    child spawned by Python (vfork) carries this Python process's peak RSS,
    so wait4's ru_maxrss would be inflated (to 35+ MiB here). GNU time forks
    from a ~1 MiB process. Without /usr/bin/time, maxrss_kib is None."""
    argv = [str(a) for a in argv]
    rss_file = None
    if rss and os.access(GNU_TIME, os.X_OK):
        handle, rss_file = tempfile.mkstemp(prefix="bench-rss-")
        os.close(handle)
        argv_run = [GNU_TIME, "-f", "%M", "-o", rss_file, "--", *argv]
    else:
        argv_run = argv
    out = subprocess.PIPE if capture else subprocess.DEVNULL
    line_cpu = []
    started = time.perf_counter()
    process = subprocess.Popen(argv_run, env=env, cwd=cwd, stdin=subprocess.DEVNULL,
                               stdout=out, stderr=out)
    lines, chunks = [], []
    readers = []
    if capture:
        def read_stderr():
            target = []  # the measured command's pid: GNU time's child when wrapped
            for raw in process.stderr:
                at = time.perf_counter() - started
                if not target:
                    target.append(child_pid(process.pid) if rss_file else process.pid)
                line_cpu.append(cpu_seconds(target[0]))
                lines.append((at, raw.decode(errors="replace").rstrip("\n")))

        def read_stdout():
            chunks.append(process.stdout.read())
        readers = [threading.Thread(target=read_stderr), threading.Thread(target=read_stdout)]
        for reader in readers:
            reader.start()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    for reader in readers:
        reader.join()
    if capture:
        process.stdout.close()
        process.stderr.close()
    maxrss = None
    if rss_file:
        with open(rss_file) as report:  # "Command exited with non-zero status N" may come first
            maxrss = int(report.read().split()[-1])
        os.unlink(rss_file)
    return Run(argv, wall, process.returncode, maxrss, usage.ru_utime + usage.ru_stime,
               b"".join(chunks).decode(errors="replace"), lines, line_cpu)


def child_pid(pid):
    try:
        return int(Path(f"/proc/{pid}/task/{pid}/children").read_text().split()[0])
    except (OSError, IndexError, ValueError):
        return None


def cpu_seconds(pid):
    """utime + stime of a running process from /proc, or None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError, TypeError):
        return None


def tool_env(home):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ALIBABA_CLOUD_", "ALICLOUD_"))}
    env.update({"ALIBABA_CLOUD_ACCESS_KEY_ID": harness.KEY_ID,
                "ALIBABA_CLOUD_ACCESS_KEY_SECRET": harness.SECRET,
                "HOME": str(home)})
    return env


def start_emulator(workdir, *args):
    """An emulator on a free loopback port, its temp files under `workdir`."""
    workdir = Path(workdir)
    (workdir / "emu-tmp").mkdir(parents=True, exist_ok=True)
    return harness.Emulator(workdir, "--work-dir", str(workdir / "emu-tmp"), *map(str, args))


def make_apk(path, payload_bytes=0, age_seconds=0):
    """A minimal APK; with payload_bytes, a stored random entry makes it that
    much bigger. age_seconds moves its mtime into the past."""
    path = Path(path)
    harness.make_apk(path)
    if payload_bytes:
        with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_STORED) as apk:
            with apk.open(zipfile.ZipInfo("assets/payload.bin", (2020, 1, 1, 0, 0, 0)), "w",
                          force_zip64=payload_bytes > 0x7FFFFFFF) as out:
                block = os.urandom(MiB)
                left = payload_bytes
                while left > 0:
                    out.write(block[:min(left, MiB)])
                    left -= MiB
    if age_seconds:
        past = time.time() - age_seconds
        os.utime(path, (past, past))
    return path


def fetch_argv(tool, emulator, app, dest, *extra):
    return [tool, "fetch", "--endpoint", emulator.endpoint,
            "--app-url", emulator.file_url(app.name), "--app-file", app, "--dest", dest, *extra]


class Table:
    """A result table, printed as aligned text at once and as Markdown at the end."""

    def __init__(self, title, columns):
        self.title, self.columns, self.rows, self.notes = title, columns, [], []

    def add(self, *cells):
        self.rows.append([str(c) for c in cells])

    def note(self, text):
        self.notes.append(text)

    def text(self):
        widths = [max(len(c), *(len(r[i]) for r in self.rows)) if self.rows else len(c)
                  for i, c in enumerate(self.columns)]
        fmt = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths))  # noqa: E731
        out = [f"== {self.title}", fmt(self.columns), fmt(["-" * w for w in widths])]
        out += [fmt(r) for r in self.rows]
        out += [f"  * {n}" for n in self.notes]
        return "\n".join(out)

    def markdown(self):
        out = [f"### {self.title}", "", "| " + " | ".join(self.columns) + " |",
               "|" + "|".join("---" for _ in self.columns) + "|"]
        out += ["| " + " | ".join(r) + " |" for r in self.rows]
        if self.notes:
            out.append("")
            out += [f"- {n}" for n in self.notes]
        return "\n".join(out)


def ms(seconds):
    return f"{seconds * 1000:.1f} ms"


def mib(kib):
    return "n/a (needs /usr/bin/time, Debian package time)" if kib is None else f"{kib / 1024:.1f} MiB"


def peak(values):
    values = [v for v in values if v is not None]
    return max(values) if values else None


def sec(seconds):
    return f"{seconds:.2f} s"


def ratio(a, b):
    return a / b if b else math.inf
