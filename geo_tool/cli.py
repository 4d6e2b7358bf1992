"""The `geo-tool` command: parse arguments, call one job, print its summary, exit with its code.

Exit codes: 0 success, 1 done with problems (e.g. rejected rows), 2 unusable input,
bad usage or a command that is not built yet. Qt is imported only by `gui`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable, Sequence

from geo_tool import __version__
from geo_tool.errors import GeoToolError, NotBuiltYetError
from geo_tool.progress import Cancelled, TerminalProgress


def _cmd_demo(args: argparse.Namespace) -> int:
    from geo_tool.jobs import run_demo
    from geo_tool.params import DemoParams

    params = DemoParams(
        out=Path(args.out),
        seed=args.seed,
        size=args.size,
        boundaries=Path(args.boundaries) if args.boundaries else None,
        grid=Path(args.grid) if args.grid else None,
        displacement=args.displacement,
        displacement_mode=args.displacement_mode,
        as_exported=args.as_exported,
        world=args.world,
    )
    return _report(run_demo(params, TerminalProgress()))


def _cmd_validate(args: argparse.Namespace) -> int:
    from geo_tool.jobs import run_validate
    from geo_tool.params import ValidateParams

    params = ValidateParams(
        dataset=Path(args.dataset),
        rejects=Path(args.rejects) if args.rejects else None,
        as_json=args.json,
        use_cache=not args.no_cache,
    )
    progress = TerminalProgress() if not args.json else None
    return _report(run_validate(params, progress))


def _cmd_map(args: argparse.Namespace) -> int:
    from geo_tool.jobs import run_map
    from geo_tool.params import MapParams

    params = MapParams(
        dataset=Path(args.dataset), layers=args.layers, out=Path(args.out), level=args.level,
        date_from=args.date_from, date_to=args.date_to, dpi=args.dpi, paper=args.paper, internal=args.internal,
    )
    return _report(run_map(params, TerminalProgress()))


def _cmd_waterbed(args: argparse.Namespace) -> int:
    from geo_tool.jobs import run_waterbed
    from geo_tool.params import WaterbedParams

    params = WaterbedParams(
        dataset=Path(args.dataset), target=args.target, start=args.start, months_before=args.months_before,
        months_after=args.months_after, buffer_rule=args.buffer, control=args.control, out=Path(args.out),
        all_interventions=args.all,
    )
    return _report(run_waterbed(params, TerminalProgress()))


def _cmd_train(args: argparse.Namespace) -> int:
    from geo_tool.jobs import run_train
    from geo_tool.params import TrainParams

    params = TrainParams(dataset=Path(args.dataset), as_of=args.as_of, out=Path(args.out), capacity=args.capacity,
                         eval_dates=tuple(d.strip() for d in args.eval_dates.split(",")) if args.eval_dates else (),
                         use_truth=not args.no_truth)
    return _report(run_train(params, TerminalProgress()))


def _cmd_rank(args: argparse.Namespace) -> int:
    from geo_tool.jobs import run_rank
    from geo_tool.params import RankParams

    params = RankParams(dataset=Path(args.dataset), as_of=args.as_of, out=Path(args.out),
                        model=Path(args.model) if args.model else None, top=args.top,
                        allow_other_dataset=args.allow_other_dataset)
    return _report(run_rank(params, TerminalProgress()))


def _cmd_plan(args: argparse.Namespace) -> int:
    from geo_tool.errors import UsageError
    from geo_tool.jobs import run_plan
    from geo_tool.outputs import check_output_folder
    from geo_tool.planning import PlanParams

    check_output_folder(args.out, "--out", dataset=args.dataset, may_contain_inputs=True,  # before reading any input
                        inputs=(args.ranked, args.must_visit, args.exclude, args.done, args.network))
    day_start, _, day_end = args.hours.partition("-")
    if not day_end:
        raise UsageError(f"--hours: '{args.hours}' is not HH:MM-HH:MM")
    params = PlanParams(
        week=args.week, teams=args.teams, team_starts=tuple(args.team_start), team_ends=tuple(args.team_start),
        days=tuple(d.strip() for d in args.days.split(",") if d.strip()), day_start=day_start.strip(),
        day_end=day_end.strip(), break_min=args.break_min, visit_min=args.visit_min, travel_mode=args.mode,
        speed_kmh=args.speed_kmh, network=args.network or None, network_speed_kmh=args.speed_kmh,
        stop_min=args.stop_min,
        must_visits=args.must_visit or (), exclude_ids=args.exclude or (), recent_visit_days=args.recent_days,
        exploration_share=args.exploration, wijk_cap=args.wijk_cap, time_limit_s=args.time_limit, seed=args.seed,
        done=args.done,
    )
    return _report(run_plan(Path(args.dataset), Path(args.ranked), params, Path(args.out), TerminalProgress()))


def _cmd_gui(args: argparse.Namespace) -> int:
    from geo_tool.outputs import check_output_file
    from geo_tool.params import require_dataset_folder

    if args.dataset is not None:  # checked before Qt starts: a bad path is one line, never an abort
        require_dataset_folder(Path(args.dataset))
    if args.screenshot is not None:
        check_output_file(args.screenshot, "--screenshot", dataset=args.dataset)
    from geo_tool.ui.app import run_gui  # the only place the CLI imports Qt

    return run_gui(Path(args.dataset) if args.dataset else None,
                   Path(args.screenshot) if args.screenshot else None, args.tab, role=args.role)


def _cmd_import(args: argparse.Namespace) -> int:
    from geo_tool.errors import UsageError
    from geo_tool.jobs import run_import, run_list_profiles
    from geo_tool.params import ImportParams

    if args.list_profiles:
        return _report(run_list_profiles())
    if not args.source or not args.profile or not args.into:
        raise UsageError("give SOURCE, --profile and --into (or --list-profiles)")
    params = ImportParams(source=Path(args.source), profile=args.profile, into=Path(args.into),
                          addresses=Path(args.addresses) if args.addresses else None)
    return _report(run_import(params, TerminalProgress()))


def _cmd_profile_new(args: argparse.Namespace) -> int:
    from geo_tool.errors import UsageError
    from geo_tool.jobs import run_profile_new

    if not Path(args.source).is_file():
        raise UsageError(f"SOURCE: file '{args.source}' does not exist")
    return _report(run_profile_new(Path(args.source), Path(args.out) if args.out else None, args.table))


def _has_display() -> bool:
    import os

    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _cmd_quickstart(args: argparse.Namespace) -> int:
    from geo_tool.jobs import run_quickstart
    from geo_tool.params import QuickstartParams

    params = QuickstartParams(out=Path(args.out), size=args.size, seed=args.seed)
    from geo_tool.jobs import quickstart_sources

    print(quickstart_sources()[1], flush=True)  # at once, before minutes of work (the summary repeats it)
    code = _report(run_quickstart(params, TerminalProgress()))
    if code in (0, 1) and not args.no_window and _has_display():
        from geo_tool.ui.app import run_gui

        return run_gui(Path(params.out) / "dataset")
    if code in (0, 1):
        print(window_hint(Path(params.out), displayed=_has_display()))
    return code


def window_hint(out: Path, displayed: bool) -> str:
    """The closing line of a quickstart that did not open the window: how to open it (`./run window` when
    started by the `run` script, which sets GEO_TOOL_LAUNCHER, else `geo-tool gui DIR`)."""
    import os

    why = "venster niet geopend (--no-window)" if displayed else "geen beeldscherm gevonden"
    if os.environ.get("GEO_TOOL_LAUNCHER") == "./run":
        command = "./run window" + ("" if str(out) == "demo-output" else f" {out}")
    else:
        command = f"geo-tool gui {out / 'dataset'}"
    return f"{why}. Open het venster met: {command}"


def _cmd_boundaries(args: argparse.Namespace) -> int:
    from geo_tool.boundaries import fetch_boundaries

    path = fetch_boundaries(gemeente_code=args.gemeente, year=args.year, out=Path(args.out) if args.out else None)
    print(f"boundaries written to {path}")
    return 0


def _cmd_network_fetch(args: argparse.Namespace) -> int:
    from geo_tool.network import fetch_network

    path = fetch_network(args.place, Path(args.out) if args.out else None)
    print(f"street network written to {path} (© OpenStreetMap contributors, ODbL)")
    return 0


def _not_built(issue: int, what: str) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        raise NotBuiltYetError(f"'{args.command}' ({what}) is not built yet (issue {issue})")

    return run


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand of CONTRACT.md section 2."""
    parser = argparse.ArgumentParser(
        prog="geo-tool",
        description="Risk maps, address ranking, visit planning and waterbed analysis for housing enforcement.",
    )
    parser.add_argument("--version", action="version", version=f"geo-tool {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("demo", help="generate a realistic synthetic Rotterdam dataset folder")
    p.add_argument("--out", required=True, help="dataset folder to write")
    p.add_argument("--seed", type=int, default=1, help="random seed (same seed, same data; default 1)")
    p.add_argument("--size", choices=["small", "city"], default="small",
                   help="small = gebied Charlois only; city = all 91 wijken (default small)")
    p.add_argument("--boundaries", help="districts file (GeoPackage with layers gebieden, wijken)")
    p.add_argument("--grid", help="CBS 100 m grid GeoPackage to place addresses where people live")
    p.add_argument("--displacement", type=float, default=0.3,
                   help="share of the problems removed from Carnisse that moves elsewhere (default 0.3)")
    p.add_argument("--displacement-mode", choices=["adjacent", "portfolio"], default="adjacent",
                   help="adjacent: into neighbouring wijken; portfolio: into a non-adjacent wijk of the same landlords")
    p.add_argument("--as-exported", action="store_true",
                   help="also write exports/: the register as a GBA extract, complaints as a Signalen export, "
                        "permits with text addresses (importable with the shipped profiles)")
    p.add_argument("--world", choices=["realistic", "simple"], default="realistic",
                   help="realistic: hidden states, undercounted register, noisy complaints, biased visits (default); "
                        "simple: the earlier demo where the register shows every violation")
    p.set_defaults(func=_cmd_demo)

    p = sub.add_parser("quickstart", help="the main job on the built-in demo: build, validate, map; open the window")
    p.add_argument("--out", default="demo-output", help="folder for the demo dataset and the outputs")
    p.add_argument("--size", choices=["small", "city"], default="small")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--no-window", action="store_true", help="never open the window, even with a display")
    p.set_defaults(func=_cmd_quickstart)

    p = sub.add_parser("validate", help="check and summarise a dataset folder; writes rejects.csv")
    p.add_argument("dataset", help="dataset folder")
    p.add_argument("--rejects", help="where to write rejects.csv (default DIR/rejects.csv)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument("--no-cache", action="store_true", help="ignore and do not use the import cache")
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser("map", help="render or export map layers (.png .svg .pdf .html .gpkg .tif .csv)")
    p.add_argument("dataset")
    p.add_argument("--layers", required=True, help="comma-separated layer[:measure] list, e.g. brp:eum_share")
    p.add_argument("--level", choices=["wijk", "gebied", "address", "building"], default="wijk",
                   help="building: figures per building (BAG pand, else street number); needs --internal")
    p.add_argument("--from", dest="date_from")
    p.add_argument("--to", dest="date_to")
    p.add_argument("--out", required=True, help="output file; the format follows the suffix")
    p.add_argument("--dpi", type=int, default=200, help="resolution of .png (default 200)")
    p.add_argument("--paper", choices=["A4", "A3"], default="A4", help="paper size of .pdf/.png/.svg (landscape)")
    p.add_argument("--internal", action="store_true",
                   help="internal export: no disclosure control, address level allowed; the file says so")
    p.set_defaults(func=_cmd_map)

    p = sub.add_parser("train", help="train and evaluate the ranking model on data before a date")
    p.add_argument("dataset")
    p.add_argument("--as-of", required=True, help="train on data strictly before this date (YYYY-MM-DD)")
    p.add_argument("--out", required=True, help="model folder to write (model, model card, evaluation report)")
    p.add_argument("--capacity", type=int, default=40, help="visits per week: the k of precision@k (default 40)")
    p.add_argument("--eval-dates", help="comma-separated evaluation dates (default: three, 26 weeks apart)")
    p.add_argument("--no-truth", action="store_true",
                   help="ignore DIR/truth (the demo's hidden truth, used only as the evaluation ceiling)")
    p.set_defaults(func=_cmd_train)

    p = sub.add_parser("rank", help="rank addresses for visits on a date")
    p.add_argument("dataset")
    p.add_argument("--as-of", required=True, help="the visit date: only data before it is used")
    p.add_argument("--model", help="model folder from `geo-tool train` (default: train on the fly)")
    p.add_argument("--top", type=int, help="keep the N highest-ranked addresses (default: all)")
    p.add_argument("--allow-other-dataset", action="store_true",
                   help="rank with a model trained on another dataset (refused otherwise; the audit log records it)")
    p.add_argument("--out", required=True, help="ranked.csv to write")
    p.set_defaults(func=_cmd_rank)

    p = sub.add_parser("plan", help="plan the week's visits and routes")
    p.add_argument("dataset")
    p.add_argument("--ranked", required=True, help="ranked.csv from `geo-tool rank` (or a hand-made list)")
    p.add_argument("--week", required=True, help="ISO week, e.g. 2024-W05")
    p.add_argument("--teams", type=int, default=2, help="number of teams (default 2)")
    p.add_argument("--team-start", action="append", default=[],
                   help="start (and end) point of a team: an address id or x,y in RD; repeat per team")
    p.add_argument("--days", default="mon,tue,wed,thu,fri", help="working days (default mon-fri)")
    p.add_argument("--hours", default="09:00-17:00", help="working hours (default 09:00-17:00)")
    p.add_argument("--break-min", type=int, default=30, help="break in minutes (default 30)")
    p.add_argument("--visit-min", type=int, default=30, help="minutes per visit (default 30)")
    p.add_argument("--mode", choices=["walk", "bike", "car"], default="bike", help="travel mode (default bike)")
    p.add_argument("--speed-kmh", type=float, help="travel speed (default walk 4.5, bike 13, car 20; on the street network bike 15, car the streets' speeds)")
    p.add_argument("--network", "--road-graph", dest="network",
                   help="street network (GeoPackage like the shared OSM extract, or OSMnx GraphML; default: "
                        "$GEO_TOOL_NETWORK, then the copy of `network fetch`, else straight line x 1.3)")
    p.add_argument("--stop-min", type=float,
                   help="fixed minutes per stop on the network: lock the bike, park the car (default bike 2, car 5, walk 0)")
    p.add_argument("--must-visit", help="CSV of addresses that must be visited (address_id[,deadline,tw_start,tw_end])")
    p.add_argument("--exclude", help="CSV or text list of address ids to leave out (running legal procedures)")
    p.add_argument("--recent-days", type=int, default=90, help="leave out addresses visited in the last N days")
    p.add_argument("--exploration", type=float, default=0.10, help="share of random visits (default 0.10)")
    p.add_argument("--wijk-cap", type=int, help="at most this many visits per wijk in the week")
    p.add_argument("--time-limit", type=float, default=30.0, help="solver time in seconds (default 30)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--done", help="visits made this week (inspections.csv format): keep them, re-plan the rest")
    p.add_argument("--out", required=True, help="plan folder")
    p.set_defaults(func=_cmd_plan)

    p = sub.add_parser("waterbed", help="measure displacement of problems to neighbouring wijken")
    p.add_argument("dataset")
    p.add_argument("--target", default="", help="wijk code or name (case- and dash-insensitive), e.g. Carnisse")
    p.add_argument("--all", action="store_true",
                   help="analyse every intervention in interventions.csv and write a month-by-month early-warning table")
    p.add_argument("--start", help="intervention start date (default: the target's start in interventions.csv)")
    p.add_argument("--months-before", type=int, default=12, help="months before the start (default 12)")
    p.add_argument("--months-after", type=int, default=12, help="months after the start (default 12)")
    p.add_argument("--buffer", default="queen", help="buffer rule: queen (neighbours) or distance:METRES")
    p.add_argument("--control", choices=["rest", "same_gebied_type"], default="rest",
                   help="control areas: the rest of the city, or wijken of the same type (default rest)")
    p.add_argument("--out", required=True, help="report folder")
    p.set_defaults(func=_cmd_waterbed)

    p = sub.add_parser("gui", help="open the desktop application")
    p.add_argument("dataset", nargs="?")
    p.add_argument("--screenshot", help="save a screenshot of the window to this PNG and exit")
    p.add_argument("--tab", choices=["kaart", "ranglijst", "weekplanning", "waterbed", "model"], default="kaart",
                   help="tab to show (with --screenshot)")
    p.set_defaults(func=_cmd_gui)

    p = sub.add_parser("audit", help="check the audit log")
    asub = p.add_subparsers(dest="action", metavar="ACTION")
    asub.required = True
    a = asub.add_parser("verify", help="check the chain of the audit log: one line per break; exit 1 when broken")
    a.set_defaults(func=_cmd_audit_verify)

    p = sub.add_parser("import", help="turn a municipal export into contract files through an import profile")
    p.add_argument("source", nargs="?", help="the export (CSV)")
    p.add_argument("--profile", help="a shipped profile name (see --list-profiles) or a profile file (.toml)")
    p.add_argument("--into", help="dataset folder to write the contract file, rejects.csv and the match report into")
    p.add_argument("--addresses", help="address source: a dataset folder, an addresses file, or a BAG GeoPackage "
                                       "of verblijfsobjecten (default: the --into folder)")
    p.add_argument("--list-profiles", action="store_true", help="list the shipped profiles and exit")
    p.set_defaults(func=_cmd_import)

    p = sub.add_parser("profile", help="import profiles")
    psub = p.add_subparsers(dest="action", metavar="ACTION")
    psub.required = True
    f = psub.add_parser("new", help="draft an import profile from an export's header, for a person to finish")
    f.add_argument("source", help="the export (CSV)")
    f.add_argument("--out", help="profile file to write (default: print it)")
    f.add_argument("--table", choices=["brp_registrations", "permits", "complaints", "inspections"],
                   help="contract file the export becomes (default: guessed from the header)")
    f.set_defaults(func=_cmd_profile_new)

    p = sub.add_parser("boundaries", help="manage district boundaries")
    bsub = p.add_subparsers(dest="action", metavar="ACTION")
    bsub.required = True
    f = bsub.add_parser("fetch", help="download the CBS Wijk- en Buurtkaart for a gemeente from PDOK (CC BY 4.0)")
    f.add_argument("--gemeente", default="GM0599", help="CBS gemeente code (default GM0599 Rotterdam)")
    f.add_argument("--year", type=int, default=2024)
    f.add_argument("--out", help="where to write (default data/shapefiles/ in the project)")
    f.set_defaults(func=_cmd_boundaries)

    p = sub.add_parser("network", help="manage the street network used for travel times and map context")
    nsub = p.add_subparsers(dest="action", metavar="ACTION")
    nsub.required = True
    f = nsub.add_parser("fetch", help="download the gemeente's OpenStreetMap network with OSMnx (ODbL) and cache it")
    f.add_argument("--place", default="Rotterdam, Netherlands", help="place name for OSMnx (default Rotterdam)")
    f.add_argument("--out", help="where to write the GeoPackage (default: the geo_tool cache)")
    f.set_defaults(func=_cmd_network_fetch)

    for name, command in sub.choices.items():  # every command may lower (never raise) the installation's role
        if name not in ("audit", "boundaries", "demo", "network"):
            command.add_argument("--role", choices=["planner", "director", "researcher"],
                                 help="work with a lower role than the installation's (never a higher one)")
    return parser


def _cmd_audit_verify(args: argparse.Namespace) -> int:
    from geo_tool.security.audit import audit_log_path, verify_audit_log

    path = audit_log_path()
    n, breaks = verify_audit_log(path)
    for line in breaks:
        print(f"{path}: {line}")
    if not breaks:
        print(f"{path}: {n} regels, de keten is heel")
    return 1 if breaks else 0


def _report(result) -> int:
    text = result.summary()
    if text:
        print(text)
    return result.exit_code


PATH_OPTIONS = ("dataset", "out", "rejects", "screenshot", "ranked", "model", "boundaries", "grid", "done",
                "must_visit", "exclude", "road_graph")


def _refuse_empty_paths(args: argparse.Namespace) -> None:
    """An empty path option (`--out ''`) would silently mean the current folder: refuse it (exit 2)."""
    from geo_tool.errors import UsageError

    for name in PATH_OPTIONS:
        value = getattr(args, name, None)
        if isinstance(value, str) and not value.strip():
            option = name if name == "dataset" else "--" + name.replace("_", "-")
            raise UsageError(f"{option}: geen pad opgegeven")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `geo-tool` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        from geo_tool.security.roles import set_session_role

        set_session_role(getattr(args, "role", None), "--role")  # never stored: the next start starts afresh
        _refuse_empty_paths(args)
        return args.func(args)
    except GeoToolError as exc:
        print(f"geo-tool {args.command}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except Cancelled:
        print(f"geo-tool {args.command}: cancelled", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"geo-tool {args.command}: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:  # last resort: a read-only folder, a full disk, ... is one line naming the path
        from geo_tool.outputs import os_error_message

        print(f"geo-tool {args.command}: error: {os_error_message(exc)}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
