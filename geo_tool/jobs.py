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
from geo_tool.i18n import format_number, tr
from geo_tool.progress import NullProgress, Progress
from geo_tool.security.audit import audit_command
from geo_tool.security.roles import has_role, require_role


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
    text = summary.summary()
    if params.as_exported:
        from geo_tool.demo.exported import write_exports

        exports = write_exports(params.out, seed=params.seed)
        text += "\n" + tr("exports (in te lezen met het meegeleverde profiel met dezelfde naam):") + "\n" + "\n".join(
            f"  {p}" for p in exports)
    return JobResult(text, 0, [Path(params.out)], summary)


def run_validate(params: ValidateParams, progress: Progress | None = None) -> JobResult:
    """Import and check a dataset folder, write rejects.csv and summarise (`geo-tool validate`)."""
    from geo_tool.dataset import load_dataset, summary_json, summary_text, write_rejects

    dataset = load_dataset(params.dataset, progress=progress or NullProgress(), use_cache=params.use_cache)
    write_rejects(dataset.report, params.rejects_path)
    audit_command("validate", dataset=dataset, outputs=[params.rejects_path])
    if params.as_json:
        text = json.dumps(summary_json(dataset.report), indent=2, ensure_ascii=False, default=str)
    else:
        text = summary_text(dataset.report) + "\n" + tr("afgekeurde rijen: {path}", path=params.rejects_path)
    return JobResult(text, dataset.report.exit_code, [params.rejects_path], dataset)


def run_quickstart(params: QuickstartParams, progress: Progress | None = None) -> JobResult:
    """The main job on the built-in demo: generate it, validate it, and write the maps.

    Opening the window is the CLI's part (it needs Qt); this job does the headless work
    so that a machine without a display still gets the outputs.
    """
    progress = progress or NullProgress()
    out = Path(params.out)
    dataset_dir = out / "dataset"
    sources, sources_line = quickstart_sources()
    lines = [sources_line]
    demo = run_demo(DemoParams(out=dataset_dir, seed=params.seed, size=params.size,
                               boundaries=sources.get("boundaries"), grid=sources.get("grid")), progress)
    lines.append(demo.summary())
    validated = run_validate(ValidateParams(dataset=dataset_dir), progress)
    lines.append(validated.summary())
    outputs = [dataset_dir, *validated.outputs]
    dataset = validated.data
    outputs += _quickstart_maps(dataset, out / "maps", progress)
    lines.append(tr("kaarten:") + "\n" + "\n".join(f"  {p}" for p in outputs[-len(QUICKSTART_MAPS):]))
    plan_text, plan_files = _quickstart_plan(dataset, out, params, progress, network=sources.get("network"))
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


#: the real data `quickstart` uses when the shared data folder is there: (key, file, what it is in Dutch)
SHARED_DATA_FILES = (("boundaries", "rotterdam_districts.gpkg", "wijkgrenzen"),
                     ("grid", "cbs_vk100_2024_rotterdam.gpkg", "CBS-raster"),
                     ("network", "rotterdam_osm_street_network.gpkg", "stratennet"))


def shared_data_folder() -> Path:
    """Where the real Rotterdam data is looked for: $GEO_TOOL_SHARED_DATA, else `shared/data` beside the
    checkout (the `run` script's folder `/..`), as the tests find it."""
    import os

    env = os.environ.get("GEO_TOOL_SHARED_DATA")
    return Path(env) if env else Path(__file__).resolve().parents[1].parent / "shared" / "data"


