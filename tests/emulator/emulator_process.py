"""The emulator as a child process, for every suite that needs one
(integration, reliability, bench, CMake, Gradle): it listens on a free
loopback port (--port 0) and reports it through --port-file."""

import signal
import subprocess
import sys
import time
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent / "cloudauth_emulator.py"


def start(args, port_file, output, timeout=30):
    """Runs the emulator with `args` besides --port and --port-file, its
    stdout and stderr into the file `output`. Returns (process, port); raises
    RuntimeError with that output when it exits or names no port in time."""
    port_file = Path(port_file)
    port_file.unlink(missing_ok=True)
    with open(output, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, str(SCRIPT), "--port", "0", "--port-file", str(port_file),
             *map(str, args)],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + timeout
    while True:
        try:
            text = port_file.read_text().strip()
        except OSError:
            text = ""
        if text.isdigit():
            return process, int(text)
        if process.poll() is not None or time.monotonic() > deadline:
            stop(process)
            raise RuntimeError("the emulator did not start (exit %s):\n%s"
                               % (process.returncode, Path(output).read_text(errors="replace")))
        time.sleep(0.02)


def stop(process):
    """SIGTERM, then SIGKILL after 10 s."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
