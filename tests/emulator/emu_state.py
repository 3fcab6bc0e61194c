"""Shared server state: credentials, used nonces, counters and the request log."""

import collections
import copy
import threading
import time

NONCE_WINDOW_SECONDS = 15 * 60
LOG_LENGTH = 1000


class Credential:
    def __init__(self, key_id, secret, sts_token=None):
        self.key_id = key_id
        self.secret = secret
        self.sts_token = sts_token


def parse_credential(text):
    """`ID:SECRET[:STS_TOKEN]` (the token may itself contain ':')."""
    parts = text.split(":", 2)
    if len(parts) < 2 or not parts[0] or not parts[1]:
        raise ValueError("credentials must be ID:SECRET[:STS_TOKEN]: %r" % text)
    token = parts[2] if len(parts) == 3 else None
    if token == "":
        raise ValueError("empty STS token in %r" % text)
    return Credential(parts[0], parts[1], token)


class NonceStore:
    """Nonces seen in the last 15 minutes, per AccessKeyId."""

    def __init__(self, window=NONCE_WINDOW_SECONDS):
        self._window = window
        self._seen = {}  # key id -> OrderedDict(nonce -> time recorded)
        self._lock = threading.Lock()

    def check_and_record(self, key_id, nonce, now=None):
        """True when nonce is fresh (and records it); False when reused."""
        now = time.time() if now is None else now
        with self._lock:
            seen = self._seen.setdefault(key_id, collections.OrderedDict())
            while seen:
                oldest_nonce, when = next(iter(seen.items()))
                if now - when <= self._window:
                    break
                del seen[oldest_nonce]
            if nonce in seen:
                return False
            seen[nonce] = now
            return True


class Stats:
    def __init__(self):
        self._lock = threading.Lock()
        self._data = {
            "actions": {"CreateVerifySDK": 0, "DescribeVerifySDK": 0},
            "accepted": {"CreateVerifySDK": 0, "DescribeVerifySDK": 0},
            "errors": {},
            "faults": {},
            "downloads": {"requests": 0, "range_requests": 0, "completed": 0,
                          "bytes_sent": 0, "expired": 0},
            "files": {"requests": 0, "range_requests": 0, "completed": 0,
                      "bytes_sent": 0},
            "tasks": {"created": 0, "succeeded": 0, "failed": 0},
            "oss": {"put": 0, "head": 0, "get": 0, "initiate": 0, "parts": 0,
                    "complete": 0, "abort": 0, "list": 0, "list_parts": 0,
                    "delete": 0, "bytes_received": 0, "bytes_sent": 0,
                    "errors": {}},
        }

    def incr(self, section, key, amount=1):
        with self._lock:
            table = self._data[section]
            table[key] = table.get(key, 0) + amount

    def incr_nested(self, section, table, key, amount=1):
        with self._lock:
            inner = self._data[section][table]
            inner[key] = inner.get(key, 0) + amount

    def snapshot(self):
        with self._lock:
            return copy.deepcopy(self._data)


class RequestLog:
    """The last 1000 RPC requests, without signatures or secrets."""

    def __init__(self, length=LOG_LENGTH):
        self._entries = collections.deque(maxlen=length)
        self._lock = threading.Lock()

    def add(self, entry):
        with self._lock:
            self._entries.append(dict(entry))

    def snapshot(self):
        with self._lock:
            return [dict(entry) for entry in self._entries]
