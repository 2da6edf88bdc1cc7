"""``python -m mentor_desk``: the same command as ``mentor-desk``."""

import sys

from mentor_desk.cli import main

sys.exit(main())
