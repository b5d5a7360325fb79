"""``python -m kubelite.apiserver``: the same as ``kubelite apiserver``."""

import sys

from kubelite.apiserver.command import main

sys.exit(main(sys.argv[1:]))
