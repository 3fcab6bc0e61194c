#!/usr/bin/env python3
"""pack_apk.py OUT MANIFEST NATIVE_LIB: a minimal .apk (a zip with
AndroidManifest.xml at the top and the library under lib/<abi>/)."""

import os
import sys
import zipfile

out, manifest, library = sys.argv[1:4]
os.makedirs(os.path.dirname(out), exist_ok=True)
with zipfile.ZipFile(out + ".tmp", "w") as apk:
    apk.write(manifest, "AndroidManifest.xml")
    apk.write(library, "lib/x86_64/" + os.path.basename(library))
os.replace(out + ".tmp", out)
