"""OSS signature version 1: the string to sign, and the checks of a request.

Written for the emulator alone from OSS's public documentation; it shares
nothing with the C++ tool, so a signing bug in the tool cannot pass both.

StringToSign = VERB \n Content-MD5 \n Content-Type \n Date \n
               CanonicalizedOSSHeaders CanonicalizedResource
Signature    = Base64(HMAC-SHA1(AccessKeySecret, StringToSign))

Header form: `Authorization: OSS <AccessKeyId>:<Signature>`, Date within 15
minutes. URL form: query `OSSAccessKeyId`, `Expires` (unix seconds, in place
of Date), `Signature`, and `security-token` for STS keys.
"""

import base64
import hashlib
import hmac
import re

from emu_oss_render import OssError, http_date, iso_time, parse_http_date

SKEW_SECONDS = 15 * 60

# Query parameters that belong to the canonicalized resource (OSS's list).
SUBRESOURCES = frozenset("""
    acl uploads location cors logging website referer lifecycle delete append
    tagging objectMeta uploadId partNumber security-token position img style
    styleName replication replicationProgress replicationLocation cname
    bucketInfo comp qos live status vod startTime endTime symlink x-oss-process
    response-content-type response-content-language response-expires
    response-cache-control response-content-disposition response-content-encoding
    udf udfName udfImage udfId udfImageDesc udfApplication udfApplicationLog
    restore callback callback-var qosInfo policy stat encryption versions
    versioning versionId requestPayment x-oss-request-payer sequential inventory
    inventoryId continuation-token asyncFetch worm wormId wormExtend
    x-oss-traffic-limit objectInfo group link transferAcceleration metaQuery
    resourceGroup
""".split())

_AUTHORIZATION = re.compile(r"OSS ([^:\s]+):(\S+)")
_URL_PARAMS = ("OSSAccessKeyId", "Expires", "Signature")


def header_bytes(value):
    """http.server decodes header bytes as Latin-1: give the bytes back."""
    return value.encode("latin-1", "replace")


def canonical_oss_headers(headers):
    """`name:value\\n` for every x-oss-* header, lower-case names, sorted (bytes)."""
    found = {}
    for name, value in headers:
        lower = name.strip().lower()
        if lower.startswith("x-oss-"):
            found.setdefault(lower, []).append(value.strip())
    return b"".join(b"%s:%s\n" % (name.encode("latin-1"),
                                  header_bytes(",".join(found[name])))
                    for name in sorted(found))


def canonical_resource(bucket, key, params):
    """`/bucket/key` plus the sub-resources, sorted by name, values not encoded."""
    resource = "/%s/%s" % (bucket, key or "") if bucket else "/"
    subs = sorted(((name, value) for name, value in params if name in SUBRESOURCES),
                  key=lambda pair: pair[0])
    if subs:
        resource += "?" + "&".join(name + "=" + value if value else name
                                   for name, value in subs)
    return resource.encode("utf-8", "surrogateescape")


def string_to_sign(verb, content_md5, content_type, date, headers, resource):
    """All arguments but verb are bytes (headers and resource canonicalized)."""
    return b"\n".join([verb.encode("ascii"), content_md5, content_type, date,
                       headers + resource])


