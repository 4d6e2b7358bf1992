"""The `geo-tool` command: parse arguments, call one job, print its summary, exit with its code.

Exit codes: 0 success, 1 done with problems (e.g. rejected rows), 2 unusable input,
bad usage or a command that is not built yet. Qt is imported only by `gui`.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from pathlib import Path
from typing import Callable, Sequence

from geo_tool import __version__
from geo_tool.errors import GeoToolError, NotBuiltYetError
from geo_tool.i18n import LANGUAGES, set_language, tr
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
        raise UsageError(tr("--hours: '{value}' is niet UU:MM-UU:MM", value=args.hours))
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
        raise UsageError(tr("geef SOURCE, --profile en --into (of --list-profiles)"))
    params = ImportParams(source=Path(args.source), profile=args.profile, into=Path(args.into),
                          addresses=Path(args.addresses) if args.addresses else None)
    return _report(run_import(params, TerminalProgress()))


def _cmd_profile_new(args: argparse.Namespace) -> int:
    from geo_tool.errors import UsageError
    from geo_tool.jobs import run_profile_new

    if not Path(args.source).is_file():
        raise UsageError(tr("SOURCE: bestand '{path}' bestaat niet", path=args.source))
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
    print(tr("grenzen geschreven naar {path}", path=path))
    return 0


def _cmd_network_fetch(args: argparse.Namespace) -> int:
    from geo_tool.network import fetch_network

    path = fetch_network(args.place, Path(args.out) if args.out else None)
    print(tr("stratennet geschreven naar {path} (© OpenStreetMap-bijdragers, ODbL)", path=path))
    return 0


def _not_built(issue: int, what: str) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        raise NotBuiltYetError(tr("'{command}' ({what}) is nog niet gebouwd (issue {issue})", command=args.command,
                                  what=what, issue=issue))

    return run


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand of CONTRACT.md section 2, its texts in the current language.

    Command and option names are the contract's; only the help texts follow `--lang`.
    """
    _hook_argparse()
    parser = argparse.ArgumentParser(
        prog="geo-tool",
        description=tr("Risicokaarten, rangschikking van adressen, planning van huisbezoeken en waterbedanalyse "
                       "voor woningtoezicht."),
    )
    parser.add_argument("--version", action="version", version=f"geo-tool {__version__}",
                        help=tr("toon het versienummer en stop"))
    parser.add_argument("--lang", choices=list(LANGUAGES), help=tr(LANG_HELP))
    sub = parser.add_subparsers(dest="command", metavar=tr("OPDRACHT"))
    sub.required = True

    p = sub.add_parser("demo", help=tr("maak een realistische synthetische Rotterdamse datasetmap"))
    p.add_argument("--out", required=True, help=tr("datasetmap om te schrijven"))
    p.add_argument("--seed", type=int, default=1, help=tr("toevalszaad (zelfde zaad, zelfde gegevens; standaard 1)"))
    p.add_argument("--size", choices=["small", "city"], default="small",
                   help=tr("small = alleen gebied Charlois; city = alle 91 wijken (standaard small)"))
    p.add_argument("--boundaries", help=tr("bestand met gebiedsgrenzen (GeoPackage met de lagen gebieden en wijken)"))
    p.add_argument("--grid", help=tr("CBS-100m-rasterbestand (GeoPackage) om adressen te plaatsen waar mensen wonen"))
    p.add_argument("--displacement", type=float, default=0.3,
                   help=tr("deel van de problemen die uit Carnisse verdwijnen en elders opduiken (standaard 0,3)"))
    p.add_argument("--displacement-mode", choices=["adjacent", "portfolio"], default="adjacent",
                   help=tr("adjacent: naar aangrenzende wijken; portfolio: naar een niet-aangrenzende wijk van "
                           "dezelfde verhuurders"))
    p.add_argument("--as-exported", action="store_true",
                   help=tr("schrijf ook exports/: het register als GBA-uittreksel, meldingen als Signalen-export, "
                           "vergunningen met tekstadressen (in te lezen met de meegeleverde profielen)"))
    p.add_argument("--world", choices=["realistic", "simple"], default="realistic",
                   help=tr("realistic: verborgen toestanden, onvolledig register, ruis in meldingen, scheve "
                           "bezoeken (standaard); simple: de eerdere demo waarin het register elke overtreding toont"))
    p.set_defaults(func=_cmd_demo)

    p = sub.add_parser("quickstart",
                       help=tr("het hoofdwerk op de ingebouwde demo: maken, controleren, kaarten; opent het venster"))
    p.add_argument("--out", default="demo-output", help=tr("map voor de demodataset en de uitvoer"))
    p.add_argument("--size", choices=["small", "city"], default="small",
                   help=tr("demogrootte: small of city (standaard small)"))
    p.add_argument("--seed", type=int, default=1, help=tr("toevalszaad (standaard 1)"))
    p.add_argument("--no-window", action="store_true", help=tr("open nooit het venster, ook niet met een beeldscherm"))
    p.set_defaults(func=_cmd_quickstart)

    p = sub.add_parser("validate", help=tr("controleer en vat een datasetmap samen; schrijft rejects.csv"))
    p.add_argument("dataset", help=tr("datasetmap"))
    p.add_argument("--rejects", help=tr("waar rejects.csv komt (standaard MAP/rejects.csv)"))
    p.add_argument("--json", action="store_true", help=tr("druk de samenvatting af als JSON"))
    p.add_argument("--no-cache", action="store_true", help=tr("negeer de importcache en gebruik die niet"))
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser("map", help=tr("teken of exporteer kaartlagen (.png .svg .pdf .html .gpkg .tif .csv)"))
    p.add_argument("dataset", help=tr("datasetmap"))
    p.add_argument("--layers", required=True,
                   help=tr("lagen, met komma's gescheiden, als laag[:maat], bijv. brp:eum_share"))
    p.add_argument("--level", choices=["wijk", "gebied", "address", "building"], default="wijk",
                   help=tr("building: cijfers per gebouw (BAG-pand, anders straat en huisnummer); vraagt --internal"))
    p.add_argument("--from", dest="date_from", help=tr("eerste dag van de periode (JJJJ-MM-DD)"))
    p.add_argument("--to", dest="date_to", help=tr("laatste dag van de periode (JJJJ-MM-DD)"))
    p.add_argument("--out", required=True, help=tr("uitvoerbestand; de extensie bepaalt het formaat"))
    p.add_argument("--dpi", type=int, default=200, help=tr("resolutie van .png (standaard 200)"))
    p.add_argument("--paper", choices=["A4", "A3"], default="A4", help=tr("papierformaat van .pdf/.png/.svg (liggend)"))
    p.add_argument("--internal", action="store_true",
                   help=tr("interne export: geen onthullingscontrole, adresniveau toegestaan; het bestand vermeldt dat"))
    p.set_defaults(func=_cmd_map)

    p = sub.add_parser("train", help=tr("train en evalueer het rangschikmodel op de gegevens vóór een datum"))
    p.add_argument("dataset", help=tr("datasetmap"))
    p.add_argument("--as-of", required=True, help=tr("train op gegevens strikt vóór deze datum (JJJJ-MM-DD)"))
    p.add_argument("--out", required=True, help=tr("modelmap om te schrijven (model, modelkaart, evaluatierapport)"))
    p.add_argument("--capacity", type=int, default=40, help=tr("bezoeken per week: de k van precisie@k (standaard 40)"))
    p.add_argument("--eval-dates",
                   help=tr("evaluatiedata, met komma's gescheiden (standaard: drie, 26 weken uit elkaar)"))
    p.add_argument("--no-truth", action="store_true",
                   help=tr("negeer MAP/truth (de verborgen waarheid van de demo, alleen gebruikt als bovengrens van "
                           "de evaluatie)"))
    p.set_defaults(func=_cmd_train)

    p = sub.add_parser("rank", help=tr("rangschik adressen voor bezoeken op een datum"))
    p.add_argument("dataset", help=tr("datasetmap"))
    p.add_argument("--as-of", required=True, help=tr("de bezoekdatum: alleen gegevens van daarvoor worden gebruikt"))
    p.add_argument("--model", help=tr("modelmap van `geo-tool train` (standaard: ter plekke trainen)"))
    p.add_argument("--top", type=int, help=tr("houd de N hoogst gerangschikte adressen (standaard: alle)"))
    p.add_argument("--allow-other-dataset", action="store_true",
                   help=tr("rangschik met een model dat op een andere dataset is getraind (anders geweigerd; het "
                           "auditlog legt het vast)"))
    p.add_argument("--out", required=True, help=tr("ranked.csv om te schrijven"))
    p.set_defaults(func=_cmd_rank)

    p = sub.add_parser("plan", help=tr("plan de bezoeken en routes van de week"))
    p.add_argument("dataset", help=tr("datasetmap"))
    p.add_argument("--ranked", required=True, help=tr("ranked.csv van `geo-tool rank` (of een zelfgemaakte lijst)"))
    p.add_argument("--week", required=True, help=tr("ISO-week, bijv. 2024-W05"))
    p.add_argument("--teams", type=int, default=2, help=tr("aantal teams (standaard 2)"))
    p.add_argument("--team-start", action="append", default=[],
                   help=tr("start- (en eind)punt van een team: een adres-id of x,y in RD; herhaal per team"))
    p.add_argument("--days", default="mon,tue,wed,thu,fri", help=tr("werkdagen (standaard mon-fri)"))
    p.add_argument("--hours", default="09:00-17:00", help=tr("werktijd (standaard 09:00-17:00)"))
    p.add_argument("--break-min", type=int, default=30, help=tr("pauze in minuten (standaard 30)"))
    p.add_argument("--visit-min", type=int, default=30, help=tr("minuten per bezoek (standaard 30)"))
    p.add_argument("--mode", choices=["walk", "bike", "car"], default="bike",
                   help=tr("vervoer: walk (lopen), bike (fiets) of car (auto) (standaard bike)"))
    p.add_argument("--speed-kmh", type=float,
                   help=tr("reissnelheid in km/u (standaard lopen 4,5, fiets 13, auto 20; over het stratennet "
                           "fiets 15, auto de snelheden van de straten)"))
    p.add_argument("--network", "--road-graph", dest="network",
                   help=tr("stratennet (GeoPackage zoals het gedeelde OSM-uittreksel, of OSMnx-GraphML; standaard: "
                           "$GEO_TOOL_NETWORK, dan de kopie van `network fetch`, anders hemelsbreed x 1,3)"))
    p.add_argument("--stop-min", type=float,
                   help=tr("vaste minuten per stop op het stratennet: fiets op slot, auto parkeren (standaard fiets "
                           "2, auto 5, lopen 0)"))
    p.add_argument("--must-visit",
                   help=tr("CSV met adressen die bezocht moeten worden (address_id[,deadline,tw_start,tw_end])"))
    p.add_argument("--exclude",
                   help=tr("CSV of tekstlijst met adres-id's om over te slaan (lopende juridische procedures)"))
    p.add_argument("--recent-days", type=int, default=90,
                   help=tr("sla adressen over die in de laatste N dagen zijn bezocht (standaard 90)"))
    p.add_argument("--exploration", type=float, default=0.10,
                   help=tr("deel willekeurige bezoeken (steekproef; standaard 0,10)"))
    p.add_argument("--wijk-cap", type=int, help=tr("hoogstens zoveel bezoeken per wijk in de week"))
    p.add_argument("--time-limit", type=float, default=30.0,
                   help=tr("rekentijd van de optimalisatie in seconden (standaard 30)"))
    p.add_argument("--seed", type=int, default=1, help=tr("toevalszaad (standaard 1)"))
    p.add_argument("--done", help=tr("bezoeken die deze week al zijn gedaan (formaat van inspections.csv): die "
                                     "blijven, de rest wordt opnieuw gepland"))
    p.add_argument("--out", required=True, help=tr("map voor de planning"))
    p.set_defaults(func=_cmd_plan)

    p = sub.add_parser("waterbed", help=tr("meet verplaatsing van problemen naar omliggende wijken (waterbedeffect)"))
    p.add_argument("dataset", help=tr("datasetmap"))
    p.add_argument("--target", default="",
                   help=tr("wijkcode of -naam (hoofdletters en streepjes tellen niet), bijv. Carnisse"))
    p.add_argument("--all", action="store_true",
                   help=tr("analyseer elke interventie in interventions.csv en schrijf een maandelijkse "
                           "signaleringstabel"))
    p.add_argument("--start",
                   help=tr("startdatum van de interventie (standaard: de start van de wijk in interventions.csv)"))
    p.add_argument("--months-before", type=int, default=12, help=tr("maanden vóór de start (standaard 12)"))
    p.add_argument("--months-after", type=int, default=12, help=tr("maanden na de start (standaard 12)"))
    p.add_argument("--buffer", default="queen", help=tr("bufferregel: queen (buurwijken) of distance:METERS"))
    p.add_argument("--control", choices=["rest", "same_gebied_type"], default="rest",
                   help=tr("controlegebieden: de rest van de stad (rest) of wijken van hetzelfde type "
                           "(same_gebied_type; standaard rest)"))
    p.add_argument("--out", required=True, help=tr("map voor het rapport"))
    p.set_defaults(func=_cmd_waterbed)

    p = sub.add_parser("gui", help=tr("open het bureaubladprogramma"))
    p.add_argument("dataset", nargs="?", help=tr("datasetmap"))
    p.add_argument("--screenshot", help=tr("sla een schermafdruk van het venster op in deze PNG en stop"))
    p.add_argument("--tab", choices=["kaart", "ranglijst", "weekplanning", "waterbed", "model"], default="kaart",
                   help=tr("tabblad om te tonen (met --screenshot)"))
    p.set_defaults(func=_cmd_gui)

    p = sub.add_parser("audit", help=tr("controleer het auditlog"))
    asub = p.add_subparsers(dest="action", metavar=tr("ACTIE"))
    asub.required = True
    a = asub.add_parser("verify", help=tr("controleer de keten van het auditlog: één regel per breuk; afsluitcode 1 "
                                          "bij een breuk"))
    a.set_defaults(func=_cmd_audit_verify)

    p = sub.add_parser("import", help=tr("zet een gemeentelijke export om in contractbestanden via een importprofiel"))
    p.add_argument("source", nargs="?", help=tr("de export (CSV)"))
    p.add_argument("--profile",
                   help=tr("naam van een meegeleverd profiel (zie --list-profiles) of een profielbestand (.toml)"))
    p.add_argument("--into", help=tr("datasetmap voor het contractbestand, rejects.csv en het koppelrapport"))
    p.add_argument("--addresses", help=tr("adresbron: een datasetmap, een adressenbestand of een BAG-GeoPackage met "
                                          "verblijfsobjecten (standaard: de map van --into)"))
    p.add_argument("--list-profiles", action="store_true", help=tr("toon de meegeleverde profielen en stop"))
    p.set_defaults(func=_cmd_import)

    p = sub.add_parser("profile", help=tr("importprofielen"))
    psub = p.add_subparsers(dest="action", metavar=tr("ACTIE"))
    psub.required = True
    f = psub.add_parser("new", help=tr("maak een concept-importprofiel uit de kopregel van een export, om door een "
                                       "mens af te maken"))
    f.add_argument("source", help=tr("de export (CSV)"))
    f.add_argument("--out", help=tr("profielbestand om te schrijven (standaard: afdrukken)"))
    f.add_argument("--table", choices=["brp_registrations", "permits", "complaints", "inspections"],
                   help=tr("contractbestand dat de export wordt (standaard: geraden uit de kopregel)"))
    f.set_defaults(func=_cmd_profile_new)

    p = sub.add_parser("boundaries", help=tr("beheer de gebiedsgrenzen"))
    bsub = p.add_subparsers(dest="action", metavar=tr("ACTIE"))
    bsub.required = True
    f = bsub.add_parser("fetch", help=tr("download de CBS Wijk- en Buurtkaart van een gemeente van PDOK (CC BY 4.0)"))
    f.add_argument("--gemeente", default="GM0599", help=tr("CBS-gemeentecode (standaard GM0599 Rotterdam)"))
    f.add_argument("--year", type=int, default=2024, help=tr("jaar van de kaart (standaard 2024)"))
    f.add_argument("--out", help=tr("waar het bestand komt (standaard data/shapefiles/ in het project)"))
    f.set_defaults(func=_cmd_boundaries)

    p = sub.add_parser("network", help=tr("beheer het stratennet voor reistijden en kaartachtergrond"))
    nsub = p.add_subparsers(dest="action", metavar=tr("ACTIE"))
    nsub.required = True
    f = nsub.add_parser("fetch", help=tr("download het OpenStreetMap-netwerk van de gemeente met OSMnx (ODbL) en "
                                         "bewaar het"))
    f.add_argument("--place", default="Rotterdam, Netherlands", help=tr("plaatsnaam voor OSMnx (standaard Rotterdam)"))
    f.add_argument("--out", help=tr("waar de GeoPackage komt (standaard: de cache van geo_tool)"))
    f.set_defaults(func=_cmd_network_fetch)

    for name, command in sub.choices.items():  # every command may lower (never raise) the installation's role
        if name not in ("audit", "boundaries", "demo", "network"):
            command.add_argument("--role", choices=["planner", "director", "researcher"],
                                 help=tr("werk met een lagere rol dan die van de installatie (nooit een hogere)"))
    for command in _all_parsers(sub):  # `--lang en` also after the command; the value is read before parsing
        command.add_argument("--lang", choices=list(LANGUAGES), default=argparse.SUPPRESS, help=tr(LANG_HELP))
    return parser


