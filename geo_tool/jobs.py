"""One function per command, shared by the CLI and the window.

Each job takes a params object and a progress reporter and returns a result
with `.summary()` and `.exit_code`. Jobs hold no argument parsing and no Qt.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geo_tool.params import (
    DemoParams,
    MapParams,
    QuickstartParams,
    RankParams,
    TrainParams,
    ValidateParams,
    WaterbedParams,
)
from geo_tool.progress import NullProgress, Progress


@dataclass
class JobResult:
    """What a job returns: a text summary for the terminal, an exit code and the files it wrote."""

    text: str
    exit_code: int = 0
    outputs: list[Path] = field(default_factory=list)
    data: Any = None

    def summary(self) -> str:
        """The text the CLI prints and the window shows."""
        return self.text


def run_demo(params: DemoParams, progress: Progress | None = None) -> JobResult:
    """Generate the synthetic Rotterdam dataset folder (`geo-tool demo`)."""
    from geo_tool.demo import generate_demo

    summary = generate_demo(
        params.out,
        seed=params.seed,
        size=params.size,
        boundaries=params.boundaries,
        grid=params.grid,
        displacement=params.displacement,
        displacement_mode=params.displacement_mode,
        world=params.world,
        progress=progress or NullProgress(),
    )
    return JobResult(summary.summary(), 0, [Path(params.out)], summary)


def run_validate(params: ValidateParams, progress: Progress | None = None) -> JobResult:
    """Import and check a dataset folder, write rejects.csv and summarise (`geo-tool validate`)."""
    from geo_tool.dataset import load_dataset, summary_json, summary_text, write_rejects

    dataset = load_dataset(params.dataset, progress=progress or NullProgress(), use_cache=params.use_cache)
    write_rejects(dataset.report, params.rejects_path)
    if params.as_json:
        text = json.dumps(summary_json(dataset.report), indent=2, ensure_ascii=False, default=str)
    else:
        text = summary_text(dataset.report) + f"\nrejects: {params.rejects_path}"
    return JobResult(text, dataset.report.exit_code, [params.rejects_path], dataset)


def run_quickstart(params: QuickstartParams, progress: Progress | None = None) -> JobResult:
    """The main job on the built-in demo: generate it, validate it, and write the maps.

    Opening the window is the CLI's part (it needs Qt); this job does the headless work
    so that a machine without a display still gets the outputs.
    """
    progress = progress or NullProgress()
    out = Path(params.out)
    dataset_dir = out / "dataset"
    lines = []
    demo = run_demo(DemoParams(out=dataset_dir, seed=params.seed, size=params.size), progress)
    lines.append(demo.summary())
    validated = run_validate(ValidateParams(dataset=dataset_dir), progress)
    lines.append(validated.summary())
    outputs = [dataset_dir, *validated.outputs]
    dataset = validated.data
    outputs += _quickstart_maps(dataset, out / "maps", progress)
    lines.append("maps:\n" + "\n".join(f"  {p}" for p in outputs[-len(QUICKSTART_MAPS):]))
    plan_text, plan_files = _quickstart_plan(dataset, out, params, progress)
    lines.append(plan_text)
    outputs += plan_files
    return JobResult("\n\n".join(lines), validated.exit_code, outputs, dataset)


def next_planning_week(dataset) -> tuple[str, str]:
    """(as_of, ISO week) for planning after the data: the Monday after the last recorded visit or complaint."""
    import pandas as pd

    last = max(pd.Timestamp(dataset.inspections["visited_on"].max()) if len(dataset.inspections) else pd.NaT,
               pd.Timestamp(dataset.complaints["received_on"].max()) if len(dataset.complaints) else pd.NaT)
    if pd.isna(last):
        last = pd.Timestamp(dataset.brp["registered_from"].max())
    monday = (last + pd.Timedelta(days=1)).normalize()
    monday += pd.Timedelta(days=(7 - monday.weekday()) % 7)
    iso = monday.isocalendar()
    return monday.date().isoformat(), f"{iso.year}-W{iso.week:02d}"


def _quickstart_plan(dataset, out: Path, params: QuickstartParams, progress: Progress) -> tuple[str, list[Path]]:
    """Rank the addresses (a model trained on the fly) and plan next week's visits for two teams."""
    from geo_tool.model.api import rank_addresses, write_ranking
    from geo_tool.planning import PlanParams, plan_week, write_plan_outputs

    as_of, week = next_planning_week(dataset)
    ranked = rank_addresses(dataset, as_of, top=QUICKSTART_CANDIDATES, progress=progress)
    ranked_path = write_ranking(ranked, out / "ranked.csv")
    plan = plan_week(dataset, ranked, PlanParams(week=week, teams=2, time_limit_s=QUICKSTART_SOLVE_S, seed=params.seed),
                     progress=progress)
    files = write_plan_outputs(plan, dataset, out / "plan", progress=progress)
    text = f"ranking for {as_of}: {ranked_path}\n{plan.summary()}\nplan: {out / 'plan'} ({len(files)} files)"
    return text, [Path(ranked_path), *files]


