"""Writes the zip argv[1] holding one executable `bootstrap` with the text argv[2]."""

import sys, zipfile
with zipfile.ZipFile(sys.argv[1], 'w') as z:
    info = zipfile.ZipInfo('bootstrap'); info.external_attr = 0o755 << 16
    z.writestr(info, sys.argv[2])
