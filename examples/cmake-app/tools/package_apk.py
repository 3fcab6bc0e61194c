#!/usr/bin/env python3
"""Pack an Android-style package (.apk): a zip with AndroidManifest.xml at the
top and the native libraries under lib/<abi>/.

The package is reproducible: the same inputs give the same bytes, whatever the
files' times, owners or the order they are named in. That matters here because
verifysdk refreshes the SDK when the package's SHA-256 changes, so a rebuild
that produces identical files must produce an identical package. (cmake -E tar
--format=zip records each file's access and change times, so it cannot be used.)

Usage: package_apk.py --output OUT --manifest FILE [--native-lib ABI/NAME=PATH]...
"""

import argparse
import os
import sys
import tempfile
import zipfile

FIXED_DATE = (2008, 1, 1, 0, 0, 0)  # any fixed date; zip cannot store < 1980
FILE_MODE = 0o100644 << 16
CREATED_ON_UNIX = 3


def entry(name):
    info = zipfile.ZipInfo(name, FIXED_DATE)
    info.external_attr = FILE_MODE
    info.create_system = CREATED_ON_UNIX
    # Stored, not deflated: Android maps uncompressed native libraries straight
    # from the package, and stored bytes do not depend on the zlib version.
    info.compress_type = zipfile.ZIP_STORED
    return info


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", required=True)
    parser.add_argument("--manifest", required=True)
    parser.add_argument("--native-lib", action="append", default=[],
                        metavar="ABI/NAME=PATH")
    args = parser.parse_args(argv)

    entries = {"AndroidManifest.xml": args.manifest}
    for spec in args.native_lib:
        name, sep, path = spec.partition("=")
        if not sep or not name or not path:
            parser.error("--native-lib wants ABI/NAME=PATH, not %r" % spec)
        entries["lib/" + name] = path

    out_dir = os.path.dirname(os.path.abspath(args.output))
    os.makedirs(out_dir, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".apk-", dir=out_dir)
    try:
        with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w") as apk:
            for name in sorted(entries):
                with open(entries[name], "rb") as source:
                    apk.writestr(entry(name), source.read())
        os.chmod(tmp, 0o644)
        os.replace(tmp, args.output)
    except BaseException:
        os.unlink(tmp)
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
