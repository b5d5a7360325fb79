import sys

from kubelite.controllermanager.command import main

sys.exit(main(sys.argv[1:]))
