import sys

from kubelite.scheduler.command import main

sys.exit(main(sys.argv[1:]))