def quickstart_sources() -> tuple[dict[str, Path], str]:
    """The real data files quickstart uses (boundaries, grid, network: those present in the shared data
    folder) and the one line that says so, or that it falls back to the default sources."""
    import os

    folder = shared_data_folder()
    found = {key: folder / name for key, name, _ in SHARED_DATA_FILES if (folder / name).is_file()}
    shown = os.path.relpath(folder) if folder.is_absolute() and len(os.path.relpath(folder)) < len(str(folder)) \
        else str(folder)
    if found:
        words = ", ".join(word for key, _, word in SHARED_DATA_FILES if key in found)
        return found, f"gebruikt echte gegevens uit {shown}: {words}"
    return found, (f"geen echte gegevens in {shown} (zet GEO_TOOL_SHARED_DATA op de map met "
                   "rotterdam_districts.gpkg): wijkgrenzen uit de CBS-cache of een schematische stad, "
                   "reistijden hemelsbreed tenzij een stratennet is opgehaald (geo-tool network fetch)")


def _quickstart_plan(dataset, out: Path, params: QuickstartParams, progress: Progress,
                     network: Path | None = None) -> tuple[str, list[Path]]:
    """Rank the addresses (a model trained on the fly) and plan next week's visits for two teams."""
    from geo_tool.model.api import rank_addresses, write_ranking
    from geo_tool.planning import PlanParams, plan_week, write_plan_outputs
    from geo_tool.planning.outputs import adopt_plan_folder

    if not has_role("planner"):  # ranking and planning are a planner's work
        return tr("ranglijst en planning overgeslagen: daarvoor is de rol planner nodig"), []
    adopt_plan_folder(out / "plan")  # an older quickstart's plan (no manifest yet): ours, checked by QuickstartParams
    as_of, week = next_planning_week(dataset)
    ranked = rank_addresses(dataset, as_of, top=QUICKSTART_CANDIDATES, progress=progress)
    ranked_path = write_ranking(ranked, out / "ranked.csv", dataset)
    plan = plan_week(dataset, ranked, PlanParams(week=week, teams=2, time_limit_s=QUICKSTART_SOLVE_S, seed=params.seed,
                                                 network=network),
                     progress=progress)
    files = write_plan_outputs(plan, dataset, out / "plan", progress=progress)
    text = "\n".join([tr("ranglijst voor {date}: {path}", date=as_of, path=ranked_path), plan.summary(),
                      tr("planning: {path} ({n} bestanden)", path=out / "plan", n=len(files))])
    audit_command("quickstart (rank, plan)", dataset=dataset, outputs=[ranked_path, *files])
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
                          window=None, user: str | None = None, basemap: bool = False, street_context: bool = True,
                          size_in: tuple[float, float] | None = None):
    """The composed map figure and its figures table for the window (composed at `size_in`, the panel's inches).

    `layers` holds (layer key, measure key, classification scheme, opacity 0..1), bottom first.
    Used by the desktop window; the same composition as the PNG/PDF export. A planner sees the
    internal view; every lower role sees the figures under the same disclosure control as a
    researcher's export (what is on screen can be copied).
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
    if not has_role("planner"):  # points are address-level: a planner's, on screen as in files
        drawn = [d for d in drawn if d.measure.kind != "points"]
        if level_.value == "address":
            require_role("planner", tr("het adresniveau"))
        if level_.value == "building":
            require_role("planner", tr("het gebouwniveau"))
    internal = has_role("planner")
    table = figures_table(dataset, [], level_, window, disclose=not internal, selections=drawn)
    meta = export_metadata(dataset, drawn, level_, window, internal, current_user(user), "png")
    fig = compose_map(dataset, drawn, table, level_, window, meta, paper="screen", internal=internal,
                      basemap=basemap, street_context=street_context, size_in=size_in)
    return fig, table


DATED_TABLES = {"brp": "registered_from", "complaints": "received_on", "inspections": "visited_on",
                "permits": "valid_from"}


def data_period(dataset, tables=tuple(DATED_TABLES)):
    """(first, last) date in the dataset's `tables` (default register, complaints, visits, permits), or None."""
    import pandas as pd

    dates = []
    for table in tables:
        frame, col = getattr(dataset, table), DATED_TABLES[table]
        if col in frame.columns and len(frame):
            values = pd.to_datetime(frame[col], errors="coerce").dropna()
            if len(values):
                dates += [values.min(), values.max()]
    return (min(dates).normalize(), max(dates).normalize()) if dates else None


