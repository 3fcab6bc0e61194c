"""HeadObject and GetObject: conditions, OSS's Range rules, sending the file.

Bodies go out with socket.sendfile, part file after part file (zero copy on
plain HTTP; TLS falls back to send). Faults shape the body: truncate=N, drop-mid (half) and malformed
(the first half, with an honest Content-Length).
"""

import re

import emu_files
import emu_oss_render as render
from emu_oss_render import OssError

UNSATISFIABLE = emu_files.UNSATISFIABLE


def parse_range(header, size, standard):
    """OSS's Range rules: None (whole object), UNSATISFIABLE or (first, last).

    By default an invalid or out-of-range Range is ignored (200, whole object);
    with `x-oss-range-behavior: standard` an end past the object is clamped
    and a start past it is 416. Of several ranges only the first counts.
    """
    match = re.fullmatch(r"\s*bytes\s*=\s*([0-9]*)\s*-\s*([0-9]*)\s*(?:,.*)?",
                         header or "")
    if not match or match.group(1) == match.group(2) == "":
        return None
    if size == 0:
        return UNSATISFIABLE if standard else None
    first, last = match.groups()
    if first == "":
        suffix = int(last)
        if suffix == 0:
            return UNSATISFIABLE if standard else None
        if suffix > size:
            return (0, size - 1) if standard else None
        return size - suffix, size - 1
    start = int(first)
    if last != "" and int(last) < start:
        return None
    if start >= size:
        return UNSATISFIABLE if standard else None
    end = size - 1 if last == "" else int(last)
    if end >= size:
        if not standard:
            return None
        end = size - 1
    return start, end


def _same(tag_list, etag):
    wanted = [tag.strip().strip('"') for tag in tag_list.split(",")]
    return "*" in wanted or etag.strip('"') in wanted


def read_object(svc, call):
    """HeadObject and GetObject."""
    stored, source = svc.store.open(call.bucket, call.key)
    if stored is None:
        raise OssError(404, "NoSuchKey", details=[("Key", call.key)])
    with source:
        headers = list(stored.headers) + [
            ("ETag", stored.etag),
            ("Last-Modified", render.http_date(stored.modified)),
            ("Accept-Ranges", "bytes"),
            ("x-oss-object-type", stored.object_type),
            ("x-oss-storage-class", "Standard")]
        if stored.content_md5:
            headers.append(("Content-MD5", stored.content_md5))
        if_match, if_none = call.header("If-Match"), call.header("If-None-Match")
        if if_match is not None and not _same(if_match, stored.etag):
            raise OssError(412, "PreconditionFailed")
        if if_none is not None and _same(if_none, stored.etag):
            svc.answer(call, 304, [("ETag", stored.etag)])
            return
        if call.head:
            svc.answer(call, 200, headers, length=stored.size)
            return
        _send_object(svc, call, stored, source, headers)


def _send_object(svc, call, stored, source, headers):
    call.settle_body()
    if call.close:
        headers.append(("Connection", "close"))
        call.handler.close_connection = True
    size = stored.size
    standard = (call.header("x-oss-range-behavior") or "").lower() == "standard"
    span = parse_range(call.header("Range"), size, standard)
    shape = call.shape
    if shape == "malformed":
        span = None
    if span == UNSATISFIABLE:
        raise OssError(416, "InvalidRange", details=[
            ("RangeRequested", call.header("Range")), ("ActualObjectSize", size)],
            headers=[("Content-Range", "bytes */%d" % size)])
    if span is None:
        status, start, length = 200, 0, size
        if shape == "malformed":
            length = size // 2
    else:
        status, start, length = 206, span[0], span[1] - span[0] + 1
        headers.append(("Content-Range", "bytes %d-%d/%d" % (span[0], span[1], size)))
    handler = call.handler
    handler.start_response(status, [("x-oss-request-id", call.request_id)] + headers
                           + [("Content-Length", str(length))])
    to_send = length
    if shape == "truncate":
        to_send = min(call.fault.count, length)
    elif shape == "drop-mid":
        to_send = length // 2
    progress = [0]
    try:
        source.send(handler.connection, start, to_send, progress)
    except OSError:
        handler.close_connection = True
    finally:
        svc.ctx.stats.incr("oss", "bytes_sent", progress[0])
    if progress[0] < length:
        handler.close_connection = True
