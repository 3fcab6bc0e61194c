"""Reading an RPC request and checking it the way the real service does."""

import calendar
import re
import time
import urllib.parse

import emu_signing
from emu_render import ApiError

COMMON_PARAMETERS = ("Action", "Version", "AccessKeyId", "SignatureMethod",
                     "SignatureVersion", "SignatureNonce", "Timestamp", "Signature")
ACTIONS = ("CreateVerifySDK", "DescribeVerifySDK")
VERSIONS = ("2019-03-07", "2018-09-16")
TIME_WINDOW_SECONDS = 15 * 60
_TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")


def parse_pairs(text):
    """Form/query decoding: '+' is a space, %XY are UTF-8 bytes."""
    if not text:
        return []
    return urllib.parse.parse_qsl(text, keep_blank_values=True)


def missing(name):
    return ApiError(400, "MissingParameter",
                    'The input parameter "%s" that is mandatory for processing '
                    'this request is not supplied.' % name)


class RpcRequest:
    def __init__(self, method, query_pairs, form_pairs):
        self.method = method
        self.pairs = list(query_pairs) + list(form_pairs)
        self.params = {}
        self.duplicate = None
        for name, value in self.pairs:
            if name in self.params:
                self.duplicate = self.duplicate or name
            else:
                self.params[name] = value
        if query_pairs and form_pairs:
            self.params_in = "both"
        elif form_pairs:
            self.params_in = "form"
        else:
            self.params_in = "query"
        self.format = ("JSON" if self.params.get("Format", "").upper() == "JSON"
                       else "XML")

    def get(self, name):
        return self.params.get(name)


def parse_timestamp(text):
    """Seconds since the epoch, or None when text is not YYYY-MM-DDThh:mm:ssZ."""
    if not _TIMESTAMP.fullmatch(text):
        return None
    try:
        parsed = time.strptime(text, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return None
    return calendar.timegm(parsed)


class Validator:
    def __init__(self, credentials, nonces):
        self._credentials = credentials  # key id -> emu_state.Credential
        self._nonces = nonces

    def validate(self, request, now=None):
        """Return the caller's Credential, or raise ApiError (checks in order)."""
        now = time.time() if now is None else now
        params = request.params
        for name in COMMON_PARAMETERS:
            if not params.get(name):
                raise missing(name)
        if request.duplicate:
            raise ApiError(400, "InvalidParameter",
                           'The parameter "%s" is given more than once.'
                           % request.duplicate)
        if "Format" in params and params["Format"].upper() not in ("JSON", "XML"):
            raise ApiError(400, "InvalidParameter.Format",
                           'The specified parameter "Format" is not valid: '
                           'use JSON or XML.')
        if params["Action"] not in ACTIONS:
            raise ApiError(404, "InvalidAction.NotFound",
                           "Specified api is not found, please check your url "
                           "and method.")
        if params["Version"] not in VERSIONS:
            raise ApiError(400, "InvalidVersion",
                           "Specified parameter Version is not valid.")
        if params["SignatureMethod"] != "HMAC-SHA1":
            raise ApiError(400, "InvalidSignatureMethod",
                           "Specified signature method is not supported: "
                           "use HMAC-SHA1.")
        if params["SignatureVersion"] != "1.0":
            raise ApiError(400, "InvalidSignatureVersion",
                           "Specified signature version is not supported: "
                           "use 1.0.")
        stamp = parse_timestamp(params["Timestamp"])
        if stamp is None:
            raise ApiError(400, "InvalidTimeStamp.Format",
                           "Specified time stamp or date value is not well "
                           "formatted.")
        if abs(now - stamp) > TIME_WINDOW_SECONDS:
            raise ApiError(400, "InvalidTimeStamp.Expired",
                           "Specified time stamp or date value is expired.")
        credential = self._credentials.get(params["AccessKeyId"])
        if credential is None:
            raise ApiError(404, "InvalidAccessKeyId.NotFound",
                           "Specified access key is not found.")
        text = emu_signing.string_to_sign(request.method, request.pairs)
        expected = emu_signing.rpc_signature(credential.secret, text)
        if not emu_signing.signatures_equal(expected, params["Signature"]):
            raise ApiError(400, "SignatureDoesNotMatch",
                           "Specified signature is not matched with our "
                           "calculation. server string to sign is:" + text)
        if not self._nonces.check_and_record(credential.key_id,
                                             params["SignatureNonce"], now):
            raise ApiError(400, "SignatureNonceUsed",
                           "Specified signature nonce was used already.")
        token = params.get("SecurityToken")
        if token != credential.sts_token and (token or credential.sts_token):
            raise ApiError(400, "InvalidSecurityToken.MismatchWithAccessKey",
                           "Specified SecurityToken mismatch with the AccessKey.")
        return credential