def require_overlap(dataset, start, end, what: str, tables=tuple(DATED_TABLES)) -> None:
    """Stop (exit 1, Dutch) when the period start..end holds none of the dataset's dates (of `tables`):
    a map or an analysis of an empty period would look like a real, blank result."""
    import pandas as pd

    from geo_tool.errors import GeoToolError

    span = data_period(dataset, tables) or data_period(dataset)
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    if span is None:
        raise GeoToolError(tr("{what}: de dataset bevat geen gedateerde gegevens", what=what))
    if end < span[0] or start > span[1]:
        raise GeoToolError(tr("{what} {start} t/m {end} valt buiten de gegevens ({first} t/m {last}); kies een "
                              "periode binnen de gegevens", what=what, start=start.date(), end=end.date(),
                              first=span[0].date(), last=span[1].date()))


# per layer: (table, date column, stock): a stock layer has data when anything started by the window's end,
# an event layer when something happened inside the window
LAYER_DATES = {"brp": ("brp", "registered_from", True), "permits": ("permits", "valid_from", True),
               "complaints": ("complaints", "received_on", False), "inspections": ("inspections", "visited_on", False)}


def _require_layer_data(dataset, layers: str, window) -> None:
    """Stop (exit 1, Dutch) when none of the chosen layers has data in the window: the map would be blank."""
    import pandas as pd

    from geo_tool.errors import GeoToolError

    keys = [spec.split(":")[0].strip().lower() for spec in str(layers).split(",") if spec.strip()]
    keys = [k for k in keys if k != "districts"]  # outlines alone are no data
    if not keys or any(k not in LAYER_DATES for k in keys):
        return  # only outlines, or an unknown layer: the export says what it does with it
    for key in keys:
        table, column, stock = LAYER_DATES[key]
        frame = getattr(dataset, table)
        if column not in frame.columns or not len(frame):
            continue
        when = pd.to_datetime(frame[column], errors="coerce")
        if (when <= window.end).any() if stock else ((when >= window.start) & (when <= window.end)).any():
            return
    raise GeoToolError(tr("periode {start} t/m {end} bevat geen gegevens voor {layers}; kies een andere periode of "
                          "laag", start=window.start.date(), end=window.end.date(), layers=", ".join(keys)))


def run_map(params: MapParams, progress: Progress | None = None) -> JobResult:
    """Render or export map layers to one file (`geo-tool map`); the format follows the suffix."""
    from geo_tool.dataset import load_dataset
    from geo_tool.export.core import export_map
    from geo_tool.layers import TimeWindow

    progress = progress or NullProgress()
    if params.internal or params.level in ("address", "building"):
        require_role("planner", tr("map --internal, --level address of --level building"))
    dataset = load_dataset(params.dataset, progress=progress)
    window = TimeWindow(params.date_from, params.date_to) if params.date_from else None
    if window is not None:
        require_overlap(dataset, window.start, window.end, tr("periode"))
        _require_layer_data(dataset, params.layers, window)
    if params.level == "building" and Path(params.out).suffix.lower() in (".csv", ".gpkg"):
        result = _building_map(dataset, params, window)
        audit_command("map", dataset=dataset, outputs=result.outputs, internal=True, level=params.level,
                      layers=params.layers)
        return result
    path = export_map(dataset, params.layers, params.out, level=params.level, window=window, dpi=params.dpi,
                      paper=params.paper, internal=params.internal, progress=progress)
    audit_command("map", dataset=dataset, outputs=[path], internal=bool(params.internal), level=params.level,
                  layers=params.layers)
    note = tr("INTERN") if params.internal else tr("onthullingscontrole toegepast")
    return JobResult(tr("kaart geschreven naar {path} ({note})", path=path, note=note), 0, [Path(path)])