QUICKSTART_CANDIDATES = 1000
QUICKSTART_SOLVE_S = 10.0


QUICKSTART_MAPS = (
    ("brp:eum_share,districts", "eu_arbeidsmigranten_per_wijk.pdf"),
    ("brp:overcrowded_share,districts", "overbewoning_per_wijk.png"),
    ("complaints:density,districts", "meldingen_dichtheid.png"),
    ("inspections:hit_rate,districts", "huisbezoeken_trefkans.png"),
    ("permits:no_permit_share,districts", "zonder_vergunning.png"),
    ("brp,permits,complaints,inspections", "cijfers_per_wijk.gpkg"),
    ("brp,permits,complaints,inspections", "cijfers_per_wijk.csv"),
    ("brp:eum_share,complaints:complaint_rate,inspections:hit_rate", "kaart.html"),
    ("complaints:density", "meldingen_dichtheid.tif"),
)


def _quickstart_maps(dataset, folder: Path, progress: Progress) -> list[Path]:
    """The researcher's standard set of disclosure-safe maps and tables for the last year."""
    from geo_tool.export.core import export_map

    written = []
    for specs, name in QUICKSTART_MAPS:
        written.append(export_map(dataset, specs, folder / name, progress=progress))
    return written


def map_figure_for_window(dataset, layers: list[tuple[str, str, str, float]], level: str = "wijk",
                          window=None, user: str | None = None, basemap: bool = False):
    """The composed map figure and its figures table for the window (internal view, no disclosure).

    `layers` holds (layer key, measure key, classification scheme, opacity 0..1), bottom first.
    Used by the desktop window; the same composition as the PNG/PDF export.
    """
    import dataclasses

    from geo_tool.export.audit import current_user
    from geo_tool.export.maps import compose_map
    from geo_tool.export.tables import export_metadata, figures_table, resolve_specs
    from geo_tool.layers import Classification, LayerSelection, Level, TimeWindow

    level_ = Level.parse(level)
    window = window or TimeWindow.default_for(dataset)
    specs = [f"{key}:{measure}" for key, measure, _scheme, _opacity in layers] or ["districts:outline"]
    selections = resolve_specs(dataset, specs)
    drawn = []
    for sel, (_key, _measure, scheme, opacity) in zip(selections, layers or [("", "", "quantiles", 1.0)]):
        measure = sel.measure
        if scheme and scheme != measure.classification.scheme and scheme != "fixed":
            measure = dataclasses.replace(measure, classification=Classification(scheme, measure.classification.k))
        new = LayerSelection(sel.layer, measure, True)
        new.opacity = float(opacity)
        drawn.append(new)
    table = figures_table(dataset, [], level_, window, disclose=False, selections=drawn)
    meta = export_metadata(dataset, drawn, level_, window, True, current_user(user), "png")
    fig = compose_map(dataset, drawn, table, level_, window, meta, paper="screen", internal=True, basemap=basemap)
    return fig, table


