"""OSS answers: the error type, error XML and the XML results of the multipart calls.

Shapes follow Alibaba Cloud's published OSS API reference: an `<Error>` with
Code, Message, RequestId, HostId and then per-error detail elements; results
rooted at `<InitiateMultipartUploadResult>` etc. in the OSS doc namespace.
"""

import calendar
import re
import time
import urllib.parse
import uuid
from xml.sax.saxutils import escape

XML_TYPE = "application/xml"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
NAMESPACE = "http://doc.oss-cn-hangzhou.aliyuncs.com"
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

# Messages OSS uses for the codes this emulator produces.
MESSAGES = {
    "AccessDenied": "You have no right to access this object because of bucket acl.",
    "EntityTooLarge": "Your proposed upload exceeds the maximum allowed size.",
    "EntityTooSmall": "Your proposed upload is smaller than the minimum allowed size.",
    "FileAlreadyExists": "The object you specified already exists and can not be "
                         "overwritten.",
    "InternalError": "We encountered an internal error. Please try again.",
    "InvalidAccessKeyId": "The OSS Access Key Id you provided does not exist in our "
                          "records.",
    "InvalidBucketName": "The specified bucket is not valid.",
    "InvalidDigest": "The Content-MD5 you specified is not valid.",
    "InvalidObjectName": "The specified object is not valid.",
    "InvalidPart": "One or more of the specified parts could not be found or the "
                   "specified entity tag might not have matched the part's entity tag.",
    "InvalidPartOrder": "The list of parts was not in ascending order. The parts list "
                        "must be specified in order by part number.",
    "InvalidRange": "The requested range cannot be satisfied",
    "InvalidSecurityToken": "The security token you provided is invalid.",
    "MalformedXML": "The XML you provided was not well-formed or did not validate "
                    "against our published schema.",
    "MethodNotAllowed": "The specified method is not allowed against this resource.",
    "MissingContentLength": "You must provide the Content-Length HTTP header.",
    "NoSuchBucket": "The specified bucket does not exist.",
    "NoSuchKey": "The specified key does not exist.",
    "NoSuchUpload": "The specified upload does not exist. The upload ID may be invalid, "
                    "or the upload may have been aborted or completed.",
    "PreconditionFailed": "At least one of the pre-conditions you specified did not hold.",
    "QpsLimitExceeded": "Please reduce your request rate.",
    "RequestTimeTooSkewed": "The difference between the request time and the current "
                            "time is too large.",
    "ServiceUnavailable": "Thread pool is almost full, please retry later",
    "SignatureDoesNotMatch": "The request signature we calculated does not match the "
                             "signature you provided. Check your key and signing method.",
}


class OssError(Exception):
    """An OSS error answer. details: ordered (element, text) pairs after HostId."""

    def __init__(self, status, code, message=None, details=(), headers=(),
                 close=False):
        message = message or MESSAGES.get(code, "The request was rejected (%s)." % code)
        super().__init__("%d %s: %s" % (status, code, message))
        self.status = status
        self.code = code
        self.message = message
        self.details = list(details)
        self.headers = list(headers)
        self.close = close  # answer with Connection: close


def new_request_id():
    """24 upper-case hex digits, like OSS's x-oss-request-id."""
    return uuid.uuid4().hex[:24].upper()


def xml_text(value):
    return escape(_NOT_XML.sub("\ufffd", str(value)))


def _document(root, fields, namespace=True):
    lines = [XML_DECLARATION,
             "<%s%s>\n" % (root, ' xmlns="%s"' % NAMESPACE if namespace else "")]
    for name, value in fields:
        if isinstance(value, list):  # a nested element: list of pairs
            lines.append("  <%s>\n" % name)
            lines.extend("    <%s>%s</%s>\n" % (n, xml_text(v), n) for n, v in value)
            lines.append("  </%s>\n" % name)
        else:
            lines.append("  <%s>%s</%s>\n" % (name, xml_text(value), name))
    lines.append("</%s>\n" % root)
    return "".join(lines).encode("utf-8")


