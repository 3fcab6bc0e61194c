"""OSS buckets on disk: objects, multipart uploads and their parts.

Every part and every simple object is one file named by a random id in the
store's data directory; metadata lives in memory. Bodies never sit in memory:
the caller streams them into a file from new_file(), then hands it over. A
completed multipart object is its parts' files in order, as on OSS, where
CompleteMultipartUpload only links the parts: nothing is copied. Reads open
the files under the lock, so a concurrent overwrite or delete (which unlinks
the old files) never cuts a download short.
"""

import base64
import contextlib
import hashlib
import os
import threading
import time
import uuid

import emu_files
from emu_oss_render import OssError

MIN_PART_SIZE = 100 * 1024     # every part but the last (CompleteMultipartUpload)


def quoted_md5(digest):
    """The ETag of a simple object or a part: quoted upper-case hex MD5."""
    return '"%s"' % digest.hex().upper()


class StoredObject:
    def __init__(self, segments, etag, content_md5, object_type, headers):
        self.segments = list(segments)      # [(file path, size)], in order
        self.size = sum(size for _, size in self.segments)
        self.etag = etag
        self.content_md5 = content_md5      # base64, simple uploads only
        self.object_type = object_type      # "Normal" or "Multipart"
        self.headers = list(headers)        # Content-Type, x-oss-meta-*, ...
        self.modified = time.time()


class Part:
    def __init__(self, number, path, size, digest):
        self.number = number
        self.path = path
        self.size = size
        self.digest = digest                # binary MD5
        self.etag = quoted_md5(digest)
        self.modified = time.time()


class Upload:
    def __init__(self, bucket, key, headers):
        self.id = uuid.uuid4().hex.upper()
        self.bucket = bucket
        self.key = key
        self.headers = list(headers)
        self.initiated = time.time()
        self.parts = {}                     # number -> Part


def _unlink(path):
    try:
        os.unlink(path)
    except OSError:
        pass


def _unlink_object(stored):
    for path, _ in stored.segments:
        _unlink(path)


class ObjectBody(contextlib.ExitStack):
    """The open files of one object, read as one stream."""

    def __init__(self, stored):
        super().__init__()
        self._segments = [(self.enter_context(open(path, "rb")), size)
                          for path, size in stored.segments]

    def send(self, sock, start, count, progress):
        """emu_files.send_span over the segments; progress[0] counts what went out."""
        for source, size in self._segments:
            if count <= 0:
                break
            if start >= size:
                start -= size
                continue
            span = min(size - start, count)
            sent = [0]
            try:
                emu_files.send_span(sock, source, start, span, None, sent)
            finally:
                progress[0] += sent[0]
            if sent[0] < span:
                return
            start, count = 0, count - span


def _same_etag(listed, actual):
    return listed.strip().strip('"').upper() == actual.strip('"').upper()


