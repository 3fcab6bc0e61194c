"""Building the generated SDK archive and inspecting the submitted app."""

import hashlib
import io
import json
import random
import re
import zipfile

FIXED_DATE = (2019, 3, 7, 0, 0, 0)
FILE_MODE = 0o100644 << 16
MODEL_NAME = "libs/cloudauth-model.bin"
AARS = (
    ("libs/cloudauth-verify.aar", "com.alibaba.cloudauth.verify"),
    ("libs/cloudauth-security.aar", "com.alibaba.cloudauth.security"),
)
CHUNK = 1 << 20
POOL_BYTES = 32 << 20
_IPA_ENTRY = re.compile(r"^Payload/[^/]+\.app/")


class NotAnApp(Exception):
    pass


def inspect_app(path):
    """Return "android" (APK) or "ios" (IPA); raise NotAnApp otherwise."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise NotAnApp("not an APK or IPA: not a zip archive") from None
    if "AndroidManifest.xml" in names:
        return "android"
    if any(_IPA_ENTRY.match(name) for name in names):
        return "ios"
    raise NotAnApp("not an APK or IPA: no AndroidManifest.xml and no "
                   "Payload/<name>.app/ entry")


def _entry(name, compress=zipfile.ZIP_DEFLATED):
    info = zipfile.ZipInfo(name, FIXED_DATE)
    info.external_attr = FILE_MODE
    info.compress_type = compress
    return info


def _zip_bytes(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries:
            archive.writestr(_entry(name), data)
    return buffer.getvalue()


def make_aar(task_id, package):
    """A small, valid, deterministic .aar placeholder for one task."""
    manifest = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<manifest xmlns:android="http://schemas.android.com/apk/res/android"\n'
        '    package="%s">\n'
        '    <!-- cloudauth offline sdk, emulator build for task %s -->\n'
        '</manifest>\n' % (package, task_id)).encode("utf-8")
    classes = _zip_bytes([(
        "META-INF/MANIFEST.MF",
        ("Manifest-Version: 1.0\nCreated-By: cloudauth-emulator\n"
         "Task-Id: %s\n" % task_id).encode("utf-8"))])
    return _zip_bytes([("AndroidManifest.xml", manifest),
                       ("classes.jar", classes)])


def _padding_size(archive_pos, target_size, names):
    """Bytes of model data that bring the finished zip close to target_size."""
    local_header = 30 + len(MODEL_NAME)
    central = sum(46 + len(name) for name in names + [MODEL_NAME]) + 22
    padding = target_size - archive_pos - local_header - central
    if padding > 0x7FFFFFFF:
        padding -= 20 + 28  # zip64 extra fields, local and central
    return padding


def build_sdk(path, task_id, license_info, target_size=None):
    """Write the SDK zip to path; return (sha256 hex, size)."""
    names = ["license.json"] + [name for name, _ in AARS]
    with open(path, "wb") as out:
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr(
                _entry("license.json"),
                json.dumps(license_info, indent=2, sort_keys=True) + "\n")
            for name, package in AARS:
                archive.writestr(_entry(name, zipfile.ZIP_STORED),
                                 make_aar(task_id, package))
            if target_size:
                padding = _padding_size(out.tell(), target_size, names)
                if padding > 0:
                    _write_padding(archive, task_id, padding)
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as finished:
        for block in iter(lambda: finished.read(CHUNK), b""):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def _write_padding(archive, task_id, padding):
    """Pseudo-random bytes, stored, streamed in 1 MiB chunks.

    Each chunk is a slice, at a pseudo-random offset, of a 32 MiB pool of
    random bytes seeded by the task: no compressor with a window below 32 MiB
    (deflate, gzip, bzip2, xz/brotli/zstd at their usual settings) can shrink
    it, and 1 GiB costs little more than the writes themselves.
    """
    info = _entry(MODEL_NAME, zipfile.ZIP_STORED)
    info.file_size = padding  # lets zipfile decide on zip64 up front
    stream = random.Random(task_id)
    pool = memoryview(stream.randbytes(min(POOL_BYTES, padding) + CHUNK))
    spread = len(pool) - CHUNK
    with archive.open(info, "w") as member:
        left = padding
        while left:
            count = min(CHUNK, left)
            start = stream.randrange(spread) if spread else 0
            member.write(pool[start:start + count])
            left -= count
