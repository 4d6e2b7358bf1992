"""Run core work off the UI thread, with progress and cancel, and hand results back as signals."""

from __future__ import annotations

import logging
import traceback
from typing import Any, Callable

from PyQt6.QtCore import QObject, QThread, pyqtSignal

from geo_tool.errors import GeoToolError
from geo_tool.progress import Cancelled

log = logging.getLogger("geo_tool.ui")


class QtProgress(QObject):
    """The core's Progress protocol, reported as a Qt signal (thread-safe through queued connections)."""

    changed = pyqtSignal(float, str)  # fraction 0..1 (or -1 for unknown), label

    def __init__(self) -> None:
        super().__init__()
        self.cancelled = False
        self._total = 0.0
        self._done = 0.0
        self._label = ""

    def start(self, total: float, label: str = "") -> None:
        self._total, self._done, self._label = float(total), 0.0, label or self._label
        self.changed.emit(0.0 if self._total else -1.0, self._label)

    def step(self, label: str) -> None:
        self._label = label
        self.changed.emit(self._fraction(), label)

    def advance(self, n: float = 1) -> None:
        self._done += n
        self.changed.emit(self._fraction(), self._label)

    def finish(self) -> None:
        self.changed.emit(1.0, self._label)

    def check_cancelled(self) -> None:
        if self.cancelled:
            raise Cancelled()

    def _fraction(self) -> float:
        return min(1.0, self._done / self._total) if self._total else -1.0


class Worker(QObject):
    """Runs `fn(progress)` in its own QThread; emits `succeeded(result)` or `failed(message)`."""

    succeeded = pyqtSignal(object)
    failed = pyqtSignal(str)
    cancelled = pyqtSignal()

    def __init__(self, fn: Callable[[QtProgress], Any]) -> None:
        super().__init__()
        self.fn = fn
        self.progress = QtProgress()
        self.thread = QThread()
        self.moveToThread(self.thread)
        self.thread.started.connect(self._run)

    def start(self) -> None:
        """Start the work in the background thread."""
        self.thread.start()

    def cancel(self) -> None:
        """Ask the work to stop at its next check."""
        self.progress.cancelled = True

    def _run(self) -> None:
        try:
            result = self.fn(self.progress)
        except Cancelled:
            self.cancelled.emit()
        except GeoToolError as exc:
            log.warning("job failed: %s", exc)
            self.failed.emit(str(exc))
        except Exception as exc:  # a bug: keep the window alive, log the details
            log.error("unexpected error\n%s", traceback.format_exc())
            self.failed.emit(f"Onverwachte fout: {exc}. Details staan in het logbestand (Help-menu).")
        else:
            self.succeeded.emit(result)
        finally:
            self.thread.quit()


def import_in_child_process(path, progress: QtProgress) -> None:
    """Run the first (slow) import of a dataset in a separate Python process, filling the cache.

    A big import spends long stretches inside C code that holds the GIL; in a thread that would
    freeze the window. The child is the CLI's own `geo-tool validate`, so the window validates
    exactly as the command does; its step labels become progress, cancel kills it, and an
    unusable dataset raises the CLI's one-line reason.
    """
    import subprocess
    import sys
    import tempfile

    from geo_tool.errors import UnusableInputError

    rejects = tempfile.NamedTemporaryFile(prefix="rejects_", suffix=".csv", delete=False).name
    cmd = [sys.executable, "-m", "geo_tool", "validate", str(path), "--rejects", rejects]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    last = ""
    try:
        for line in proc.stderr:
            line = line.strip()
            if line:
                last = line
                progress.step(f"Inlezen (eerste keer): {line.rstrip(' .')}")
            if progress.cancelled:
                proc.kill()
                raise Cancelled()
        code = proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
    if code == 2:
        raise UnusableInputError(str(path), last.split("error:", 1)[-1].strip() or "unusable dataset")
    if code not in (0, 1):
        raise RuntimeError(f"the import stopped with exit status {code}: {last}")
