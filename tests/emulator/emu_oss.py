"""The OSS endpoint, path style: `/oss/<bucket>/<key>`.

One Call per request: routing to an operation, body framing, bucket and name
checks, signature V1, the scripted fault, then the operation (emu_oss_ops).
Request bodies are streamed (1 MiB blocks, exactly Content-Length bytes) and
are not subject to the RPC API's 1 MiB limit. `Expect: 100-continue` is
answered only once the request has passed every check, so a refused upload
is not sent at all; a refused request whose body is on its way is read to the
end (and dropped) before the answer, so the client always sees the answer.
"""

import hashlib
import re
import time
import urllib.parse

import emu_oss_ops
import emu_oss_render as render
import emu_oss_signing
from emu_oss_render import OssError
from emu_oss_store import OssStore

PREFIX = "/oss"
MAX_OBJECT_SIZE = 5 << 30
MAX_OTHER_BODY = 2 << 20
READ_CHUNK = 1 << 20
MAX_KEY_BYTES = 1023
BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9-]{1,61}[a-z0-9]")

# operation -> (counter in stats.oss, fault target or None)
OPERATIONS = {
    "put": ("put", "oss-put"), "part": ("parts", "oss-part"),
    "head": ("head", "oss-head"), "get": ("get", "oss-get"),
    "initiate": ("initiate", "oss-initiate"),
    "complete": ("complete", "oss-complete"), "abort": ("abort", "oss-abort"),
    "list": ("list", None), "list_parts": ("list_parts", None),
    "delete": ("delete", None),
}
UPLOADS = ("put", "part")


def is_oss_path(path):
    return path == PREFIX or path.startswith(PREFIX + "/")


def valid_bucket_name(name):
    return bool(BUCKET_NAME.fullmatch(name))


class Call:
    """One request to /oss/ and what has happened to its body so far."""

    def __init__(self, handler, method, path, query):
        self.handler = handler
        self.method = method
        self.head = method == "HEAD"
        self.request_id = render.new_request_id()
        bucket, slash, raw_key = path[len(PREFIX) + 1:].partition("/")
        self.bucket = urllib.parse.unquote(bucket)
        self.key, self.key_ok = None, True
        if slash:
            try:
                # http.server reads the request line as Latin-1: back to bytes
                self.key = urllib.parse.unquote_to_bytes(
                    raw_key.encode("latin-1", "replace")).decode("utf-8")
            except UnicodeDecodeError:
                self.key, self.key_ok = raw_key, False
        self.params = urllib.parse.parse_qsl(query, keep_blank_values=True)
        self.param = {}
        for name, value in self.params:
            self.param.setdefault(name, value)
        self.headers = list(handler.headers.items())
        self.chunked = bool(handler.headers.get("Transfer-Encoding"))
        length = handler.headers.get("Content-Length")
        self.length_given = length is not None
        self.length_ok = length is None or bool(re.fullmatch(r"[0-9]{1,18}",
                                                             length.strip()))
        self.length = int(length) if length is not None and self.length_ok else 0
        self.expect_pending = handler.expect_continue
        self.body_done = False
        self.close = False      # answer with Connection: close
        self.shape = None       # malformed / drop-mid / truncate fault in force
        self.fault = None
        self.operation = self._operation()

    def header(self, name):
        return self.handler.headers.get(name)

    def _operation(self):
        names, method = self.param, self.method
        if not self.key:
            return "list" if method == "GET" and "uploads" in names else None
        if method == "PUT":
            return "part" if "uploadId" in names else "put"
        if method == "POST":
            if "uploads" in names:
                return "initiate"
            return "complete" if "uploadId" in names else None
        if method == "GET":
            return "list_parts" if "uploadId" in names else "get"
        if method == "HEAD":
            return "head"
        if method == "DELETE":
            return "abort" if "uploadId" in names else "delete"
        return None

    # -- the request body ----------------------------------------------------------
    def start_body(self):
        """About to read the body: say 100 Continue if the client waits for it."""
        self.body_done = True
        if self.expect_pending:
            self.expect_pending = False
            self.handler.send_continue()

    def settle_body(self):
        """Before an answer: read and drop an unread body, or close afterwards."""
        if self.body_done:
            return
        self.body_done = True
        if self.chunked or not self.length_ok:
            self.close = True
        elif self.length and (self.expect_pending or self.length > MAX_OBJECT_SIZE):
            self.close = True   # the body is not coming (or is not worth reading)
        else:
            remaining = self.length
            while remaining:
                block = self.handler.rfile.read(min(READ_CHUNK, remaining))
                if not block:
                    raise ConnectionError("request body cut short")
                remaining -= len(block)


