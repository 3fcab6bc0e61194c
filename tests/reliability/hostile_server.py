"""A scripted stand-in for Cloudauth and its download host, for hostile
answers the emulator cannot give (any body, any TaskId or SdkUrl, redirects,
endless bodies). It checks no signature: the tool's requests are only
counted. Loopback only, HTTP or HTTPS, standard library only.

    server = ScriptedServer(create=..., describe=..., routes={"/sdk/x.zip": ...})
    server.base            # http://127.0.0.1:PORT
    server.counts["/"]     # requests per path (query dropped)
    server.stop()

An answer is an Answer (status, headers, body), one of the specials
DROP (close without answering) / ENDLESS (200, no Content-Length, bytes until
the client leaves), or a callable(server) returning one of those."""

import http.server
import json
import socket
import ssl
import threading
import time
import urllib.parse
import uuid

TASK_ID = "0123456789abcdef0123456789abcdef"


class Answer:
    def __init__(self, status=200, body=b"", headers=(), content_type="application/json;charset=utf-8",
                 close=False):
        self.status = status
        self.close = close  # close the connection after the body (e.g. a body shorter than announced)
        self.body = body.encode("utf-8") if isinstance(body, str) else body
        self.headers = list(headers)
        self.content_type = content_type


def json_answer(value, status=200):
    return Answer(status, json.dumps(value))


def redirect(location, status=302):
    return Answer(status, b"", [("Location", location)], content_type="text/plain")


DROP = object()
ENDLESS = object()


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "hostile"
    sys_version = ""

    def log_message(self, format, *args):  # noqa: A002 - quiet
        pass

    def do_GET(self):
        self._answer()

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self._answer()

    def do_HEAD(self):
        self._answer()

    def _answer(self):
        script = self.server.script
        url = urllib.parse.urlsplit(self.path)
        with script.lock:
            script.counts[url.path] = script.counts.get(url.path, 0) + 1
        action = urllib.parse.parse_qs(url.query).get("Action", [""])[0]
        if url.path == "/" and action == "CreateVerifySDK":
            answer = script.create
        elif url.path == "/" and action == "DescribeVerifySDK":
            answer = script.describe
        else:
            answer = script.routes.get(url.path)
        if callable(answer):
            answer = answer(script)
        if answer is None:
            answer = Answer(404, "<Error><Code>NoSuchKey</Code></Error>", content_type="application/xml")
        if answer is DROP:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        if answer is ENDLESS:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            chunk = b"x" * 65536
            deadline = time.monotonic() + 60
            try:
                while time.monotonic() < deadline:
                    self.wfile.write(chunk)
            except OSError:
                pass
            return
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        if not any(name.lower() == "content-length" for name, _ in answer.headers):
            self.send_header("Content-Length", str(len(answer.body)))
        if answer.close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.send_header("x-acs-request-id", str(uuid.uuid4()).upper())
        for name, value in answer.headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            try:
                self.wfile.write(answer.body)
            except OSError:
                pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        pass  # clients that hang up early are part of the game


class ScriptedServer:
    """Answers CreateVerifySDK with `create`, DescribeVerifySDK with `describe`
    (defaults: a TaskId, then SdkUrl = base + /sdk/<TaskId>.zip) and other
    paths from `routes`; `sdk` (bytes) is served at /sdk/<TaskId>.zip unless
    routes say otherwise."""

    def __init__(self, create=None, describe=None, routes=None, sdk=None, tls=None):
        self.lock = threading.Lock()
        self.counts = {}
        self.create = create or json_answer({"RequestId": "R-CREATE", "TaskId": TASK_ID})
        self.describe = describe or (lambda s: json_answer({"RequestId": "R-DESCRIBE", "SdkUrl": s.sdk_url}))
        self.routes = {}
        if sdk is not None:
            self.routes[f"/sdk/{TASK_ID}.zip"] = Answer(200, sdk, [("ETag", '"sdk"')], content_type="application/zip")
        self.routes.update(routes or {})
        self.httpd = _Server(("127.0.0.1", 0), _Handler)
        self.httpd.script = self
        scheme = "http"
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
            scheme = "https"
        self.port = self.httpd.server_address[1]
        host = "localhost" if tls else "127.0.0.1"
        self.base = f"{scheme}://{host}:{self.port}"
        self.sdk_url = f"{self.base}/sdk/{TASK_ID}.zip"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()

    def requests(self, path=None):
        with self.lock:
            return sum(self.counts.values()) if path is None else self.counts.get(path, 0)

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
