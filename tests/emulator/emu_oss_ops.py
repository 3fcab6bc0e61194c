"""The OSS operations, each called with the service and a checked Call.

PutObject, DeleteObject and the multipart calls: InitiateMultipartUpload,
UploadPart, CompleteMultipartUpload, AbortMultipartUpload,
ListMultipartUploads, ListParts. HeadObject and GetObject are in emu_oss_read.
"""

import base64
import binascii
import re
import urllib.parse
import xml.etree.ElementTree as ElementTree

import emu_oss_read
import emu_oss_render as render
from emu_oss_render import OssError

STORED_HEADERS = ("Content-Type", "Cache-Control", "Content-Disposition",
                  "Content-Encoding", "Expires")
DEFAULT_TYPE = "application/octet-stream"
MAX_LISTED = 1000


def object_headers(call):
    """The headers of a PUT/initiate that become the object's metadata."""
    kept = []
    for name in STORED_HEADERS:
        value = call.header(name)
        if value is not None:
            kept.append((name, value))
    if call.header("Content-Type") is None:
        kept.insert(0, ("Content-Type", DEFAULT_TYPE))
    kept += [(name.lower(), value) for name, value in call.headers
             if name.lower().startswith("x-oss-meta-")]
    return kept


def forbid_overwrite(call):
    return (call.header("x-oss-forbid-overwrite") or "").strip().lower() == "true"


def content_md5(call):
    """The binary MD5 the client announced, None when it sent none."""
    text = call.header("Content-MD5")
    if text is None:
        return None
    try:
        digest = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        digest = b""
    if len(digest) != 16:
        raise OssError(400, "InvalidDigest", details=[("Content-MD5", text)])
    return digest


def _received(svc, call):
    """Read the upload body and check it against Content-MD5."""
    expected = content_md5(call)
    path, digest, size = svc.receive(call)
    if expected is not None and expected != digest:
        svc.store.discard(path)
        raise OssError(400, "InvalidDigest", "The Content-MD5 you specified did not "
                       "match what was received.", details=[
                           ("Content-MD5", call.header("Content-MD5")),
                           ("CalculatedMD5", base64.b64encode(digest).decode())])
    return path, digest, size


def _etag_answer(svc, call, etag, digest):
    svc.answer(call, 200, [("ETag", etag),
                           ("Content-MD5", base64.b64encode(digest).decode())])


def put_object(svc, call):
    if forbid_overwrite(call) and svc.store.get(call.bucket, call.key) is not None:
        raise OssError(409, "FileAlreadyExists")
    path, digest, size = _received(svc, call)
    stored = svc.store.put(call.bucket, call.key, path, size, digest,
                           object_headers(call), forbid_overwrite(call))
    _etag_answer(svc, call, stored.etag, digest)


def upload_part(svc, call):
    text = call.param.get("partNumber") or ""
    if not re.fullmatch(r"[0-9]{1,5}", text) or not 1 <= int(text) <= 10000:
        raise OssError(400, "InvalidArgument", "Part number must be an integer "
                       "between 1 and 10000, inclusive.", details=[
                           ("ArgumentName", "partNumber"), ("ArgumentValue", text)])
    upload_id = call.param["uploadId"]
    svc.store.upload(call.bucket, call.key, upload_id)
    path, digest, size = _received(svc, call)
    part = svc.store.put_part(call.bucket, call.key, upload_id, int(text), path,
                              size, digest)
    _etag_answer(svc, call, part.etag, digest)


def initiate(svc, call):
    if forbid_overwrite(call) and svc.store.get(call.bucket, call.key) is not None:
        raise OssError(409, "FileAlreadyExists")
    upload = svc.store.initiate(call.bucket, call.key, object_headers(call))
    body = render.initiate_result(call.bucket, call.key, upload.id,
                                  call.param.get("encoding-type"))
    svc.answer(call, 200, [("Content-Type", render.XML_TYPE)], body)


def _local(tag):
    return tag.rsplit("}", 1)[-1]