class OssService:
    def __init__(self, ctx, root, buckets):
        self.ctx = ctx
        self.store = OssStore(root, buckets)

    # -- answering ---------------------------------------------------------------
    def host_id(self, call):
        host = call.header("Host") or self.ctx.default_host
        return "%s.%s" % (call.bucket, host) if call.bucket else host

    def answer(self, call, status, headers, body=b"", length=None):
        """Send status, headers and body (HEAD: no body). length: Content-Length
        when it is not len(body) (HEAD of an object)."""
        call.settle_body()
        handler = call.handler
        if call.shape == "drop-mid" and not body and not call.head:
            handler.hang_up()           # processed, but the answer never comes
            return
        data = body
        if call.shape == "malformed":
            data = body[:len(body) // 2]
        head = [("x-oss-request-id", call.request_id)] + list(headers)
        if status not in (204, 304):
            head.append(("Content-Length",
                         str(length if length is not None else len(data))))
        if call.close:
            head.append(("Connection", "close"))
            handler.close_connection = True
        handler.start_response(status, head)
        if call.head or not data:
            return
        if call.shape == "drop-mid":
            handler.wfile.write(data[:len(data) // 2])
            handler.close_connection = True
        else:
            handler.wfile.write(data)

    def fail(self, call, error):
        stats = self.ctx.stats
        stats.incr("errors", error.code)
        stats.incr_nested("oss", "errors", error.code)
        call.close = call.close or error.close
        body = b"" if call.head else render.error_body(error, call.request_id,
                                                       self.host_id(call))
        self.answer(call, error.status,
                    [("Content-Type", render.XML_TYPE)] + error.headers, body)

    # -- one request ----------------------------------------------------------------
    def handle(self, handler, method, path, query):
        call = Call(handler, method, path, query)
        stats = self.ctx.stats
        counter, target = OPERATIONS.get(call.operation, (None, None))
        if counter:
            stats.incr("oss", counter)
        fault = self.ctx.faults.select([target]) if target else None
        try:
            self._check(call)
            if fault is not None and self._apply_fault(call, fault):
                return
            emu_oss_ops.OPERATIONS[call.operation](self, call)
        except OssError as error:
            self.fail(call, error)

    def _check(self, call):
        """Everything before the fault: framing, bucket, name, signature."""
        operation = call.operation
        if call.chunked or (operation in UPLOADS and not call.length_given):
            raise OssError(411, "MissingContentLength", close=call.chunked)
        if not call.length_ok:
            raise OssError(400, "InvalidArgument", "Content-Length is not a number.",
                           close=True)
        if operation in UPLOADS and call.length > MAX_OBJECT_SIZE:
            raise OssError(400, "EntityTooLarge", close=True, details=[
                ("ProposedSize", call.length), ("MaxSizeAllowed", MAX_OBJECT_SIZE)])
        if operation not in UPLOADS and call.length > MAX_OTHER_BODY:
            raise OssError(400, "MalformedXML" if operation == "complete"
                           else "InvalidArgument",
                           "The request body is larger than 2 MiB.", close=True)
        if not valid_bucket_name(call.bucket):
            raise OssError(400, "InvalidBucketName",
                           details=[("BucketName", call.bucket)])
        if not self.store.has_bucket(call.bucket):
            raise OssError(404, "NoSuchBucket", details=[("BucketName", call.bucket)])
        if operation is None:
            if not call.key and call.method in ("GET", "HEAD", "PUT", "POST", "DELETE"):
                raise OssError(400, "InvalidObjectName", details=[("ObjectName", "")])
            raise OssError(405, "MethodNotAllowed", details=[
                ("Method", call.method), ("ResourceType", "Object")])
        key = call.key
        if key and (not call.key_ok or len(key.encode("utf-8")) > MAX_KEY_BYTES
                    or key[0] in "/\\"):
            raise OssError(400, "InvalidObjectName", details=[("ObjectName", key)])
        request = emu_oss_signing.Request(call.method, call.headers, call.bucket,
                                          key, call.params)
        emu_oss_signing.authenticate(request, self.ctx.credentials, time.time())

    def _apply_fault(self, call, fault):
        """Apply the call's fault; True when the answer has been given."""
        self.ctx.stats.incr("faults", fault.text)
        call.fault = fault
        kind = fault.kind
        if kind == "error":
            message = render.MESSAGES.get(
                fault.code, "The request was rejected (injected fault %s)."
                % fault.code)
            raise OssError(fault.status, fault.code, message)
        if kind == "throttle":
            headers = []
            if fault.seconds is not None:
                headers.append(("Retry-After", str(fault.seconds)))
            raise OssError(429, "QpsLimitExceeded", headers=headers)
        if kind == "expire":
            raise OssError(403, "AccessDenied", "Request has expired.")
        if kind == "delay":
            time.sleep(fault.seconds)
            return False
        if kind == "drop":
            call.settle_body()
            call.handler.hang_up()
            return True
        if kind == "html":
            self.answer(call, 200, [("Content-Type", "text/html;charset=utf-8")],
                        b"<html><body>502 Bad Gateway</body></html>")
            return True
        if kind == "empty":
            self.answer(call, 200, [("Content-Type", render.XML_TYPE)], b"")
            return True
        call.shape = kind   # malformed, drop-mid, truncate: shape the answer
        return False

    # -- reading bodies -------------------------------------------------------------
    def receive(self, call):
        """Stream the body into a new store file: (path, binary MD5, size)."""
        call.start_body()
        path, out = self.store.new_file()
        digest = hashlib.md5()
        got = 0
        try:
            with out:
                while got < call.length:
                    block = call.handler.rfile.read(min(READ_CHUNK, call.length - got))
                    if not block:
                        raise ConnectionError("request body cut short")
                    digest.update(block)
                    out.write(block)
                    got += len(block)
                    self.ctx.stats.incr("oss", "bytes_received", len(block))
        except BaseException:
            self.store.discard(path)
            raise
        return path, digest.digest(), got

    def read_small(self, call):
        """The whole (at most 2 MiB) body in memory."""
        call.start_body()
        data = call.handler.rfile.read(call.length) if call.length else b""
        if len(data) < call.length:
            raise ConnectionError("request body cut short")
        return data
