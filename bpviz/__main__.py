import sys

from bpviz.io.cli import main

sys.exit(main())
