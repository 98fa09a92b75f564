"""Rewrites the zip at argv[1] so that it depends on its files' bytes alone (see package.rs)."""

import sys, zipfile
path = sys.argv[1]
with zipfile.ZipFile(path) as z:
    entries = [(i.filename, z.read(i)) for i in z.infolist()]
with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    for name, data in entries:
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.external_attr = 0o100755 << 16; info.create_system = 3; info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, data, compresslevel=9)