def _building_map(dataset, params: MapParams, window) -> JobResult:
    """`geo-tool map --level building --internal`: addresses, residents, complaints, findings per building."""
    out = Path(params.out)
    table = write_building_figures(dataset, out, window)
    return JobResult(tr("kaart geschreven naar {path} ({n} gebouwen, INTERN)", path=out, n=format_number(len(table))), 0,
                     [out], table)


def write_building_figures(dataset, out: Path, window=None):
    """Write the figures per building to a .gpkg (layer `gebouwen`) or .csv (with x, y); returns the table.

    Internal detail (the caller checks the planner role): the CLI's `map --level building` and the
    window's export dialog both write through here, so their files are the same."""
    from geo_tool.fileio import GPKG_DATASET_OPTIONS, atomic_path, write_csv_atomic
    from geo_tool.layers.buildings import building_figures

    table = building_figures(dataset, window)
    out = Path(out)
    if out.suffix.lower() == ".gpkg":
        with atomic_path(out) as tmp:
            table.to_file(tmp, layer="gebouwen", driver="GPKG", dataset_options=GPKG_DATASET_OPTIONS)
    else:
        frame = table.drop(columns="geometry")
        frame["x"], frame["y"] = table.geometry.x.round(1), table.geometry.y.round(1)
        write_csv_atomic(frame, out)
    return table


def run_waterbed(params: WaterbedParams, progress: Progress | None = None) -> JobResult:
    """Measure displacement from an enforced wijk into others and write the report (`geo-tool waterbed`)."""
    from geo_tool.analysis import run_waterbed_analysis, write_waterbed_report
    from geo_tool.dataset import load_dataset

    progress = progress or NullProgress()
    require_role("director", tr("waterbed (verplaatsingsanalyse)"))
    dataset = load_dataset(params.dataset, progress=progress)
    if params.start_date is not None:
        import pandas as pd

        start = pd.Timestamp(params.start_date)
        events = ("complaints", "inspections")  # the signals; the register reaches back decades
        require_overlap(dataset, start - pd.DateOffset(months=params.months_before), start - pd.Timedelta(days=1),
                        tr("periode vóór --start"), events)
        require_overlap(dataset, start, start + pd.DateOffset(months=params.months_after), tr("periode na --start"),
                        events)
    if params.all_interventions:
        from geo_tool.analysis.monitoring import run_all_interventions
        from geo_tool.analysis.report import write_monitoring_report

        mon = run_all_interventions(dataset, months_before=params.months_before, months_after=params.months_after,
                                    buffer_rule=params.buffer_rule, control=params.control, progress=progress)
        written = write_monitoring_report(mon, params.out)
        audit_command("waterbed --all", dataset=dataset, outputs=written)
        text = mon.summary() + "\n\n" + tr("rapport: {path} ({n} bestanden)", path=Path(params.out) / "overview.csv",
                                             n=len(written))
        return JobResult(text, 0, list(written), mon)
    result = run_waterbed_analysis(
        dataset, params.target, params.start_date, months_before=params.months_before,
        months_after=params.months_after, buffer_rule=params.buffer_rule, control=params.control, progress=progress,
    )
    written = write_waterbed_report(result, params.out)
    audit_command("waterbed", dataset=dataset, outputs=written, target=params.target)
    text = result.summary() + "\n\n" + tr("rapport: {path} ({n} bestanden)", path=Path(params.out) / "report.md",
                                            n=len(written))
    return JobResult(text, 0, list(written), result)


