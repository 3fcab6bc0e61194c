"""Sending a file: Range, If-Range, ETag, zero-copy sendfile, throttling, cuts."""

import email.utils
import hashlib
import os
import re
import ssl
import threading
import time

SENDFILE_CHUNK = 64 << 20
UNSATISFIABLE = "unsatisfiable"


def parse_range(header, size):
    """None (serve the whole file), UNSATISFIABLE, or (first, last) inclusive.

    One range only: `bytes=N-`, `bytes=N-M` or the suffix form `bytes=-N`.
    Anything else (several ranges, bad syntax, M < N) is ignored, as RFC 9110
    allows, and the whole file is sent.
    """
    match = re.fullmatch(r"\s*bytes\s*=\s*([0-9]*)\s*-\s*([0-9]*)\s*", header or "")
    if not match or match.group(1) == match.group(2) == "":
        return None
    first, last = match.groups()
    if first == "":
        suffix = int(last)
        if suffix == 0 or size == 0:
            return UNSATISFIABLE
        return max(0, size - suffix), size - 1
    start = int(first)
    if last != "" and int(last) < start:
        return None
    if start >= size:
        return UNSATISFIABLE
    end = size - 1 if last == "" else min(int(last), size - 1)
    return start, end


class EtagCache:
    """SHA-256 based ETags of served files, recomputed when a file changes."""

    def __init__(self):
        self._cache = {}
        self._lock = threading.Lock()

    def etag(self, path, stat):
        key = (path, stat.st_ino, stat.st_size, stat.st_mtime_ns)
        with self._lock:
            if key in self._cache:
                return self._cache[key]
        digest = hashlib.sha256()
        with open(path, "rb") as source:
            for block in iter(lambda: source.read(1 << 20), b""):
                digest.update(block)
        value = '"%s"' % digest.hexdigest()
        with self._lock:
            self._cache[key] = value
        return value


def send_file(handler, path, etag, content_type, section, stats, head=False,
              fault=None, rate=None):
    """Answer the current GET/HEAD with the file at path.

    section is the stats table ("downloads" or "files"). fault may be a
    FaultSpec of kind truncate, drop-mid or malformed; other kinds are dealt
    with by the caller.
    """
    with open(path, "rb") as source:
        stat = os.fstat(source.fileno())
        size = stat.st_size
        wanted = handler.headers.get("Range")
        if_range = handler.headers.get("If-Range")
        if wanted is not None and if_range is not None and if_range.strip() != etag:
            wanted = None
        span = parse_range(wanted, size) if wanted is not None else None
        if fault is not None and fault.kind == "malformed":
            span = None
        headers = [
            ("Content-Type", content_type),
            ("ETag", etag),
            ("Accept-Ranges", "bytes"),
            ("Last-Modified", email.utils.formatdate(stat.st_mtime, usegmt=True)),
        ]
        if span == UNSATISFIABLE:
            handler.send_error_body(
                416, "InvalidRange", "The requested range cannot be satisfied.",
                extra_headers=[("Content-Range", "bytes */%d" % size)])
            return
        if span is None:
            status, start, length = 200, 0, size
            if fault is not None and fault.kind == "malformed":
                length = size // 2
        else:
            status, start, length = 206, span[0], span[1] - span[0] + 1
            headers.append(("Content-Range",
                            "bytes %d-%d/%d" % (span[0], span[1], size)))
            stats.incr(section, "range_requests")
        headers.append(("Content-Length", str(length)))
        handler.start_response(status, headers)
        if head:
            return
        to_send = length
        if fault is not None and fault.kind == "truncate":
            to_send = min(fault.count, length)
        elif fault is not None and fault.kind == "drop-mid":
            to_send = length // 2
        progress = [0]
        try:
            _send_body(handler.connection, source, start, to_send, rate, progress)
        except OSError:
            handler.close_connection = True
        finally:
            stats.incr(section, "bytes_sent", progress[0])
        if progress[0] == length:
            stats.incr(section, "completed")
        else:
            handler.close_connection = True


def _send_body(sock, source, start, count, rate, progress):
    """Write count bytes of source from start; progress[0] counts what went out.

    Plain sockets use sendfile (zero copy). TLS sockets and throttled sends
    write 1 MiB blocks; throttled sends write smaller blocks, each one only
    once the rate allows all bytes up to its end.
    """
    if not rate and not isinstance(sock, ssl.SSLSocket):
        while progress[0] < count:
            sent = sock.sendfile(source, start + progress[0],
                                 min(SENDFILE_CHUNK, count - progress[0]))
            if not sent:
                break
            progress[0] += sent
        return
    step = max(1024, min(256 << 10, int(rate) // 10)) if rate else 1 << 20
    began = time.monotonic()
    source.seek(start)
    while progress[0] < count:
        block = source.read(min(step, count - progress[0]))
        if not block:
            break
        if rate:  # never ahead of the rate: a block leaves once it is due
            due = (progress[0] + len(block)) / rate - (time.monotonic() - began)
            if due > 0:
                time.sleep(due)
        sock.sendall(block)
        progress[0] += len(block)


send_span = _send_body  # for other endpoints that send a file span themselves


def content_type_for(name):
    lower = name.lower()
    if lower.endswith(".apk"):
        return "application/vnd.android.package-archive"
    if lower.endswith((".zip", ".ipa", ".aar", ".jar")):
        return "application/zip"
    if lower.endswith(".json"):
        return "application/json"
    return "application/octet-stream"


def resolve_served_file(serve_dir, name):
    """The path of a plain file directly inside serve_dir, or None."""
    if not serve_dir or not name or name in (".", ".."):
        return None
    if "/" in name or "\\" in name or "\0" in name:
        return None
    root = os.path.realpath(serve_dir)
    path = os.path.realpath(os.path.join(root, name))
    if os.path.dirname(path) != root or not os.path.isfile(path):
        return None
    return path
