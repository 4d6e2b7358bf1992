"""Waterbed analysis: displacement of problems from an enforced wijk (WDQ, WDD, DiD, flows, hot spots)."""

from geo_tool.analysis.waterbed import VERDICTS, WaterbedResult, run_waterbed_analysis

__all__ = ["VERDICTS", "WaterbedResult", "run_waterbed_analysis", "write_waterbed_report"]


def write_waterbed_report(result, out_dir):  # noqa: D103 - thin lazy wrapper, see report.write_waterbed_report
    """Write waterbed.csv, flows.csv, hotspots.gpkg, maps, charts, report.md and report.pdf (see report.py)."""
    from geo_tool.analysis.report import write_waterbed_report as _write

    return _write(result, out_dir)
