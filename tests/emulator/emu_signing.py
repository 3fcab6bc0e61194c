"""Signatures the emulator checks and issues.

* RPC signature version 1.0 (HMAC-SHA1), recomputed on the server side from the
  request's own parameters. Written for the emulator alone: it shares nothing
  with the C++ tool, so a signing bug in the tool cannot pass both.
* Time-limited download addresses for generated SDKs (HMAC-SHA256 with a random
  key that lives only as long as the process).
"""

import base64
import hashlib
import hmac
import os
import re

_UNRESERVED = frozenset(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"
)


def percent_encode(text):
    """RFC 3986 encoding of the UTF-8 bytes of text, upper-case hex."""
    out = []
    for byte in text.encode("utf-8", "surrogatepass"):
        if byte in _UNRESERVED:
            out.append(chr(byte))
        else:
            out.append("%%%02X" % byte)
    return "".join(out)


def canonical_query(pairs):
    """Canonical query of (name, value) pairs, leaving out Signature.

    Names and values are encoded first, then sorted by encoded name (the
    encoded text is ASCII, so str order is byte order).
    """
    encoded = sorted(
        (percent_encode(name), percent_encode(value))
        for name, value in pairs
        if name != "Signature"
    )
    return "&".join(name + "=" + value for name, value in encoded)


def string_to_sign(method, pairs):
    return method.upper() + "&" + percent_encode("/") + "&" + percent_encode(
        canonical_query(pairs)
    )


def rpc_signature(secret, text):
    """Base64(HMAC-SHA1(secret + "&", text))."""
    digest = hmac.new(
        (secret + "&").encode("utf-8"), text.encode("utf-8"), hashlib.sha1
    ).digest()
    return base64.b64encode(digest).decode("ascii")


def signatures_equal(expected, given):
    return hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8"))


class DownloadSigner:
    """Signs and checks /sdk/<TaskId>.zip?Expires=..&Signature=.. addresses."""

    def __init__(self, key=None):
        self._key = key if key is not None else os.urandom(32)

    def sign(self, task_id, expires):
        message = ("/sdk/%s.zip\n%d" % (task_id, int(expires))).encode("utf-8")
        digest = hmac.new(self._key, message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")

    def verify(self, task_id, expires_text, signature):
        if not signature or not re.fullmatch(r"[0-9]{1,18}", expires_text or ""):
            return False
        expected = self.sign(task_id, int(expires_text))
        return hmac.compare_digest(expected.encode("ascii"),
                                   signature.encode("utf-8", "replace"))