class OssStore:
    def __init__(self, root, buckets):
        self._data = os.path.join(root, "data")
        os.makedirs(self._data, exist_ok=True)
        self._buckets = {name: {} for name in buckets}   # bucket -> key -> object
        self._uploads = {}                                # upload id -> Upload
        self._lock = threading.Lock()

    def has_bucket(self, bucket):
        return bucket in self._buckets

    def new_file(self):
        """A fresh file to stream a body into: (path, binary file object)."""
        path = os.path.join(self._data, uuid.uuid4().hex)
        return path, open(path, "wb")

    discard = staticmethod(_unlink)

    # -- objects ---------------------------------------------------------------
    def get(self, bucket, key):
        with self._lock:
            return self._buckets[bucket].get(key)

    def open(self, bucket, key):
        """(StoredObject, ObjectBody) or (None, None)."""
        with self._lock:
            stored = self._buckets[bucket].get(key)
            if stored is None:
                return None, None
            return stored, ObjectBody(stored)

    def put(self, bucket, key, path, size, digest, headers, forbid_overwrite=False):
        """Make the file at path the object; returns the StoredObject."""
        stored = StoredObject([(path, size)], quoted_md5(digest),
                              base64.b64encode(digest).decode(), "Normal", headers)
        return self._install(bucket, key, stored, forbid_overwrite)

    def _install(self, bucket, key, stored, forbid_overwrite):
        with self._lock:
            old = self._buckets[bucket].get(key)
            if old is not None and forbid_overwrite:
                _unlink_object(stored)
                raise OssError(409, "FileAlreadyExists")
            self._buckets[bucket][key] = stored
        if old is not None:
            _unlink_object(old)
        return stored

    def delete(self, bucket, key):
        with self._lock:
            old = self._buckets[bucket].pop(key, None)
        if old is not None:
            _unlink_object(old)

    # -- multipart uploads ----------------------------------------------------------
    def initiate(self, bucket, key, headers):
        upload = Upload(bucket, key, headers)
        with self._lock:
            self._uploads[upload.id] = upload
        return upload

    def upload(self, bucket, key, upload_id):
        """The Upload, or raise NoSuchUpload (also when it is for another object)."""
        with self._lock:
            return self._find(bucket, key, upload_id)

    def _find(self, bucket, key, upload_id):
        upload = self._uploads.get(upload_id)
        if upload is None or upload.bucket != bucket or upload.key != key:
            raise OssError(404, "NoSuchUpload", details=[("UploadId", upload_id)])
        return upload

    def parts(self, bucket, key, upload_id):
        with self._lock:
            upload = self._find(bucket, key, upload_id)
            return [upload.parts[n] for n in sorted(upload.parts)]

    def put_part(self, bucket, key, upload_id, number, path, size, digest):
        part = Part(number, path, size, digest)
        with self._lock:
            try:
                upload = self._find(bucket, key, upload_id)
            except OssError:
                _unlink(path)   # aborted or completed while the part came in
                raise
            old = upload.parts.get(number)
            upload.parts[number] = part
        if old is not None:
            _unlink(old.path)
        return part

    def abort(self, bucket, key, upload_id):
        with self._lock:
            upload = self._find(bucket, key, upload_id)
            del self._uploads[upload_id]
        for part in upload.parts.values():
            _unlink(part.path)

    def list_uploads(self, bucket, prefix="", key_marker="", upload_id_marker=""):
        with self._lock:
            found = [u for u in self._uploads.values()
                     if u.bucket == bucket and u.key.startswith(prefix)]
        found.sort(key=lambda u: (u.key, u.id))
        if key_marker:
            found = [u for u in found if u.key > key_marker or (
                upload_id_marker and u.key == key_marker and u.id > upload_id_marker)]
        return found

    def complete(self, bucket, key, upload_id, listed, forbid_overwrite=False):
        """listed: [(part number, ETag as sent)]; returns the new StoredObject."""
        with self._lock:
            upload = self._find(bucket, key, upload_id)
            numbers = [number for number, _ in listed]
            if any(b <= a for a, b in zip(numbers, numbers[1:])):
                raise OssError(400, "InvalidPartOrder")
            chosen = []
            for number, etag in listed:
                part = upload.parts.get(number)
                if part is None or not _same_etag(etag, part.etag):
                    raise OssError(400, "InvalidPart", details=[
                        ("UploadId", upload_id), ("PartNumber", number),
                        ("ETag", etag)])
                chosen.append(part)
            for part in chosen[:-1]:
                if part.size < MIN_PART_SIZE:
                    raise OssError(400, "EntityTooSmall", details=[
                        ("PartNumber", part.number), ("ProposedSize", part.size),
                        ("MinSizeAllowed", MIN_PART_SIZE)])
            if forbid_overwrite and key in self._buckets[bucket]:
                raise OssError(409, "FileAlreadyExists")
            del self._uploads[upload_id]   # from here on the upload is gone
        for part in upload.parts.values():
            if part not in chosen:
                _unlink(part.path)
        combined = hashlib.md5(b"".join(part.digest for part in chosen)).hexdigest()
        etag = '"%s-%d"' % (combined.upper(), len(chosen))
        stored = StoredObject([(part.path, part.size) for part in chosen], etag, None,
                              "Multipart", upload.headers)
        return self._install(bucket, key, stored, forbid_overwrite)
