"""City-size figures for the map layers and exports (issue 3 targets, printed, never asserted).

Run: `.venv/bin/python benchmarks/bench_maps.py DATASET_DIR` on a city demo
(`geo-tool demo --size city --boundaries ... --grid ... --out DIR`).
Targets: four layers' wijk figures for one year < 2 s; redraw districts + one choropleth + 5,000
points < 0.5 s; A4 PDF < 5 s.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path


def _timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def main() -> None:
    """Load the dataset (cached), then time the figures, a redraw and the exports."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dataset")
    args = parser.parse_args()

    import matplotlib

    matplotlib.use("Agg")
    import numpy as np
    from matplotlib.figure import Figure

    from geo_tool.dataset import load_dataset
    from geo_tool.export.core import export_map
    from geo_tool.export.tables import figures_table
    from geo_tool.layers import TimeWindow

    secs, ds = _timed(lambda: load_dataset(args.dataset))
    print(f"load (cache when warm): {secs:.2f} s; {len(ds.addresses):,} addresses, {len(ds.brp):,} spells")
    window = TimeWindow.year_ending("2024-12-31")
    specs = ["brp", "permits", "complaints", "inspections"]
    secs, table = _timed(lambda: figures_table(ds, specs, "wijk", window))
    print(f"four layers, all wijk figures, one year (cold): {secs:.2f} s  (target < 2 s)")
    secs, _ = _timed(lambda: figures_table(ds, specs, "wijk", window))
    print(f"same, second call: {secs:.2f} s")

    # redraw: districts + one choropleth + 5,000 points on one axes, as the window does
    rng = np.random.default_rng(0)
    pts = ds.addresses.geometry.iloc[rng.choice(len(ds.addresses), 5000, replace=False)]
    wijken = ds.wijken.assign(v=table["eum_share"].to_numpy())
    fig = Figure(figsize=(12, 8))
    ax = fig.add_subplot()
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)

    def redraw():
        ax.clear()
        wijken.plot(ax=ax, column="v", cmap="viridis")
        wijken.boundary.plot(ax=ax, color="black", linewidth=0.3)
        ax.scatter(pts.x.to_numpy(), pts.y.to_numpy(), s=2)
        canvas.draw()

    redraw()
    secs, _ = _timed(redraw)
    print(f"redraw districts + choropleth + 5,000 points: {secs:.2f} s  (target < 0.5 s)")
    out = Path(tempfile.mkdtemp(prefix="geo_tool_bench_maps_"))
    for name, layers in (("kaart.pdf", "brp:eum_share,districts"), ("kaart.png", "brp:eum_share,districts"),
                         ("kaart.html", "brp:eum_share,complaints:complaint_rate"), ("cijfers.gpkg", "brp,complaints"),
                         ("dichtheid.tif", "complaints:density")):
        secs, _ = _timed(lambda: export_map(ds, layers, out / name, window=window))
        print(f"export {name:<14} {secs:6.2f} s" + ("  (target < 5 s)" if name.endswith(".pdf") else ""))


if __name__ == "__main__":
    main()
