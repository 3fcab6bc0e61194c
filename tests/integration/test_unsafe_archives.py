"""fetch refuses unsafe SDK archives with exit 7 and changes nothing in --dest.
The archives are built here and served by the emulator (--sdk-file)."""

import io
import os
import tarfile
import unittest
import zipfile

from harness import ToolTestCase, make_apk


def zip_with(path, entries):
    """entries: (name, data) or (ZipInfo, data)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)


def symlink_info(name, target):
    info = zipfile.ZipInfo(name)
    info.create_system = 3  # unix
    info.external_attr = (0o120777 << 16)
    return info, target


def fifo_info(name):
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (0o010644 << 16)
    return info, ""


def tar_gz_with(path, members):
    with tarfile.open(path, "w:gz") as archive:
        for info, data in members:
            archive.addfile(info, io.BytesIO(data) if data is not None else None)


def tar_member(name, data=b"x", kind=tarfile.REGTYPE, linkname=""):
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    return info, data if kind == tarfile.REGTYPE else None


class UnsafeArchives(ToolTestCase):

    def refuse(self, archive, *fragments):
        project = self.tmp / "project"
        dest = project / "third_party" / "sdk"
        dest.mkdir(parents=True)
        (dest / "kept.txt").write_text("the SDK already installed")
        outside_before = sorted(p.relative_to(self.tmp) for p in self.tmp.rglob("*"))
        emulator = self.start_emulator("--generation-delay", "0", "--sdk-file", archive)
        make_apk(emulator.serve_dir / "app.apk")
        result = self.run_tool("fetch", "--app-url", emulator.file_url("app.apk"), "--dest", dest,
                               *self.api(emulator))
        self.assertExit(result, 7, *fragments)
        self.assertEqual(sorted(p.name for p in dest.iterdir()), ["kept.txt"])
        state = project / "third_party" / ".verifysdk" / "sdk"
        self.assertEqual(sorted(p.name for p in state.iterdir() if p.name not in ("lock",)), [])
        # Nothing was written anywhere else around the destination.
        after = {p.relative_to(self.tmp) for p in self.tmp.rglob("*")}
        new = {p for p in after - set(outside_before)
               if not str(p).startswith(("emu-", "project/third_party/.verifysdk"))}
        self.assertEqual(new, set())

    def test_absolute_path(self):
        archive = self.tmp / "a.zip"
        zip_with(archive, [("/tmp/evil.txt", "x")])
        self.refuse(archive, "absolute")

    def test_dot_dot(self):
        archive = self.tmp / "a.zip"
        zip_with(archive, [("libs/../../evil.txt", "x")])
        self.refuse(archive, "..")

    def test_symlink_escaping(self):
        archive = self.tmp / "a.zip"
        zip_with(archive, [symlink_info("libs/escape", "../../../etc/passwd")])
        self.refuse(archive, "libs/escape")

    def test_fifo_entry(self):
        archive = self.tmp / "a.tar.gz"
        tar_gz_with(archive, [tar_member("fifo", kind=tarfile.FIFOTYPE)])
        self.refuse(archive, "fifo")

    def test_device_entry(self):
        archive = self.tmp / "a.tar.gz"
        tar_gz_with(archive, [tar_member("dev", kind=tarfile.CHRTYPE)])
        self.refuse(archive, "dev")

    def test_hardlink(self):
        archive = self.tmp / "a.tar.gz"
        tar_gz_with(archive, [tar_member("a"), tar_member("b", kind=tarfile.LNKTYPE, linkname="/etc/passwd")])
        self.refuse(archive, "b")

    def test_duplicate_entries(self):
        archive = self.tmp / "a.zip"
        with zipfile.ZipFile(archive, "w") as z, self.assertWarns(UserWarning):
            z.writestr("same.txt", "1")
            z.writestr("same.txt", "2")
        self.refuse(archive, "same.txt")

    def test_zip_bomb(self):
        archive = self.tmp / "bomb.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
            z.writestr("zeros.bin", b"\0" * (64 << 20))
        self.refuse(archive, "zeros.bin")

    def test_too_many_entries(self):
        archive = self.tmp / "many.zip"
        zip_with(archive, [(f"f{i}", "") for i in range(10_001)])
        self.refuse(archive, "10000")

    def test_truncated_tar_gz(self):
        whole = self.tmp / "whole.tar.gz"
        tar_gz_with(whole, [tar_member("big.bin", os.urandom(256 << 10))])
        archive = self.tmp / "cut.tar.gz"
        archive.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
        self.refuse(archive)


if __name__ == "__main__":
    unittest.main()
