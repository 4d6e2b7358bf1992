"""One translation mechanism for everything a user reads, shared by the command line and the window.

Source strings are Dutch (the users' language); `tr()` returns them as they are in Dutch mode and
looks them up in the English table in English mode (`--lang en`, `GEO_TOOL_LANG=en`, or the window's
Taal menu). Placeholders are filled after the lookup (`tr("{n} adressen", n=3)`), so one key serves
every value. Numbers a user reads go through `format_number` (Dutch: 1.234,5; English: 1,234.5).
Qt-free: the window's own table lives in `geo_tool.ui.i18n`, which registers it here.
"""

from __future__ import annotations

import os

LANGUAGES = ("nl", "en")
ENV_VAR = "GEO_TOOL_LANG"


def _initial_language() -> str:
    value = os.environ.get(ENV_VAR, "nl").strip().lower()
    return value if value in LANGUAGES else "nl"


_LANGUAGE = _initial_language()

# Dutch source -> English, for what the command line and the core print (the window's table is added
# by geo_tool.ui.i18n; `add_translations` merges any other table)
_EN: dict[str, str] = {
    # argparse: description and global options
    "Risicokaarten, rangschikking van adressen, planning van huisbezoeken en waterbedanalyse voor "
    "woningtoezicht.":
        "Risk maps, address ranking, visit planning and waterbed analysis for housing enforcement.",
    "toon het versienummer en stop": "show program's version number and exit",
    "OPDRACHT": "COMMAND",
    "ACTIE": "ACTION",
    "taal van alle teksten: nl (standaard) of en; ook via GEO_TOOL_LANG":
        "language of every text: nl (default) or en; also via GEO_TOOL_LANG",
    "werk met een lagere rol dan die van de installatie (nooit een hogere)":
        "work with a lower role than the installation's (never a higher one)",
    # demo
    "maak een realistische synthetische Rotterdamse datasetmap":
        "generate a realistic synthetic Rotterdam dataset folder",
    "datasetmap om te schrijven": "dataset folder to write",
    "toevalszaad (zelfde zaad, zelfde gegevens; standaard 1)":
        "random seed (same seed, same data; default 1)",
    "small = alleen gebied Charlois; city = alle 91 wijken (standaard small)":
        "small = gebied Charlois only; city = all 91 wijken (default small)",
    "bestand met gebiedsgrenzen (GeoPackage met de lagen gebieden en wijken)":
        "districts file (GeoPackage with layers gebieden, wijken)",
    "CBS-100m-rasterbestand (GeoPackage) om adressen te plaatsen waar mensen wonen":
        "CBS 100 m grid GeoPackage to place addresses where people live",
    "deel van de problemen die uit Carnisse verdwijnen en elders opduiken (standaard 0,3)":
        "share of the problems removed from Carnisse that moves elsewhere (default 0.3)",
    "adjacent: naar aangrenzende wijken; portfolio: naar een niet-aangrenzende wijk van dezelfde verhuurders":
        "adjacent: into neighbouring wijken; portfolio: into a non-adjacent wijk of the same landlords",
    "schrijf ook exports/: het register als GBA-uittreksel, meldingen als Signalen-export, vergunningen "
    "met tekstadressen (in te lezen met de meegeleverde profielen)":
        "also write exports/: the register as a GBA extract, complaints as a Signalen export, "
        "permits with text addresses (importable with the shipped profiles)",
    "realistic: verborgen toestanden, onvolledig register, ruis in meldingen, scheve bezoeken (standaard); "
    "simple: de eerdere demo waarin het register elke overtreding toont":
        "realistic: hidden states, undercounted register, noisy complaints, biased visits (default); "
        "simple: the earlier demo where the register shows every violation",
    # quickstart
    "het hoofdwerk op de ingebouwde demo: maken, controleren, kaarten; opent het venster":
        "the main job on the built-in demo: build, validate, map; open the window",
    "map voor de demodataset en de uitvoer": "folder for the demo dataset and the outputs",
    "demogrootte: small of city (standaard small)": "demo size: small or city (default small)",
    "toevalszaad (standaard 1)": "random seed (default 1)",
    "open nooit het venster, ook niet met een beeldscherm": "never open the window, even with a display",
    # validate
    "controleer en vat een datasetmap samen; schrijft rejects.csv":
        "check and summarise a dataset folder; writes rejects.csv",
    "datasetmap": "dataset folder",
    "waar rejects.csv komt (standaard MAP/rejects.csv)": "where to write rejects.csv (default DIR/rejects.csv)",
    "druk de samenvatting af als JSON": "print the summary as JSON",
    "negeer de importcache en gebruik die niet": "ignore and do not use the import cache",
    # map
    "teken of exporteer kaartlagen (.png .svg .pdf .html .gpkg .tif .csv)":
        "render or export map layers (.png .svg .pdf .html .gpkg .tif .csv)",
    "lagen, met komma's gescheiden, als laag[:maat], bijv. brp:eum_share":
        "comma-separated layer[:measure] list, e.g. brp:eum_share",
    "building: cijfers per gebouw (BAG-pand, anders straat en huisnummer); vraagt --internal":
        "building: figures per building (BAG pand, else street number); needs --internal",
    "eerste dag van de periode (JJJJ-MM-DD)": "first day of the period (YYYY-MM-DD)",
    "laatste dag van de periode (JJJJ-MM-DD)": "last day of the period (YYYY-MM-DD)",
    "uitvoerbestand; de extensie bepaalt het formaat": "output file; the format follows the suffix",
    "resolutie van .png (standaard 200)": "resolution of .png (default 200)",
    "papierformaat van .pdf/.png/.svg (liggend)": "paper size of .pdf/.png/.svg (landscape)",
    "interne export: geen onthullingscontrole, adresniveau toegestaan; het bestand vermeldt dat":
        "internal export: no disclosure control, address level allowed; the file says so",
    # train
    "train en evalueer het rangschikmodel op de gegevens vóór een datum":
        "train and evaluate the ranking model on data before a date",
    "train op gegevens strikt vóór deze datum (JJJJ-MM-DD)":
        "train on data strictly before this date (YYYY-MM-DD)",
    "modelmap om te schrijven (model, modelkaart, evaluatierapport)":
        "model folder to write (model, model card, evaluation report)",
    "bezoeken per week: de k van precisie@k (standaard 40)":
        "visits per week: the k of precision@k (default 40)",
    "evaluatiedata, met komma's gescheiden (standaard: drie, 26 weken uit elkaar)":
        "comma-separated evaluation dates (default: three, 26 weeks apart)",
    "negeer MAP/truth (de verborgen waarheid van de demo, alleen gebruikt als bovengrens van de evaluatie)":
        "ignore DIR/truth (the demo's hidden truth, used only as the evaluation ceiling)",
    # rank
    "rangschik adressen voor bezoeken op een datum": "rank addresses for visits on a date",
    "de bezoekdatum: alleen gegevens van daarvoor worden gebruikt":
        "the visit date: only data before it is used",
    "modelmap van `geo-tool train` (standaard: ter plekke trainen)":
        "model folder from `geo-tool train` (default: train on the fly)",
    "houd de N hoogst gerangschikte adressen (standaard: alle)":
        "keep the N highest-ranked addresses (default: all)",
    "rangschik met een model dat op een andere dataset is getraind (anders geweigerd; het auditlog "
    "legt het vast)":
        "rank with a model trained on another dataset (refused otherwise; the audit log records it)",
    "ranked.csv om te schrijven": "ranked.csv to write",
    # plan
    "plan de bezoeken en routes van de week": "plan the week's visits and routes",
    "ranked.csv van `geo-tool rank` (of een zelfgemaakte lijst)":
        "ranked.csv from `geo-tool rank` (or a hand-made list)",
    "ISO-week, bijv. 2024-W05": "ISO week, e.g. 2024-W05",
    "aantal teams (standaard 2)": "number of teams (default 2)",
    "start- (en eind)punt van een team: een adres-id of x,y in RD; herhaal per team":
        "start (and end) point of a team: an address id or x,y in RD; repeat per team",
    "werkdagen (standaard mon-fri)": "working days (default mon-fri)",
    "werktijd (standaard 09:00-17:00)": "working hours (default 09:00-17:00)",
    "pauze in minuten (standaard 30)": "break in minutes (default 30)",
    "minuten per bezoek (standaard 30)": "minutes per visit (default 30)",
    "vervoer: walk (lopen), bike (fiets) of car (auto) (standaard bike)":
        "travel mode: walk, bike or car (default bike)",
    "reissnelheid in km/u (standaard lopen 4,5, fiets 13, auto 20; over het stratennet fiets 15, auto de "
    "snelheden van de straten)":
        "travel speed in km/h (default walk 4.5, bike 13, car 20; on the street network bike 15, car the "
        "streets' speeds)",
    "stratennet (GeoPackage zoals het gedeelde OSM-uittreksel, of OSMnx-GraphML; standaard: "
    "$GEO_TOOL_NETWORK, dan de kopie van `network fetch`, anders hemelsbreed x 1,3)":
        "street network (GeoPackage like the shared OSM extract, or OSMnx GraphML; default: "
        "$GEO_TOOL_NETWORK, then the copy of `network fetch`, else straight line x 1.3)",
    "vaste minuten per stop op het stratennet: fiets op slot, auto parkeren (standaard fiets 2, auto 5, "
    "lopen 0)":
        "fixed minutes per stop on the network: lock the bike, park the car (default bike 2, car 5, walk 0)",
    "CSV met adressen die bezocht moeten worden (address_id[,deadline,tw_start,tw_end])":
        "CSV of addresses that must be visited (address_id[,deadline,tw_start,tw_end])",
    "CSV of tekstlijst met adres-id's om over te slaan (lopende juridische procedures)":
        "CSV or text list of address ids to leave out (running legal procedures)",
    "sla adressen over die in de laatste N dagen zijn bezocht (standaard 90)":
        "leave out addresses visited in the last N days (default 90)",
    "deel willekeurige bezoeken (steekproef; standaard 0,10)": "share of random visits (default 0.10)",
    "hoogstens zoveel bezoeken per wijk in de week": "at most this many visits per wijk in the week",
    "rekentijd van de optimalisatie in seconden (standaard 30)": "solver time in seconds (default 30)",
    "bezoeken die deze week al zijn gedaan (formaat van inspections.csv): die blijven, de rest wordt "
    "opnieuw gepland":
        "visits made this week (inspections.csv format): keep them, re-plan the rest",
    "map voor de planning": "plan folder",
    # waterbed
    "meet verplaatsing van problemen naar omliggende wijken (waterbedeffect)":
        "measure displacement of problems to neighbouring wijken",
    "wijkcode of -naam (hoofdletters en streepjes tellen niet), bijv. Carnisse":
        "wijk code or name (case- and dash-insensitive), e.g. Carnisse",
    "analyseer elke interventie in interventions.csv en schrijf een maandelijkse signaleringstabel":
        "analyse every intervention in interventions.csv and write a month-by-month early-warning table",
    "startdatum van de interventie (standaard: de start van de wijk in interventions.csv)":
        "intervention start date (default: the target's start in interventions.csv)",
    "maanden vóór de start (standaard 12)": "months before the start (default 12)",
    "maanden na de start (standaard 12)": "months after the start (default 12)",
    "bufferregel: queen (buurwijken) of distance:METERS": "buffer rule: queen (neighbours) or distance:METRES",
    "controlegebieden: de rest van de stad (rest) of wijken van hetzelfde type (same_gebied_type; "
    "standaard rest)":
        "control areas: the rest of the city, or wijken of the same type (default rest)",
    "map voor het rapport": "report folder",
    # gui
    "open het bureaubladprogramma": "open the desktop application",
    "sla een schermafdruk van het venster op in deze PNG en stop":
        "save a screenshot of the window to this PNG and exit",
    "tabblad om te tonen (met --screenshot)": "tab to show (with --screenshot)",
    # audit
    "controleer het auditlog": "check the audit log",
    "controleer de keten van het auditlog: één regel per breuk; afsluitcode 1 bij een breuk":
        "check the chain of the audit log: one line per break; exit 1 when broken",
    # import, profile
    "zet een gemeentelijke export om in contractbestanden via een importprofiel":
        "turn a municipal export into contract files through an import profile",
    "de export (CSV)": "the export (CSV)",
    "naam van een meegeleverd profiel (zie --list-profiles) of een profielbestand (.toml)":
        "a shipped profile name (see --list-profiles) or a profile file (.toml)",
    "datasetmap voor het contractbestand, rejects.csv en het koppelrapport":
        "dataset folder to write the contract file, rejects.csv and the match report into",
    "adresbron: een datasetmap, een adressenbestand of een BAG-GeoPackage met verblijfsobjecten "
    "(standaard: de map van --into)":
        "address source: a dataset folder, an addresses file, or a BAG GeoPackage of verblijfsobjecten "
        "(default: the --into folder)",
    "toon de meegeleverde profielen en stop": "list the shipped profiles and exit",
    "importprofielen": "import profiles",
    "maak een concept-importprofiel uit de kopregel van een export, om door een mens af te maken":
        "draft an import profile from an export's header, for a person to finish",
    "profielbestand om te schrijven (standaard: afdrukken)": "profile file to write (default: print it)",
    "contractbestand dat de export wordt (standaard: geraden uit de kopregel)":
        "contract file the export becomes (default: guessed from the header)",
    # boundaries, network
    "beheer de gebiedsgrenzen": "manage district boundaries",
    "download de CBS Wijk- en Buurtkaart van een gemeente van PDOK (CC BY 4.0)":
        "download the CBS Wijk- en Buurtkaart for a gemeente from PDOK (CC BY 4.0)",
    "CBS-gemeentecode (standaard GM0599 Rotterdam)": "CBS gemeente code (default GM0599 Rotterdam)",
    "jaar van de kaart (standaard 2024)": "year of the map (default 2024)",
    "waar het bestand komt (standaard data/shapefiles/ in het project)":
        "where to write (default data/shapefiles/ in the project)",
    "beheer het stratennet voor reistijden en kaartachtergrond":
        "manage the street network used for travel times and map context",
    "download het OpenStreetMap-netwerk van de gemeente met OSMnx (ODbL) en bewaar het":
        "download the gemeente's OpenStreetMap network with OSMnx (ODbL) and cache it",
    "plaatsnaam voor OSMnx (standaard Rotterdam)": "place name for OSMnx (default Rotterdam)",
    "waar de GeoPackage komt (standaard: de cache van geo_tool)":
        "where to write the GeoPackage (default: the geo_tool cache)",
    # main(): the one-line outcome
    "{prog}: fout: {message}": "{prog}: error: {message}",
    "{prog}: geannuleerd": "{prog}: cancelled",
    "{prog}: onderbroken": "{prog}: interrupted",
    "{option}: geen pad opgegeven": "{option}: no path given",
    "grenzen geschreven naar {path}": "boundaries written to {path}",
    "stratennet geschreven naar {path} (© OpenStreetMap-bijdragers, ODbL)":
        "street network written to {path} (© OpenStreetMap contributors, ODbL)",
    "{path}: {n} regels, de keten is heel": "{path}: {n} lines, the chain is intact",
    "'{command}' ({what}) is nog niet gebouwd (issue {issue})": "'{command}' ({what}) is not built yet (issue {issue})",
    "geef SOURCE, --profile en --into (of --list-profiles)": "give SOURCE, --profile and --into (or --list-profiles)",
    "SOURCE: bestand '{path}' bestaat niet": "SOURCE: file '{path}' does not exist",
    "--hours: '{value}' is niet UU:MM-UU:MM": "--hours: '{value}' is not HH:MM-HH:MM",
}

