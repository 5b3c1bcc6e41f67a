"""Entry point of ``python -m vbqcore``."""

import sys

from vbqcore.cli import main

sys.exit(main())
