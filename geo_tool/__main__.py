"""`python -m geo_tool` is the same as the `geo-tool` command."""

import sys

from geo_tool.cli import main

sys.exit(main())
