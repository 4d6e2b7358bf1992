"""Fixtures for the waterbed tests: the synthetic grid city with a known displacement."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