def parse_complete(body):
    """[(part number, ETag)] from a CompleteMultipartUpload document."""
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError:
        raise OssError(400, "MalformedXML") from None
    if _local(root.tag) != "CompleteMultipartUpload":
        raise OssError(400, "MalformedXML")
    listed = []
    for part in root:
        if _local(part.tag) != "Part":
            raise OssError(400, "MalformedXML")
        fields = {_local(child.tag): (child.text or "").strip() for child in part}
        number, etag = fields.get("PartNumber", ""), fields.get("ETag")
        if not re.fullmatch(r"[0-9]{1,9}", number) or etag is None:
            raise OssError(400, "MalformedXML")
        listed.append((int(number), etag))
    if not listed:
        raise OssError(400, "MalformedXML")
    return listed


def complete(svc, call):
    upload_id = call.param["uploadId"]
    store = svc.store
    store.upload(call.bucket, call.key, upload_id)
    body = svc.read_small(call)
    if (call.header("x-oss-complete-all") or "").strip().lower() == "yes":
        if body.strip():
            raise OssError(400, "InvalidArgument", "With x-oss-complete-all the "
                           "body must be empty.")
        listed = [(part.number, part.etag)
                  for part in store.parts(call.bucket, call.key, upload_id)]
        if not listed:
            raise OssError(400, "InvalidPart")
    else:
        listed = parse_complete(body)
    stored = store.complete(call.bucket, call.key, upload_id, listed,
                            forbid_overwrite(call))
    host = call.header("Host") or svc.ctx.default_host
    location = "%s://%s/oss/%s/%s" % (svc.ctx.scheme, host, call.bucket,
                                      urllib.parse.quote(call.key))
    body = render.complete_result(location, call.bucket, call.key, stored.etag,
                                  call.param.get("encoding-type"))
    svc.answer(call, 200, [("Content-Type", render.XML_TYPE), ("ETag", stored.etag)],
               body)


def abort(svc, call):
    svc.store.abort(call.bucket, call.key, call.param["uploadId"])
    svc.answer(call, 204, [])


def delete_object(svc, call):
    svc.store.delete(call.bucket, call.key)
    svc.answer(call, 204, [])


def _count(call, name, default, low, high):
    text = call.param.get(name)
    if text is None:
        return default
    if not re.fullmatch(r"[0-9]{1,9}", text) or not low <= int(text) <= high:
        raise OssError(400, "InvalidArgument", details=[
            ("ArgumentName", name), ("ArgumentValue", text)])
    return int(text)


def list_uploads(svc, call):
    options = {name: call.param.get(name, "") for name in
               ("prefix", "key-marker", "upload-id-marker", "delimiter")}
    options["max-uploads"] = _count(call, "max-uploads", MAX_LISTED, 1, MAX_LISTED)
    found = svc.store.list_uploads(call.bucket, options["prefix"],
                                   options["key-marker"], options["upload-id-marker"])
    shown = found[:options["max-uploads"]]
    body = render.list_uploads_result(call.bucket, shown, options,
                                      len(found) > len(shown),
                                      call.param.get("encoding-type"))
    svc.answer(call, 200, [("Content-Type", render.XML_TYPE)], body)


def list_parts(svc, call):
    marker = _count(call, "part-number-marker", 0, 0, 10000)
    most = _count(call, "max-parts", MAX_LISTED, 1, MAX_LISTED)
    upload_id = call.param["uploadId"]
    parts = [part for part in svc.store.parts(call.bucket, call.key, upload_id)
             if part.number > marker]
    body = render.list_parts_result(call.bucket, call.key, upload_id, parts[:most],
                                    marker, most, len(parts) > most,
                                    call.param.get("encoding-type"))
    svc.answer(call, 200, [("Content-Type", render.XML_TYPE)], body)


OPERATIONS = {
    "put": put_object, "part": upload_part, "head": emu_oss_read.read_object,
    "get": emu_oss_read.read_object, "initiate": initiate, "complete": complete,
    "abort": abort, "list": list_uploads, "list_parts": list_parts,
    "delete": delete_object,
}
