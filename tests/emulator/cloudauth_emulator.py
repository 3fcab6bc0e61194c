#!/usr/bin/env python3
"""A local emulator of Alibaba Cloud Cloudauth's CreateVerifySDK / DescribeVerifySDK.

Real HTTP or HTTPS on loopback, Python 3 standard library only. See README.md
beside this file for the command line, the fault grammar and the answers.
"""

import argparse
import os
import shutil
import signal
import socket
import ssl
import sys
import tempfile
import threading
import time
import warnings
from http.server import ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import emu_faults  # noqa: E402
import emu_files  # noqa: E402
import emu_oss  # noqa: E402
import emu_rpc  # noqa: E402
import emu_signing  # noqa: E402
import emu_state  # noqa: E402
import emu_tasks  # noqa: E402
from emu_handler import Handler  # noqa: E402

TLS_VERSIONS = {
    "1.0": ssl.TLSVersion.TLSv1,
    "1.1": ssl.TLSVersion.TLSv1_1,
    "1.2": ssl.TLSVersion.TLSv1_2,
    "1.3": ssl.TLSVersion.TLSv1_3,
}
LEGACY_CIPHERS = "DEFAULT:@SECLEVEL=0"
HANDSHAKE_TIMEOUT = 30


class Context:
    """Everything the request handlers share."""

    def __init__(self, args, workdir, scheme, default_host):
        self.credentials = {}
        for text in args.credentials or ["testid:testsecret"]:
            credential = emu_state.parse_credential(text)
            self.credentials[credential.key_id] = credential
        self.nonces = emu_state.NonceStore()
        self.stats = emu_state.Stats()
        self.request_log = emu_state.RequestLog()
        self.faults = emu_faults.FaultBook(args.fault or [], args.fault_seed)
        self.tasks = emu_tasks.TaskStore(workdir, self.stats,
                                         args.generation_delay, args.sdk_size,
                                         args.app_ca_file, args.sdk_file)
        self.download_signer = emu_signing.DownloadSigner()
        self.download_ttl = args.download_ttl
        self.download_rate = args.download_rate
        self.response_style = args.response_style
        self.serve_dir = args.serve_dir
        self.scheme = scheme
        self.default_host = default_host
        self.etags = emu_files.EtagCache()
        self.rpc = emu_rpc.RpcService(self)
        self.oss = emu_oss.OssService(self, os.path.join(workdir, "oss"),
                                      args.oss_bucket or [])
        self._log_file = open(args.log_file, "a", encoding="utf-8") \
            if args.log_file else None
        self._log_lock = threading.Lock()

    def log_request(self, method, path, status):
        if self._log_file is None:
            return
        line = "%s %s %s %s\n" % (
            time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), method, path,
            "-" if status is None else status)
        with self._log_lock:
            self._log_file.write(line)
            self._log_file.flush()

    def close(self):
        if self._log_file is not None:
            self._log_file.close()


class EmulatorServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, address, ssl_context):
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.ssl_context = ssl_context
        self.ctx = None
        super().__init__(address, Handler)

    def finish_request(self, request, client_address):
        """TLS handshakes happen here, in the connection's own thread."""
        if self.ssl_context is None:
            super().finish_request(request, client_address)
            return
        try:
            request.settimeout(HANDSHAKE_TIMEOUT)
            tls = self.ssl_context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return  # a failed handshake: nothing to answer
        try:
            tls.settimeout(None)
            super().finish_request(tls, client_address)
        finally:
            tls.close()

    def handle_error(self, request, client_address):
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, ssl.SSLError, TimeoutError)):
            return  # the client went away
        super().handle_error(request, client_address)


def tls_context(args):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(args.tls_cert, args.tls_key)
    highest = TLS_VERSIONS.get(args.tls_max_version)
    lowest = TLS_VERSIONS[args.tls_min_version] if args.tls_min_version else None
    if lowest is None:
        lowest = ssl.TLSVersion.TLSv1_2
        if highest is not None and highest < lowest:
            lowest = highest
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        if lowest < ssl.TLSVersion.TLSv1_2:
            # OpenSSL 3 refuses TLS 1.0/1.1 at the default security level.
            context.set_ciphers(LEGACY_CIPHERS)
        context.minimum_version = lowest
        if highest is not None:
            context.maximum_version = highest
    return context


def write_port_file(path, port):
    directory = os.path.dirname(os.path.abspath(path))
    handle, temp = tempfile.mkstemp(prefix=".port-", dir=directory)
    with os.fdopen(handle, "w") as out:
        out.write("%d\n" % port)
    os.replace(temp, path)


def positive_float(text):
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must not be negative")
    return value


def fault_spec(text):
    try:
        emu_faults.FaultSpec(text)
    except emu_faults.FaultSpecError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text


def credential_text(text):
    try:
        emu_state.parse_credential(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text


def bucket_name(text):
    if not emu_oss.valid_bucket_name(text):
        raise argparse.ArgumentTypeError(
            "%r is not an OSS bucket name (3-63 of a-z 0-9 -, no - at the ends)" % text)
    return text


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--tls-min-version", choices=sorted(TLS_VERSIONS))
    parser.add_argument("--tls-max-version", choices=sorted(TLS_VERSIONS))
    parser.add_argument("--credentials", action="append", type=credential_text)
    parser.add_argument("--generation-delay", type=positive_float, default=2.0)
    parser.add_argument("--serve-dir")
    parser.add_argument("--fault", action="append", type=fault_spec)
    parser.add_argument("--fault-seed", type=int, default=1)
    parser.add_argument("--download-ttl", type=int, default=600)
    parser.add_argument("--sdk-size", type=int)
    parser.add_argument("--sdk-file", help="serve this file as every generated SDK (tests of "
                        "hostile archives)")
    parser.add_argument("--download-rate", type=positive_float)
    parser.add_argument("--response-style", default="current",
                        choices=("current", "data", "data-url"))
    parser.add_argument("--app-ca-file")
    parser.add_argument("--log-file")
    parser.add_argument("--work-dir")
    parser.add_argument("--oss-bucket", action="append", type=bucket_name,
                        help="serve this OSS bucket at /oss/NAME/ (repeatable)")
    args = parser.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    if not args.tls_cert and (args.tls_min_version or args.tls_max_version):
        parser.error("--tls-min-version/--tls-max-version need --tls-cert")
    if args.download_rate == 0:
        args.download_rate = None
    return args


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    context = tls_context(args) if args.tls_cert else None
    server = EmulatorServer((args.host, args.port), context)
    port = server.server_address[1]
    host = "[%s]" % args.host if ":" in args.host else args.host
    workdir = tempfile.mkdtemp(prefix="cloudauth-emulator-", dir=args.work_dir)
    try:
        server.ctx = Context(args, workdir, "https" if context else "http",
                             "%s:%d" % (host, port))

        def stop(signum, frame):
            threading.Thread(target=server.shutdown, daemon=True).start()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        write_port_file(args.port_file, port)
        server.serve_forever(poll_interval=0.1)
    finally:
        server.server_close()
        if server.ctx is not None:
            server.ctx.close()
        remove_tree(workdir)
    return 0


def remove_tree(path):
    """Remove path, even while a generation thread may still add to it."""
    for _ in range(3):
        shutil.rmtree(path, ignore_errors=True)
        if not os.path.exists(path):
            return
        time.sleep(0.1)


if __name__ == "__main__":
    code = main()
    # Daemon threads (connections, generation tasks) may still be running:
    # leave without interpreter finalization, which they could crash.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