def signature(secret, text):
    digest = hmac.new(secret.encode("utf-8"), text, hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def _bytes_shown(text):
    return "".join("%02X " % byte for byte in text)


def _mismatch(key_id, given, text):
    return OssError(403, "SignatureDoesNotMatch", details=[
        ("OSSAccessKeyId", key_id), ("SignatureProvided", given),
        ("StringToSign", text.decode("utf-8", "replace")),
        ("StringToSignBytes", _bytes_shown(text))])


class Request:
    """What authentication looks at: method, headers (pairs), bucket, key, params."""

    def __init__(self, method, headers, bucket, key, params):
        self.method = method
        self.headers = list(headers)
        self.bucket = bucket
        self.key = key
        self.params = list(params)
        self.param = {}
        for name, value in self.params:
            self.param.setdefault(name, value)

    def header(self, name):
        lower = name.lower()
        for key, value in self.headers:
            if key.lower() == lower:
                return value
        return None


def authenticate(request, credentials, now):
    """The Credential that signed request; raises OssError when it is refused."""
    authorization = request.header("Authorization")
    in_url = [name for name in _URL_PARAMS if name in request.param]
    if authorization is not None and in_url:
        raise OssError(400, "InvalidArgument", "A signature may be given in the "
                       "Authorization header or in the URL, not in both.")
    if authorization is not None:
        return _check_header(request, authorization, credentials, now)
    if in_url:
        return _check_url(request, credentials, now)
    raise OssError(403, "AccessDenied")


def _credential(key_id, token, credentials):
    credential = credentials.get(key_id)
    if credential is None or (credential.sts_token is not None and token is None):
        # An STS AccessKeyId means nothing to OSS without its token.
        raise OssError(403, "InvalidAccessKeyId", details=[("OSSAccessKeyId", key_id)])
    if token is not None and token != credential.sts_token:
        raise OssError(403, "InvalidSecurityToken")
    return credential


def _check_header(request, authorization, credentials, now):
    match = _AUTHORIZATION.fullmatch(authorization.strip())
    if not match:
        scheme = authorization.strip().split(" ", 1)[0]
        if scheme in ("OSS2", "OSS4-HMAC-SHA256"):
            message = ("Signature %s is not emulated; sign with version 1 "
                       "(Authorization: OSS <AccessKeyId>:<Signature>)." % scheme)
        else:
            message = "Authorization header is invalid."
        raise OssError(400, "InvalidArgument", message, details=[
            ("ArgumentName", "Authorization"), ("ArgumentValue", authorization)])
    key_id, given = match.groups()
    credential = _credential(key_id, request.header("x-oss-security-token"),
                             credentials)
    # The SDKs put x-oss-date on the Date line when they send it.
    date_text = request.header("x-oss-date") or request.header("Date")
    when = parse_http_date(date_text)
    if when is None:
        raise OssError(403, "AccessDenied", "OSS authentication requires a valid "
                       "Date in RFC 1123 format (e.g. Thu, 17 Nov 2005 18:49:58 GMT).")
    if abs(now - when) > SKEW_SECONDS:
        raise OssError(403, "RequestTimeTooSkewed", details=[
            ("RequestTime", date_text), ("ServerTime", http_date(now)),
            ("MaxAllowedSkewMilliseconds", SKEW_SECONDS * 1000)])
    text = string_to_sign(
        request.method, header_bytes(request.header("Content-MD5") or ""),
        header_bytes(request.header("Content-Type") or ""), header_bytes(date_text),
        canonical_oss_headers(request.headers),
        canonical_resource(request.bucket, request.key, request.params))
    if not hmac.compare_digest(signature(credential.secret, text).encode(),
                               given.encode("latin-1", "replace")):
        raise _mismatch(key_id, given, text)
    return credential


def _check_url(request, credentials, now):
    missing = [name for name in _URL_PARAMS if not request.param.get(name)]
    if missing:
        raise OssError(403, "AccessDenied", "Query-string authentication requires "
                       "the OSSAccessKeyId, Expires and Signature parameters.")
    key_id = request.param["OSSAccessKeyId"]
    expires_text = request.param["Expires"]
    if not re.fullmatch(r"[0-9]{1,12}", expires_text):
        raise OssError(403, "AccessDenied", "Invalid Expires (should be seconds since "
                       "the epoch): %s" % expires_text)
    credential = _credential(key_id, request.param.get("security-token"), credentials)
    expires = int(expires_text)
    if expires < now:
        raise OssError(403, "AccessDenied", "Request has expired.", details=[
            ("Expires", iso_time(expires)), ("ServerTime", iso_time(now))])
    given = request.param["Signature"]
    text = string_to_sign(
        request.method, header_bytes(request.header("Content-MD5") or ""),
        header_bytes(request.header("Content-Type") or ""), expires_text.encode(),
        canonical_oss_headers(request.headers),
        canonical_resource(request.bucket, request.key, request.params))
    if not hmac.compare_digest(signature(credential.secret, text).encode(),
                               given.encode("utf-8", "replace")):
        raise _mismatch(key_id, given, text)
    return credential