def run_plan(dataset_dir: Path, ranked_csv: Path, params, out_dir: Path,
             progress: Progress | None = None) -> JobResult:
    """Plan the week's visits and routes from a ranking and write every output (`geo-tool plan`).

    `params` is a `geo_tool.planning.PlanParams`.
    """
    from geo_tool.dataset import load_dataset
    from geo_tool.errors import GeoToolError
    from geo_tool.outputs import check_output_folder
    from geo_tool.params import require_dataset_folder
    from geo_tool.planning import plan_week, read_ranked, write_plan_outputs

    progress = progress or NullProgress()
    require_role("planner", tr("plan (bezoekplanning)"))
    require_dataset_folder(dataset_dir)
    check_output_folder(out_dir, "--out", dataset=dataset_dir, may_contain_inputs=True,
                        inputs=(ranked_csv, *(Path(p) for p in (params.road_graph, params.network) if p)))
    from geo_tool.planning.outputs import previous_plan_files

    previous_plan_files(out_dir)  # a folder with plan files we did not write is refused before the work
    ranked = read_ranked(ranked_csv)
    if ranked.empty:
        raise GeoToolError(tr("ranglijst '{path}' bevat geen adressen: er valt niets te plannen", path=ranked_csv))
    dataset = load_dataset(dataset_dir, progress=progress)
    plan = plan_week(dataset, ranked, params, progress=progress)
    written = write_plan_outputs(plan, dataset, out_dir, progress=progress)
    audit_command("plan", dataset=dataset, outputs=written, week=params.week)
    text = plan.summary() + "\n\n" + tr("planning geschreven naar {path} ({n} bestanden)", path=out_dir, n=len(written))
    return JobResult(text, 0, list(written), plan)


def run_train(params: TrainParams, progress: Progress | None = None) -> JobResult:
    """Train and evaluate the ranking model on data before as_of; write the model folder (`geo-tool train`)."""
    from geo_tool.dataset import load_dataset
    from geo_tool.model.api import train_model

    progress = progress or NullProgress()
    dataset = load_dataset(params.dataset, progress=progress)
    _require_dates_in_data(dataset, params)
    result = train_model(dataset, params.as_of, params.out, capacity=params.capacity, truth_dir=params.truth_dir,
                         eval_dates=list(params.eval_dates) or None, progress=progress)
    audit_command("train", dataset=dataset, outputs=result.outputs, as_of=str(params.as_of))
    return JobResult(result.summary(), 0, list(result.outputs), result)


def _require_dates_in_data(dataset, params: TrainParams) -> None:
    """Training needs visits before --as-of and after each evaluation date: a date after the data is exit 2."""
    import pandas as pd

    from geo_tool.errors import UsageError

    span = data_period(dataset)
    for name, value in (("--as-of", params.as_of), *(("--eval-dates", d) for d in params.eval_dates)):
        when = pd.Timestamp(value)
        if span is not None and when > span[1] + pd.Timedelta(days=1):
            raise UsageError(tr("{name} {value} ligt na de gegevens ({first} t/m {last}): train op een datum binnen de "
                                "gegevens", name=name, value=value, first=span[0].date(), last=span[1].date()))


RANK_HISTORY_DAYS = 4 * 365  # the production model learns from the visits of the 4 years before --as-of


def _require_rank_date_in_data(dataset, params: RankParams) -> None:
    """`rank --as-of` far before or after the data is one Dutch line naming the data's period (exit 2),
    not the model's "only 0 usable visits": without --model it needs visits of the 4 years before it,
    with --model at least a date inside the data's reach."""
    import pandas as pd

    from geo_tool.errors import UsageError

    when = pd.Timestamp(params.as_of)
    span = data_period(dataset)
    visits = data_period(dataset, ("inspections",)) if params.model is None else span
    if span is None or visits is None:
        raise UsageError(tr("--as-of: de dataset bevat geen gedateerde huisbezoeken om van te leren"))
    first, last = visits[0], visits[1] + pd.Timedelta(days=RANK_HISTORY_DAYS)
    if when <= first or when > last:
        what = tr("huisbezoeken") if params.model is None else tr("gegevens")
        why = tr("ligt vóór de {what}", what=what) if when <= first else tr("ligt meer dan 4 jaar na de {what}", what=what)
        raise UsageError(tr("--as-of {date} {why} (gegevens {first} t/m {last}, huisbezoeken {v_first} t/m {v_last}); "
                            "kies een datum van {low} t/m {high}", date=when.date(), why=why, first=span[0].date(),
                            last=span[1].date(), v_first=visits[0].date(), v_last=visits[1].date(),
                            low=(first + pd.Timedelta(days=1)).date(), high=last.date()))