def run_map(params: MapParams, progress: Progress | None = None) -> JobResult:
    """Render or export map layers to one file (`geo-tool map`); the format follows the suffix."""
    from geo_tool.dataset import load_dataset
    from geo_tool.export.core import export_map
    from geo_tool.layers import TimeWindow

    progress = progress or NullProgress()
    dataset = load_dataset(params.dataset, progress=progress)
    window = TimeWindow(params.date_from, params.date_to) if params.date_from else None
    path = export_map(dataset, params.layers, params.out, level=params.level, window=window, dpi=params.dpi,
                      paper=params.paper, internal=params.internal, progress=progress)
    note = " (INTERN)" if params.internal else " (onthullingscontrole toegepast)"
    return JobResult(f"map written to {path}{note}", 0, [Path(path)])


def run_waterbed(params: WaterbedParams, progress: Progress | None = None) -> JobResult:
    """Measure displacement from an enforced wijk into others and write the report (`geo-tool waterbed`)."""
    from geo_tool.analysis import run_waterbed_analysis, write_waterbed_report
    from geo_tool.dataset import load_dataset

    progress = progress or NullProgress()
    dataset = load_dataset(params.dataset, progress=progress)
    result = run_waterbed_analysis(
        dataset, params.target, params.start_date, months_before=params.months_before,
        months_after=params.months_after, buffer_rule=params.buffer_rule, control=params.control, progress=progress,
    )
    written = write_waterbed_report(result, params.out)
    text = result.summary() + f"\n\nreport: {Path(params.out) / 'report.md'} ({len(written)} files)"
    return JobResult(text, 0, list(written), result)


def run_plan(dataset_dir: Path, ranked_csv: Path, params, out_dir: Path,
             progress: Progress | None = None) -> JobResult:
    """Plan the week's visits and routes from a ranking and write every output (`geo-tool plan`).

    `params` is a `geo_tool.planning.PlanParams`.
    """
    from geo_tool.dataset import load_dataset
    from geo_tool.planning import plan_week, read_ranked, write_plan_outputs

    progress = progress or NullProgress()
    ranked = read_ranked(ranked_csv)
    dataset = load_dataset(dataset_dir, progress=progress)
    plan = plan_week(dataset, ranked, params, progress=progress)
    written = write_plan_outputs(plan, dataset, out_dir, progress=progress)
    text = plan.summary() + f"\n\nplan written to {out_dir} ({len(written)} files)"
    return JobResult(text, 0, list(written), plan)


def run_train(params: TrainParams, progress: Progress | None = None) -> JobResult:
    """Train and evaluate the ranking model on data before as_of; write the model folder (`geo-tool train`)."""
    from geo_tool.dataset import load_dataset
    from geo_tool.model.api import train_model

    progress = progress or NullProgress()
    dataset = load_dataset(params.dataset, progress=progress)
    result = train_model(dataset, params.as_of, params.out, capacity=params.capacity, truth_dir=params.truth_dir,
                         eval_dates=list(params.eval_dates) or None, progress=progress)
    return JobResult(result.summary(), 0, list(result.outputs), result)


def run_rank(params: RankParams, progress: Progress | None = None) -> JobResult:
    """Rank addresses for visits on as_of, with three reasons each, and write ranked.csv (`geo-tool rank`)."""
    from geo_tool.dataset import load_dataset
    from geo_tool.model.api import rank_addresses, write_ranking

    progress = progress or NullProgress()
    dataset = load_dataset(params.dataset, progress=progress)
    ranked = rank_addresses(dataset, params.as_of, model_dir=params.model, top=params.top, progress=progress)
    path = write_ranking(ranked, params.out)
    head = ranked.head(5)
    lines = [f"{len(ranked):,} addresses ranked for {params.as_of} -> {path}"]
    lines += [f"  {r.rank:>3}. {r.address_id} {r.wijk_code} score {r.score:.3f}: {r.reason_1}" for r in head.itertuples()]
    return JobResult("\n".join(lines), 0, [Path(path)], ranked)