# argparse's own texts (usage, option groups, its error lines) in Dutch; English is argparse's own
_ARGPARSE_NL = {
    "usage: ": "gebruik: ",
    "positional arguments": "argumenten",
    "options": "opties",
    "optional arguments": "opties",
    "show this help message and exit": "toon deze hulp en stop",
    "show program's version number and exit": "toon het versienummer en stop",
    "%(prog)s: error: %(message)s\n": "%(prog)s: fout: %(message)s\n",
    "the following arguments are required: %s": "deze argumenten zijn verplicht: %s",
    "unrecognized arguments: %s": "onbekende argumenten: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "ongeldige keuze: %(value)r (kies uit %(choices)s)",
    "invalid %(type)s value: %(value)r": "ongeldige waarde (%(type)s): %(value)r",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s: %(message)s",
    "expected one argument": "verwacht één waarde",
    "expected at most one argument": "verwacht hoogstens één waarde",
    "expected at least one argument": "verwacht ten minste één waarde",
    "ambiguous option: %(option)s could match %(matches)s": "dubbelzinnige optie: %(option)s kan %(matches)s zijn",
    "not allowed with argument %s": "niet toegestaan samen met %s",
    "one of the arguments %s is required": "een van deze argumenten is verplicht: %s",
    "ignored explicit argument %r": "genegeerd argument %r",
    "unexpected option string: %s": "onverwachte optie: %s",
}