LANG_HELP = "taal van alle teksten: nl (standaard) of en; ook via GEO_TOOL_LANG"


def _all_parsers(sub) -> list[argparse.ArgumentParser]:
    """Every subcommand's parser, nested ones (audit verify, profile new, ...) included."""
    found = []
    for command in dict.fromkeys(sub.choices.values()):
        found.append(command)
        for action in command._actions:
            if isinstance(action, argparse._SubParsersAction):
                found += _all_parsers(action)
    return found


def _hook_argparse() -> None:
    """argparse's own texts ('usage:', 'options', its error lines) in the current language."""
    from geo_tool.i18n import argparse_text

    argparse._ = argparse_text  # argparse looks its gettext `_` up at call time


def language_from_argv(argv: Sequence[str]) -> str | None:
    """The value of `--lang X` / `--lang=X` anywhere on the command line (read before the parser is built,
    because the help texts are built in that language), or None."""
    argv = list(argv)
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def _cmd_audit_verify(args: argparse.Namespace) -> int:
    from geo_tool.security.audit import audit_log_path, verify_audit_log

    path = audit_log_path()
    n, breaks = verify_audit_log(path)
    for line in breaks:
        print(f"{path}: {line}")
    if not breaks:
        print(tr("{path}: {n} regels, de keten is heel", path=path, n=n))
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
            raise UsageError(tr("{option}: geen pad opgegeven", option=option))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `geo-tool` console script."""
    argv = sys.argv[1:] if argv is None else list(argv)
    # a library's English remark ("Not enough unique values ... to form 4 classes") is no message for a user:
    # the legend shows the classes there are
    warnings.filterwarnings("ignore", category=UserWarning, module=r"mapclassify(\.|$)")
    chosen = language_from_argv(argv)
    if chosen in LANGUAGES:  # an unknown value is left to argparse, which names the allowed ones
        set_language(chosen)
        os.environ["GEO_TOOL_LANG"] = chosen  # the window (`gui`, `quickstart`) starts in it too
    parser = build_parser()
    args = parser.parse_args(argv)
    prog = f"geo-tool {args.command}"
    try:
        from geo_tool.security.roles import set_session_role

        set_session_role(getattr(args, "role", None), "--role")  # never stored: the next start starts afresh
        _refuse_empty_paths(args)
        return args.func(args)
    except GeoToolError as exc:
        print(tr("{prog}: fout: {message}", prog=prog, message=exc), file=sys.stderr)
        return exc.exit_code
    except Cancelled:
        print(tr("{prog}: geannuleerd", prog=prog), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(tr("{prog}: onderbroken", prog=prog), file=sys.stderr)
        return 130
    except OSError as exc:  # last resort: a read-only folder, a full disk, ... is one line naming the path
        from geo_tool.outputs import os_error_message

        print(tr("{prog}: fout: {message}", prog=prog, message=os_error_message(exc)), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
