"""``python -m kubelite.kubelet``: the same as ``kubelite kubelet``."""

import sys

from kubelite.kubelet.command import main

sys.exit(main(sys.argv[1:]))