def error_body(error, request_id, host_id):
    fields = [("Code", error.code), ("Message", error.message),
              ("RequestId", request_id), ("HostId", host_id)] + error.details
    return _document("Error", fields, namespace=False)


def http_date(seconds):
    return time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(seconds))


def iso_time(seconds):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + \
        ".%03dZ" % int((seconds % 1) * 1000)


_HTTP_DATE = re.compile(r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), ([0-9]{2}) "
                        r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                        r"([0-9]{4}) ([0-9]{2}):([0-9]{2}):([0-9]{2}) GMT")
_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def parse_http_date(text):
    """Seconds since the epoch of an RFC 1123 GMT date, or None."""
    match = _HTTP_DATE.fullmatch(text or "")
    if not match:
        return None
    day, month, year, hour, minute, second = match.groups()
    try:
        parts = time.strptime("%s %s %s %s %s %s" % (
            year, _MONTHS.index(month) + 1, day, hour, minute, second),
            "%Y %m %d %H %M %S")
    except ValueError:
        return None
    return calendar.timegm(parts)


def shown_key(key, encoding_type):
    """The key as a result shows it (`encoding-type=url` percent-encodes it)."""
    return urllib.parse.quote(key, safe="") if encoding_type == "url" else key


def _encoding(encoding_type):
    return [("EncodingType", "url")] if encoding_type == "url" else []


def initiate_result(bucket, key, upload_id, encoding_type):
    return _document("InitiateMultipartUploadResult", _encoding(encoding_type) + [
        ("Bucket", bucket), ("Key", shown_key(key, encoding_type)),
        ("UploadId", upload_id)])


def complete_result(location, bucket, key, etag, encoding_type):
    return _document("CompleteMultipartUploadResult", _encoding(encoding_type) + [
        ("Location", location), ("Bucket", bucket),
        ("Key", shown_key(key, encoding_type)), ("ETag", etag)])


def list_uploads_result(bucket, uploads, options, truncated, encoding_type):
    """uploads: the Upload objects shown; options: the request's listing params."""
    last = uploads[-1] if uploads else None
    fields = _encoding(encoding_type) + [
        ("Bucket", bucket),
        ("KeyMarker", shown_key(options["key-marker"], encoding_type)),
        ("UploadIdMarker", options["upload-id-marker"]),
        ("NextKeyMarker", shown_key(last.key, encoding_type) if truncated else ""),
        ("NextUploadIdMarker", last.id if truncated else ""),
        ("Delimiter", options["delimiter"]),
        ("Prefix", shown_key(options["prefix"], encoding_type)),
        ("MaxUploads", options["max-uploads"]),
        ("IsTruncated", "true" if truncated else "false")]
    for upload in uploads:
        fields.append(("Upload", [("Key", shown_key(upload.key, encoding_type)),
                                  ("UploadId", upload.id),
                                  ("StorageClass", "Standard"),
                                  ("Initiated", iso_time(upload.initiated))]))
    return _document("ListMultipartUploadsResult", fields)


def list_parts_result(bucket, key, upload_id, parts, marker, max_parts, truncated,
                      encoding_type):
    fields = _encoding(encoding_type) + [
        ("Bucket", bucket), ("Key", shown_key(key, encoding_type)),
        ("UploadId", upload_id), ("StorageClass", "Standard"),
        ("PartNumberMarker", marker),
        ("NextPartNumberMarker", parts[-1].number if parts else marker),
        ("MaxParts", max_parts), ("IsTruncated", "true" if truncated else "false")]
    for part in parts:
        fields.append(("Part", [("PartNumber", part.number),
                                ("LastModified", iso_time(part.modified)),
                                ("ETag", part.etag), ("Size", part.size)]))
    return _document("ListPartsResult", fields)
