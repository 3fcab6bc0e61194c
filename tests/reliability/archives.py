"""Building hostile archives byte by byte. Python's zipfile refuses or
rewrites some of what a hostile archive needs (a NUL in a name, bytes that
are not UTF-8, a size that lies), so zips are written here directly: local
headers, data, central directory, end record. Standard library only."""

import gzip
import io
import os
import struct
import tarfile
import zlib

S_IFREG, S_IFDIR, S_IFLNK = 0o100000, 0o040000, 0o120000
S_IFCHR, S_IFBLK, S_IFIFO, S_IFSOCK = 0o020000, 0o060000, 0o010000, 0o140000
UTF8_FLAG = 0x0800


class ZipEntry:
    """One entry; `name` is bytes (taken as is). `declared_size` lets the
    headers lie about the unpacked size."""

    def __init__(self, name, data=b"", mode=S_IFREG | 0o644, deflate=False, flags=0, declared_size=None):
        self.name = name.encode("utf-8") if isinstance(name, str) else name
        self.data = data.encode("utf-8") if isinstance(data, str) else data
        self.mode = mode
        self.deflate = deflate
        self.flags = flags
        self.declared_size = declared_size


def zip_bytes(entries):
    out = io.BytesIO()
    central = []
    for entry in entries:
        if entry.deflate:
            packer = zlib.compressobj(9, zlib.DEFLATED, -15)
            packed = packer.compress(entry.data) + packer.flush()
            method = 8
        else:
            packed, method = entry.data, 0
        crc = zlib.crc32(entry.data)
        size = len(entry.data) if entry.declared_size is None else entry.declared_size
        offset = out.tell()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, entry.flags, method, 0, 0x5021,
                              crc, len(packed), size, len(entry.name), 0))
        out.write(entry.name)
        out.write(packed)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, (3 << 8) | 20, 20, entry.flags, method,
                                   0, 0x5021, crc, len(packed), size, len(entry.name), 0, 0, 0, 0,
                                   (entry.mode << 16) & 0xFFFFFFFF, offset) + entry.name)
    start = out.tell()
    for record in central:
        out.write(record)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central),
                          out.tell() - start, start, 0))
    return out.getvalue()


def good_sdk_entries(marker="hostile"):
    """The files of a small, well-formed SDK."""
    return [ZipEntry("license.json", '{"task_id": "%s"}\n' % marker, deflate=True),
            ZipEntry("libs/cloudauth-verify.aar", b"PK-aar-" + os.urandom(512))]


def tar_bytes(members, compress=True, fmt=tarfile.GNU_FORMAT):
    """members: (TarInfo, data or None)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=fmt) as archive:
        for info, data in members:
            archive.addfile(info, io.BytesIO(data) if data is not None else None)
    raw = buffer.getvalue()
    return gzip.compress(raw, mtime=0) if compress else raw


def tar_member(name, data=b"x", kind=tarfile.REGTYPE, linkname="", pax=None):
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    info.mode = 0o644
    if pax:
        info.pax_headers = pax
    if kind == tarfile.REGTYPE:
        info.size = len(data)
        return info, data
    return info, None
