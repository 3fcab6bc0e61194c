"""Scripted faults: parsing `TARGET:KIND[=ARG][@CALLS]` and choosing one per call.

Every request to a target advances that target's call counter (1-based), even
when the request is later rejected. The first spec (in command-line order)
whose target and CALLS match is the request's fault. `@pX` specs draw one
number from a random.Random(--fault-seed) stream for every request to their
target, whether or not an earlier spec already matched, so a given request
sequence always gets the same faults.
"""

import random
import re
import threading

RPC_ACTIONS = ("CreateVerifySDK", "DescribeVerifySDK")
OSS_TARGETS = ("oss-put", "oss-part", "oss-head", "oss-get", "oss-initiate",
               "oss-complete", "oss-abort")
TARGETS = RPC_ACTIONS + ("*", "download", "files") + OSS_TARGETS
_RPC = set(RPC_ACTIONS) | {"*"}
_STORAGE = {"download", "files"}
_ALL = _RPC | _STORAGE
_OSS = set(OSS_TARGETS)
_OSS_BODY = {"oss-get", "oss-initiate", "oss-complete"}  # answers with a body

# kind -> (targets it may be used with, argument: None / "optional" / "required")
KINDS = {
    "error": (_ALL | _OSS, "required"),
    "throttle": (_ALL | _OSS, "optional"),
    "delay": (_ALL | _OSS, "required"),
    "malformed": (_ALL | _OSS_BODY, None),
    "html": (_ALL | _OSS_BODY, None),
    "empty": (_ALL | _OSS_BODY, None),
    "huge": (_RPC, None),
    "bad-taskid": (_RPC, None),
    "drop": (_ALL | _OSS, None),
    "drop-mid": (_ALL | _OSS - {"oss-head"}, None),
    "truncate": (_STORAGE | {"oss-get"}, "required"),
    "expire": ({"download", "oss-get"}, None),
    "fail-generation": ({"CreateVerifySDK"}, None),
}


class FaultSpecError(ValueError):
    pass


class CallSet:
    """Which calls (1-based numbers) a spec selects."""

    def __init__(self, text):
        self.text = text
        self.probability = None
        self.ranges = []  # (first, last or None)
        if text is None:
            self.ranges = [(1, None)]
        elif text.startswith("p"):
            try:
                self.probability = float(text[1:])
            except ValueError:
                raise FaultSpecError("bad probability in @%s" % text) from None
            if not 0.0 <= self.probability <= 1.0:
                raise FaultSpecError("probability must be in [0, 1]: @%s" % text)
        else:
            for item in text.split(","):
                match = re.fullmatch(r"([0-9]+)(?:(-)([0-9]*))?", item)
                if not match or int(match.group(1)) < 1:
                    raise FaultSpecError("bad call selector %r in @%s" % (item, text))
                first = int(match.group(1))
                if match.group(2) is None:
                    last = first
                elif match.group(3) == "":
                    last = None
                else:
                    last = int(match.group(3))
                    if last < first:
                        raise FaultSpecError("empty call range %r" % item)
                self.ranges.append((first, last))

    def matches(self, number, rng):
        if self.probability is not None:
            return rng.random() < self.probability
        return any(number >= first and (last is None or number <= last)
                   for first, last in self.ranges)


class FaultSpec:
    def __init__(self, text):
        self.text = text
        target, sep, rest = text.partition(":")
        if not sep or target not in TARGETS:
            raise FaultSpecError(
                "%r: TARGET must be one of %s" % (text, ", ".join(TARGETS)))
        kind_arg, at, calls = rest.partition("@")
        kind, eq, arg = kind_arg.partition("=")
        if kind not in KINDS:
            raise FaultSpecError("%r: unknown KIND %r" % (text, kind))
        allowed, arg_rule = KINDS[kind]
        if target not in allowed:
            raise FaultSpecError("%r: %s does not apply to %s" % (text, kind, target))
        if arg_rule is None and eq:
            raise FaultSpecError("%r: %s takes no argument" % (text, kind))
        if arg_rule == "required" and not arg:
            raise FaultSpecError("%r: %s needs =ARG" % (text, kind))
        if at and not calls:
            raise FaultSpecError("%r: empty @CALLS" % text)
        self.target = target
        self.kind = kind
        self.calls = CallSet(calls if at else None)
        self.status = self.code = None
        self.seconds = self.count = None
        self._parse_arg(arg if eq else None)

    def _parse_arg(self, arg):
        if self.kind == "error":
            match = re.fullmatch(r"([1-5][0-9][0-9])/([^\s/]+)", arg)
            if not match:
                raise FaultSpecError("%r: error needs STATUS/CODE" % self.text)
            self.status, self.code = int(match.group(1)), match.group(2)
        elif self.kind == "throttle" and arg is not None:
            if not re.fullmatch(r"[0-9]+", arg):
                raise FaultSpecError("%r: throttle=SECONDS takes whole seconds"
                                     % self.text)
            self.seconds = int(arg)
        elif self.kind == "delay":
            try:
                self.seconds = float(arg)
            except ValueError:
                raise FaultSpecError("%r: delay needs seconds" % self.text) from None
            if self.seconds < 0:
                raise FaultSpecError("%r: negative delay" % self.text)
        elif self.kind == "truncate":
            if not re.fullmatch(r"[0-9]+", arg):
                raise FaultSpecError("%r: truncate needs a byte count" % self.text)
            self.count = int(arg)

    def __repr__(self):
        return "FaultSpec(%r)" % self.text


class FaultBook:
    """The configured specs, the per-target call counters and the random stream."""

    def __init__(self, texts, seed=1):
        self.specs = [FaultSpec(text) for text in texts]
        self._rng = random.Random(seed)
        self._counters = {target: 0 for target in TARGETS}
        self._lock = threading.Lock()

    def select(self, targets):
        """Count one call for each of targets; return the matching spec or None."""
        with self._lock:
            for target in targets:
                self._counters[target] += 1
            chosen = None
            for spec in self.specs:
                if spec.target not in targets:
                    continue
                hit = spec.calls.matches(self._counters[spec.target], self._rng)
                if hit and chosen is None:
                    chosen = spec
            return chosen
