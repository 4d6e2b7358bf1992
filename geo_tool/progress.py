"""Progress reporting: a protocol with a no-op default and a terminal bar for the CLI.

Long work (import, demo generation, training, planning) calls
``progress.start(total, label)``, ``progress.advance(n)`` and ``progress.finish()``.
The Qt adapter lives in ``geo_tool.ui`` so that the core never imports Qt.
A progress object may also signal cancellation through ``cancelled``; long loops
check ``progress.check_cancelled()`` which raises ``Cancelled``.
"""

from __future__ import annotations

import sys
import time
from typing import Protocol, TextIO


class Cancelled(Exception):
    """Raised inside long work when the user pressed cancel."""


class Progress(Protocol):
    """What long-running core functions report to."""

    def start(self, total: float, label: str = "") -> None: ...
    def advance(self, n: float = 1) -> None: ...
    def step(self, label: str) -> None: ...
    def finish(self) -> None: ...
    def check_cancelled(self) -> None: ...


class NullProgress:
    """Reports nothing; the default for library calls and tests."""

    cancelled = False

    def start(self, total: float, label: str = "") -> None:
        pass

    def advance(self, n: float = 1) -> None:
        pass

    def step(self, label: str) -> None:
        pass

    def finish(self) -> None:
        pass

    def check_cancelled(self) -> None:
        if self.cancelled:
            raise Cancelled()


class TerminalProgress(NullProgress):
    """A one-line progress bar on stderr, for the `geo-tool` command.

    Draws only when stderr is a terminal, else prints each step label once, so
    that logs stay readable in CI.
    """

    def __init__(self, stream: TextIO | None = None, width: int = 30):
        self.stream = stream or sys.stderr
        self.width = width
        self.total = 0.0
        self.done = 0.0
        self.label = ""
        self._t0 = time.perf_counter()
        self._last_draw = 0.0
        self._tty = hasattr(self.stream, "isatty") and self.stream.isatty()

    def start(self, total: float, label: str = "") -> None:
        self.total, self.done, self.label = float(total), 0.0, label
        self._t0 = time.perf_counter()
        if not self._tty and label:
            print(f"{label} ...", file=self.stream, flush=True)
        self._draw(force=True)

    def step(self, label: str) -> None:
        self.label = label
        if not self._tty:
            print(f"  {label}", file=self.stream, flush=True)
        self._draw(force=True)

    def advance(self, n: float = 1) -> None:
        self.done += n
        self._draw()

    def finish(self) -> None:
        if self._tty:
            self.done = self.total
            self._draw(force=True)
            print(file=self.stream, flush=True)

    def _draw(self, force: bool = False) -> None:
        if not self._tty:
            return
        now = time.perf_counter()
        if not force and now - self._last_draw < 0.1:
            return
        self._last_draw = now
        frac = min(1.0, self.done / self.total) if self.total else 0.0
        filled = int(frac * self.width)
        bar = "#" * filled + "-" * (self.width - filled)
        elapsed = now - self._t0
        self.stream.write(f"\r[{bar}] {frac * 100:5.1f}% {elapsed:5.1f}s {self.label[:40]:<40}")
        self.stream.flush()