def run_rank(params: RankParams, progress: Progress | None = None) -> JobResult:
    """Rank addresses for visits on as_of, with three reasons each, and write ranked.csv (`geo-tool rank`)."""
    from geo_tool.dataset import load_dataset
    from geo_tool.model.api import rank_addresses, write_ranking

    progress = progress or NullProgress()
    require_role("planner", tr("rank (rangschikking van adressen)"))
    if params.model is not None:  # refuse a bad model folder before any personal data is read
        from geo_tool.security.modelfolder import verify_folder

        verify_folder(params.model)
    dataset = load_dataset(params.dataset, progress=progress)
    _require_rank_date_in_data(dataset, params)
    ranked = rank_addresses(dataset, params.as_of, model_dir=params.model, top=params.top, progress=progress,
                            allow_other_dataset=params.allow_other_dataset)
    if ranked.empty:
        from geo_tool.errors import GeoToolError

        raise GeoToolError(tr("er zijn op {date} geen adressen om te rangschikken; {path} is niet geschreven",
                               date=params.as_of, path=params.out))
    path = write_ranking(ranked, params.out, dataset)
    audit_command("rank", dataset=dataset, outputs=[path], as_of=str(params.as_of),
                  model=str(Path(params.model).resolve()) if params.model else None,
                  allow_other_dataset=True if params.allow_other_dataset else None,
                  model_from_other_dataset=bool(ranked.attrs.get("other_dataset")) if params.model else None)
    head = ranked.head(5)
    lines = [tr("{n} adressen gerangschikt voor {date} -> {path}", n=format_number(len(ranked)), date=params.as_of,
                path=path)]
    lines += [f"  {r.rank:>3}. {r.address_id} {r.wijk_code} score {format_number(r.score, 3)}: {r.reason_1}"
              for r in head.itertuples()]
    return JobResult("\n".join(lines), 0, [Path(path)], ranked)


def run_import(params, progress: Progress | None = None) -> JobResult:
    """Turn a municipal export into contract files through an import profile (`geo-tool import`).

    `params` is an `ImportParams`. Writes DIR/<table>.csv, the address files DIR lacks, rejects.csv
    and the match report, then validates the folder when it is complete. Exit 0/1/2 as `validate`.
    """
    from geo_tool.imports import import_export

    outcome = import_export(params.source, params.profile, params.into, params.addresses,
                            progress=progress or NullProgress())
    audit_command("import", outputs=list(outcome.outputs), source=str(Path(params.source).resolve()),
                  profile=str(params.profile))
    return JobResult(outcome.summary(), outcome.exit_code, list(outcome.outputs), outcome)


def run_list_profiles() -> JobResult:
    """The shipped import profiles, one per line with its description (`geo-tool import --list-profiles`)."""
    from geo_tool.imports import load_profile, shipped_profiles

    lines = []
    for name in sorted(shipped_profiles()):
        prof = load_profile(name)
        lines.append(f"{name:<26} {prof.table:<18} {prof.description}")
    return JobResult("\n".join(lines), 0)


def run_profile_new(source: Path, out: Path | None = None, table: str | None = None) -> JobResult:
    """Draft an import profile from an export's header (`geo-tool profile new`); stdout or --out FILE."""
    from geo_tool.fileio import write_text_atomic
    from geo_tool.imports.draft import draft_profile, draft_text

    profile, unplaced = draft_profile(source, table)
    text = draft_text(profile, unplaced)
    if out is None:
        return JobResult(text.rstrip("\n"), 0)
    write_text_atomic(out, text)
    return JobResult(f"concept-profiel geschreven naar {out} (tabel {profile.table}, "
                     f"{len(profile.columns)} kolommen, {len(unplaced)} niet geplaatst)", 0, [Path(out)])