def add_translations(table: dict[str, str]) -> None:
    """Merge a table of Dutch source -> English strings (the window registers its own this way)."""
    _EN.update(table)


def set_language(language: str) -> None:
    """Switch the language of every user-facing text ('nl' or 'en'); windows re-read their strings."""
    global _LANGUAGE
    if language not in LANGUAGES:
        raise ValueError(f"language '{language}' is not one of nl, en")
    _LANGUAGE = language


def language() -> str:
    """The current language: 'nl' (default) or 'en'."""
    return _LANGUAGE


def tr(text: str, **values) -> str:
    """`text` (Dutch) in the current language, with `{name}` placeholders filled from `values`.

    Dutch passes through; a string without an English entry stays Dutch rather than failing.
    """
    out = _EN.get(text, text) if _LANGUAGE == "en" else text
    return out.format(**values) if values else out


def argparse_text(text: str) -> str:
    """argparse's own English message in the current language (hooked into argparse by the CLI)."""
    return _ARGPARSE_NL.get(text, text) if _LANGUAGE == "nl" else text


def format_number(value, decimals: int = 0, language_: str | None = None) -> str:
    """A number as a user reads it: Dutch 1.234,5 (thousands point, decimal comma), English 1,234.5.

    Missing values (None, NaN) read as '?'. One helper for every figure in summaries and reports.
    """
    try:
        v = float(value)
    except (TypeError, ValueError):
        return "?"
    if v != v:  # NaN
        return "?"
    text = f"{v:,.{decimals}f}"
    if (language_ or _LANGUAGE) == "en":
        return text
    return text.replace(",", "_").replace(".", ",").replace("_", ".")
