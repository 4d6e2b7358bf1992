"""The window never freezes: the event loop keeps ticking while long work runs in the background."""

from __future__ import annotations

import time

import pytest

pytest.importorskip("PyQt6")

# A real freeze (work on the UI thread) lasts seconds; 0.5 s leaves room for a busy 2-core machine.
MAX_FREEZE_S = 0.5


class GapMeter:
    """A 20 ms Qt timer that records the longest gap between two ticks of the event loop."""

    def __init__(self):
        from PyQt6.QtCore import QTimer

        self.last = time.perf_counter()
        self.gaps: list[float] = []
        self.timer = QTimer()
        self.timer.setInterval(20)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self):
        now = time.perf_counter()
        self.gaps.append(now - self.last)
        self.last = now

    def worst(self) -> float:
        self.timer.stop()
        return max(self.gaps[1:] or [0.0])


def _open_and_measure(qtbot, dataset_dir, timeout_ms):
    import gc

    from geo_tool.ui.main_window import MainWindow

    gc.collect()  # the garbage of earlier tests (hundreds of figures) is not the window's doing
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    qtbot.wait(200)
    meter = GapMeter()
    with qtbot.waitSignal(win.map_drawn, timeout=timeout_ms):
        win.open_dataset(dataset_dir)
    worst = meter.worst()
    return win, worst, len(meter.gaps)


@pytest.mark.cold_cache
def test_ui_stays_responsive_while_a_dataset_opens(qtbot, small_demo):
    """Opening the small demo (validate, cache, compose the map) never blocks the event loop > 0.5 s."""
    win, worst, ticks = _open_and_measure(qtbot, small_demo, 120000)
    print(f"worst event-loop gap while opening: {worst * 1000:.0f} ms over {ticks} ticks")
    assert ticks > 5
    assert worst < MAX_FREEZE_S, f"the event loop was blocked for {worst:.2f} s"
    win.close()


@pytest.mark.city
def test_ui_stays_responsive_while_the_city_opens(qtbot, tmp_path_factory, real_districts, shared_data):
    """Opening the city demo (~320,000 addresses) keeps the UI responsive and draws within the time limit."""
    from geo_tool.demo import generate_demo

    out = tmp_path_factory.mktemp("city") / "dataset"
    generate_demo(out, size="city", boundaries=real_districts, grid=shared_data / "cbs_vk100_2024_rotterdam.gpkg")
    win, worst, _ = _open_and_measure(qtbot, out, 600000)
    assert worst < MAX_FREEZE_S, f"the event loop was blocked for {worst:.2f} s"
    win.close()
