"""``python -m xenmig``."""

import sys

from xenmig.cli import main

sys.exit(main())
