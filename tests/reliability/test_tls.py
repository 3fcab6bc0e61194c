"""Suite 6, TLS: the tool refuses a self-signed certificate without
--ca-file, a certificate for another host name, an expired certificate and a
server offering only TLS 1.0/1.1, each with a message that names the
problem, at once (exit 5, no retries) and without sending the request.
Controls: the same servers are accepted once the problem is gone (the
test CA or the self-signed certificate given with --ca-file; TLS 1.2-only
and TLS 1.3-only servers).

Certificates: tests/emulator/make_test_certs.sh (CTest fixture test_certs:
server, wrong-host, expired, signed by a test CA) plus a self-signed one
made here with the openssl command."""

import shutil
import subprocess
import sys
import time
import unittest

from common import CERTS, ToolTestCase, write_results

RESULTS = []
STARTED = time.monotonic()


def record(name, result, ok):
    line = next((l for l in result.stderr.splitlines() if l.startswith("verifysdk: error: ")), "")
    RESULTS.append({"name": name, "exit": result.returncode, "ok": ok, "message": line[:300]})


class Tls(ToolTestCase):

    @classmethod
    def tearDownClass(cls):
        passed = sum(1 for r in RESULTS if r["ok"])
        print(f"\ntls: {passed}/{len(RESULTS)} cases as expected", file=sys.stderr)
        for r in RESULTS:
            print(f"  {'ok' if r['ok'] else 'FAIL':<5} exit {r['exit']}  {r['name']}: {r['message'][:150]}",
                  file=sys.stderr)
        write_results("tls", {"cases": len(RESULTS), "passed": passed, "rows": RESULTS,
                              "seconds": round(time.monotonic() - STARTED, 1)})

    def server(self, cert=None, key=None, *args):
        cert = cert or CERTS / "server.pem"
        key = key or CERTS / "server.key"
        return self.start_emulator("--tls-cert", str(cert), "--tls-key", str(key), *args, tls=True)

    def create(self, emulator, *options):
        return self.run_tool("create", "--app-url", emulator.file_url("app.apk"), "--endpoint", emulator.endpoint,
                             "--retries", "3", *options, timeout=60)

    def refuse(self, name, emulator, fragments, *options):
        started = time.monotonic()
        result = self.create(emulator, *options)
        seconds = time.monotonic() - started
        text = result.stdout + result.stderr
        ok = result.returncode == 5 and all(any(f in text for f in (alts if isinstance(alts, tuple) else (alts,)))
                                            for alts in fragments) and "retrying" not in text
        record(name, result, ok)
        self.assertExit(result, 5)
        for alternatives in fragments:
            alternatives = alternatives if isinstance(alternatives, tuple) else (alternatives,)
            self.assertTrue(any(f in text for f in alternatives), f"message names {alternatives}: {text}")
        self.assertNotIn("retrying", text, "a certificate or protocol problem is not retried")
        self.assertLess(seconds, 30)
        return result

    def accept(self, name, emulator, *options):
        result = self.create(emulator, *options)
        record(name, result, result.returncode == 0)
        self.assertExit(result, 0)

    def test_ca_signed_certificate_is_accepted_with_ca_file(self):
        self.accept("control: test CA given with --ca-file", self.server(), "--ca-file", CERTS / "ca.pem")

    def test_unknown_ca_without_ca_file(self):
        self.refuse("certificate of an unknown CA, no --ca-file", self.server(),
                    ["could not be verified", ("local issuer", "self-signed", "self signed"), "--ca-file"])

    @unittest.skipUnless(shutil.which("openssl"), "needs the openssl command")
    def test_self_signed_certificate(self):
        cert, key = self.tmp / "self.pem", self.tmp / "self.key"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                        "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=localhost",
                        "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                       check=True, capture_output=True)
        emulator = self.server(cert, key)
        self.refuse("self-signed certificate, no --ca-file", emulator,
                    ["could not be verified", ("self-signed", "self signed"), "--ca-file"])
        self.accept("control: the self-signed certificate given with --ca-file", emulator, "--ca-file", cert)

    def test_certificate_for_another_host(self):
        self.refuse("certificate for wrong.example (CA trusted)",
                    self.server(CERTS / "wrong-host.pem", CERTS / "wrong-host.key"),
                    ["could not be verified", ("host name", "subject name", "hostname")],
                    "--ca-file", CERTS / "ca.pem")

    def test_expired_certificate(self):
        self.refuse("certificate expired in 2020 (CA trusted)",
                    self.server(CERTS / "expired.pem", CERTS / "expired.key"),
                    ["could not be verified", "expired"], "--ca-file", CERTS / "ca.pem")

    def test_tls_1_0_and_1_1_only(self):
        self.refuse("server offering only TLS 1.0 and 1.1",
                    self.server(None, None, "--tls-min-version", "1.0", "--tls-max-version", "1.1"),
                    ["TLS handshake", "TLS 1.2"], "--ca-file", CERTS / "ca.pem")

    def test_tls_1_0_only(self):
        self.refuse("server offering only TLS 1.0",
                    self.server(None, None, "--tls-min-version", "1.0", "--tls-max-version", "1.0"),
                    ["TLS handshake", "TLS 1.2"], "--ca-file", CERTS / "ca.pem")

    def test_tls_1_2_and_1_3_only_are_accepted(self):
        self.accept("control: TLS 1.2 only", self.server(None, None, "--tls-min-version", "1.2",
                                                         "--tls-max-version", "1.2"), "--ca-file", CERTS / "ca.pem")
        self.accept("control: TLS 1.3 only", self.server(None, None, "--tls-min-version", "1.3"),
                    "--ca-file", CERTS / "ca.pem")


if __name__ == "__main__":
    unittest.main()
