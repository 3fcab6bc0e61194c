"""HTTP plumbing: one handler that routes to the RPC API, OSS, downloads and admin pages."""

import json
import os
import re
import ssl
import sys
import time
import traceback
import urllib.parse
from http.server import BaseHTTPRequestHandler

import emu_files
import emu_oss
import emu_render
import emu_tasks

MAX_BODY_BYTES = 1 << 20
_SDK_PATH = re.compile(r"/sdk/([0-9a-f]{32})\.zip")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "CloudauthEmulator/1.0"
    timeout = 120  # idle keep-alive connections end after this
    expect_continue = False  # an /oss/ request waits for 100 Continue

    def version_string(self):
        return self.server_version

    def handle_expect_100(self):
        """/oss/ says 100 Continue itself, once the request passed its checks."""
        if emu_oss.is_oss_path(self.path.partition("?")[0]):
            self.expect_continue = True
            return True
        return super().handle_expect_100()

    def send_continue(self):
        self.send_response_only(100)
        self.end_headers()

    # -- entry points -----------------------------------------------------
    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_HEAD(self):
        self._dispatch("HEAD")

    def do_PUT(self):
        self._dispatch("PUT")

    def do_DELETE(self):
        self._dispatch("DELETE")

    def do_PATCH(self):
        self._dispatch("PATCH")

    def do_OPTIONS(self):
        self._dispatch("OPTIONS")

    def log_message(self, format, *args):  # noqa: A002 - base class name
        pass  # requests go to --log-file instead

    # -- sending ----------------------------------------------------------
    def start_response(self, status, headers):
        self._status = status
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()

    def send_body(self, status, content_type, body, headers=(), head=False):
        self.start_response(status, [("Content-Type", content_type),
                                     ("Content-Length", str(len(body)))]
                            + list(headers))
        if not head:
            self.wfile.write(body)

    def send_error_body(self, status, code, message, extra_headers=(),
                        head=False):
        """An OSS-like XML error (downloads, files, paths outside the API)."""
        request_id = emu_render.new_request_id()
        content_type, body = emu_render.render_storage_error(code, message,
                                                             request_id)
        self.server.ctx.stats.incr("errors", code)
        self.send_body(status, content_type, body,
                       [("x-acs-request-id", request_id)] + list(extra_headers),
                       head)

    def _send_json(self, value):
        body = json.dumps(value, indent=1, sort_keys=True).encode("utf-8")
        self.send_body(200, emu_render.JSON_TYPE, body)

    def hang_up(self):
        self.close_connection = True
        self._status = "dropped"

    # -- routing ----------------------------------------------------------
    def _dispatch(self, method):
        self._status = None
        ctx = self.server.ctx
        path, _, query = self.path.partition("?")
        try:
            if emu_oss.is_oss_path(path):  # streams its own bodies, any size
                ctx.oss.handle(self, method, path, query)
                return
            body = self._read_body()
            if body is None:
                return
            if path == "/":
                if method in ("GET", "POST"):
                    self._rpc(method, query, body)
                else:
                    self._not_allowed("GET, POST")
            elif path.startswith("/sdk/") or path.startswith("/files/"):
                if method in ("GET", "HEAD"):
                    if path.startswith("/sdk/"):
                        self._download(path, query, method == "HEAD")
                    else:
                        self._file(path, method == "HEAD")
                else:
                    self._not_allowed("GET, HEAD")
            elif path == "/_emulator/stats" and method == "GET":
                self._send_json(ctx.stats.snapshot())
            elif path == "/_emulator/log" and method == "GET":
                self._send_json(ctx.request_log.snapshot())
            else:
                self.send_error_body(404, "NotFound",
                                     "The emulator serves nothing at this path.",
                                     head=method == "HEAD")
        except (ConnectionError, TimeoutError, ssl.SSLError):
            self.close_connection = True  # the client went away
        except Exception:  # a bug in the emulator: say so loudly, keep serving
            traceback.print_exc(file=sys.stderr)
            if self._status is None:
                self.send_error_body(500, "InternalError",
                                     "The emulator failed on this request.")
            self.close_connection = True
        finally:
            self.expect_continue = False
            ctx.log_request(method, path, self._status)

    def _read_body(self):
        """The request body (b'' when none); None after an error answer."""
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            self.send_error_body(411, "MissingContentLength",
                                 "Send the body with a Content-Length.",
                                 [("Connection", "close")])
            return None
        length_text = self.headers.get("Content-Length", "0").strip() or "0"
        if not re.fullmatch(r"[0-9]{1,18}", length_text):
            self.close_connection = True
            self.send_error_body(400, "InvalidContentLength",
                                 "Content-Length is not a number.",
                                 [("Connection", "close")])
            return None
        length = int(length_text)
        if length > MAX_BODY_BYTES:
            self.close_connection = True
            self.send_error_body(413, "RequestEntityTooLarge",
                                 "The request body is larger than 1 MiB.",
                                 [("Connection", "close")])
            return None
        data = self.rfile.read(length) if length else b""
        if len(data) < length:
            raise ConnectionError("request body cut short")
        return data

    def _not_allowed(self, allow):
        self.send_error_body(405, "MethodNotAllowed",
                             "The method is not allowed on this path.",
                             [("Allow", allow)])

    # -- the RPC API --------------------------------------------------------
    def _rpc(self, method, query, body):
        ctx = self.server.ctx
        form = ""
        content_type = self.headers.get("Content-Type", "")
        if body and content_type.split(";")[0].strip().lower() == \
                "application/x-www-form-urlencoded":
            form = body.decode("utf-8", "replace")
        reply = ctx.rpc.handle(method, query, form, self.headers.get("Host"))
        if reply.transport == "drop":
            self.hang_up()
            return
        data = reply.body
        if reply.transport == "malformed":
            data = data[:len(data) // 2]
        headers = [("Content-Type", reply.content_type),
                   ("Content-Length", str(len(data))),
                   ("x-acs-request-id", reply.request_id)] + reply.headers
        self.start_response(reply.status, headers)
        if reply.transport == "drop-mid":
            self.wfile.write(data[:len(data) // 2])
            self.close_connection = True
        else:
            self.wfile.write(data)

    # -- downloads ----------------------------------------------------------
    def _download(self, path, query, head):
        ctx = self.server.ctx
        ctx.stats.incr("downloads", "requests")
        fault = ctx.faults.select(["download"])
        match = _SDK_PATH.fullmatch(path)
        if not match:
            self.send_error_body(404, "NoSuchKey", "The specified key does not "
                                 "exist.", head=head)
            return
        task_id = match.group(1)
        params = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
        expires = params.get("Expires")
        if not ctx.download_signer.verify(task_id, expires,
                                          params.get("Signature")):
            self.send_error_body(403, "SignatureDoesNotMatch",
                                 "The request signature we calculated does not "
                                 "match the signature you provided.", head=head)
            return
        if int(expires) < time.time():
            self._expired(head)
            return
        task = ctx.tasks.get(task_id)
        if task is None or task.state != emu_tasks.SUCCEEDED:
            self.send_error_body(404, "NoSuchKey", "The specified key does not "
                                 "exist.", head=head)
            return
        if fault is not None:
            ctx.stats.incr("faults", fault.text)
            if fault.kind == "expire":
                self._expired(head)
                return
            if self._storage_fault(fault, head):
                return
        emu_files.send_file(self, task.sdk_path, task.etag, "application/zip",
                            "downloads", ctx.stats, head=head,
                            fault=fault, rate=ctx.download_rate)

    def _expired(self, head):
        self.server.ctx.stats.incr("downloads", "expired")
        self.send_error_body(403, "AccessDenied", "Request has expired.",
                             head=head)

    def _file(self, path, head):
        ctx = self.server.ctx
        ctx.stats.incr("files", "requests")
        fault = ctx.faults.select(["files"])
        name = urllib.parse.unquote(path[len("/files/"):])
        served = emu_files.resolve_served_file(ctx.serve_dir, name)
        if served is None:
            self.send_error_body(404, "NoSuchKey", "The specified key does not "
                                 "exist.", head=head)
            return
        if fault is not None:
            ctx.stats.incr("faults", fault.text)
            if self._storage_fault(fault, head):
                return
        etag = ctx.etags.etag(served, os.stat(served))
        emu_files.send_file(self, served, etag,
                            emu_files.content_type_for(name), "files",
                            ctx.stats, head=head, fault=fault,
                            rate=ctx.download_rate)

    def _storage_fault(self, fault, head):
        """Answer a download/files fault; False when the body still has to go."""
        kind = fault.kind
        if kind == "error":
            message = emu_render.KNOWN_MESSAGES.get(
                fault.code, "The request was rejected (injected fault %s)."
                % fault.code)
            self.send_error_body(fault.status, fault.code, message, head=head)
        elif kind == "throttle":
            headers = []
            if fault.seconds is not None:
                headers.append(("Retry-After", str(fault.seconds)))
            self.send_error_body(400, "Throttling.User",
                                 emu_render.KNOWN_MESSAGES["Throttling.User"],
                                 headers, head=head)
        elif kind == "delay":
            time.sleep(fault.seconds)
            return False
        elif kind == "html":
            self.send_body(200, "text/html;charset=utf-8", emu_render.HTML_BODY,
                           head=head)
        elif kind == "empty":
            self.send_body(200, "application/zip", b"", head=head)
        elif kind == "drop":
            self.hang_up()
        else:
            return False  # truncate, drop-mid, malformed: shape the body
        return True
