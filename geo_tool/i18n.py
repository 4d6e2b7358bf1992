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
    # params
    "{name}: '{value}' is geen ISO-datum (JJJJ-MM-DD)":
        "{name}: '{value}' is not an ISO date (YYYY-MM-DD)",
    '{name}: {value} ligt buiten {low}..{high}':
        '{name}: {value} is outside {low}..{high}',
    "datasetmap '{path}' bestaat niet of is geen map":
        "dataset folder '{path}' does not exist or is not a folder",
    "{name}: '{value}' is niet een van {allowed}":
        "{name}: '{value}' is not one of {allowed}",
    "{name}: bestand '{path}' bestaat niet":
        "{name}: file '{path}' does not exist",
    '--level building: cijfers per gebouw zijn details op adresniveau: geef --internal en een --out op .csv, .gpkg, .png, .pdf, .svg of .html':
        '--level building: figures per building are address-level detail: give --internal and a .csv, .gpkg, .png, .pdf, .svg or .html --out',
    'geef --from en --to allebei, of geen van beide (standaard: het laatste jaar in de gegevens)':
        'give both --from and --to, or neither (default: the last year in the data)',
    '--to {end} ligt vóór --from {start}':
        '--to {end} lies before --from {start}',
    'geef --target WIJK, of --all voor elke interventie in interventions.csv':
        'give --target WIJK, or --all for every intervention in interventions.csv',
    '--all analyseert elke interventie in interventions.csv: laat --target en --start weg':
        '--all analyses every intervention in interventions.csv: leave out --target and --start',
    "--buffer: '{value}' is niet 'queen' of 'distance:METERS'":
        "--buffer: '{value}' is not 'queen' or 'distance:METRES'",
    '{name}: {value} moet ten minste 1 zijn':
        '{name}: {value} must be at least 1',
    "--model: map '{path}' bestaat niet":
        "--model: folder '{path}' does not exist",
    "--into: '{path}' is geen map":
        "--into: '{path}' is not a folder",
    "--addresses: '{path}' bestaat niet":
        "--addresses: '{path}' does not exist",
    # dataset summary
    'gelezen':
        'read',
    'ingelezen':
        'imported',
    'afgekeurd':
        'rejected',
    'geleegd':
        'blanked',
    'hersteld':
        'repaired',
    'bestand':
        'file',
    'ontbreekt (optioneel)':
        'absent (optional)',
    'codering {encoding}':
        'encoding {encoding}',
    'datums {first} t/m {last}':
        'dates {first} .. {last}',
    'onbekende kolommen genegeerd: {columns}':
        'unknown columns ignored: {columns}',
    "{n} BSN-achtige waarde(n) vervangen (gehasht in id's, gemaskeerd in tekst): ":
        '{n} BSN-like value(s) replaced (hashed in ids, masked in text): ',
    'wijken met adressen: {n}':
        'wijken with addresses: {n}',
    'rejects.csv: {n} regel(s)':
        'rejects.csv: {n} line(s)',
    'geen afkeuringen: alles is ingelezen zoals het is aangeleverd':
        'no rejects: everything imported as given',
    'let op: {note}':
        'note: {note}',
    'afsluitcode {code}':
        'exit status {code}',
    # dataset loading
    'is geen map (een datasetmap werd verwacht)':
        'is not a folder (a dataset folder was expected)',
    'dubbelzinnige dataset: {names} verschillen alleen in hoofdletters':
        'ambiguous dataset: {names} differ only in case',
    ' en ':
        ' and ',
    'dubbelzinnige dataset: houd precies één adressenbestand':
        'ambiguous dataset: keep exactly one addresses file',
    'verplicht bestand ontbreekt in {folder}':
        'required file missing in {folder}',
    'verplichte kolom {columns} ontbreekt (gevonden: {found})':
        'required column {columns} missing (found: {found})',
    'geen':
        'none',
    "districts.gpkg zonder wijken: geen laag 'wijken' (gevonden: {found})":
        "districts.gpkg without wijken: no layer 'wijken' (found: {found})",
    "geen laag 'gebieden' (gevonden: {found})":
        "no layer 'gebieden' (found: {found})",
    '{n} ongeldige polygo(o)n(en) hersteld met make_valid':
        '{n} invalid polygon(s) repaired with make_valid',
    "districts.gpkg zonder wijken: laag 'wijken' heeft geen geldige rij":
        "districts.gpkg without wijken: layer 'wijken' has no valid row",
    "dubbelzinnige dataset: {n} lagen en geen met de naam 'addresses' (gevonden: {found})":
        "ambiguous dataset: {n} layers and none named 'addresses' (found: {found})",
    '{n} geometrieën die geen punt zijn vervangen door een punt erop':
        '{n} non-point geometries replaced by a point on them',
    'adressen: geen geldige rij ({n} rij(en) gelezen, alle afgekeurd)':
        'addresses with no valid row ({n} row(s) read, all rejected)',
    '{n} onvoltooide cachemap(pen) van een onderbroken import verwijderd':
        '{n} unfinished cache folder(s) of an interrupted import removed',
    'cache beschadigd ({cause}): opnieuw opgebouwd uit de bronbestanden':
        'cache entry damaged ({cause}): rebuilt from the source files',
    'cache niet geschreven ({cause})':
        'cache not written ({cause})',
    'Dataset inlezen':
        'Importing dataset',
    'ingelezen in {seconds} s':
        'imported in {seconds} s',
    'bestand overgeslagen: {cause}':
        'file skipped: {cause}',
    # dataset readers
    'begint met een UTF-16-bytevolgordeteken maar is geen geldige UTF-16 ({cause})':
        'starts with a UTF-16 byte order mark but is not valid UTF-16 ({cause})',
    'kan niet worden gelezen ({cause})':
        'cannot be read ({cause})',
    'is leeg (geen kopregel)':
        'is empty (no header line)',
    '{n} regel(s) met alleen scheidingstekens of spaties overgeslagen als leeg':
        '{n} line(s) holding only delimiters or spaces skipped as blank',
    'dubbele kolom(men) {columns}: de eerste wordt gebruikt':
        'duplicate column(s) {columns}: the first one is used',
    "scheidingsteken ';' (decimale komma geaccepteerd)":
        "delimiter ';' (decimal comma accepted)",
    'kan niet worden geopend als vectorbestand ({cause})':
        'cannot be opened as a vector file ({cause})',
    'heeft geen CRS en de coördinaten liggen buiten het RD-New-bereik (x {x0}..{x1}, y {y0}..{y1}); stel het CRS in (EPSG:28992 verwacht)':
        'has no CRS and its coordinates are outside the RD New range (x {x0}..{x1}, y {y0}..{y1}); set the CRS (EPSG:28992 expected)',
    'geen CRS: opgevat als EPSG:28992 (de coördinaten liggen in het RD-New-bereik)':
        'no CRS: taken as EPSG:28992 (coordinates lie in the RD New range)',
    'EPSG:28992 (aangenomen)':
        'EPSG:28992 (assumed)',
    'kan niet worden omgezet van {src} naar EPSG:28992 ({cause})':
        'cannot be reprojected from {src} to EPSG:28992 ({cause})',
    'omgezet van {src} naar EPSG:28992':
        'reprojected from {src} to EPSG:28992',
    '{src} (omgezet naar EPSG:28992)':
        '{src} (reprojected to EPSG:28992)',
    'laag {layer} kan niet worden gelezen ({cause})':
        'layer {layer} cannot be read ({cause})',
    'laag {layer} heeft geen geometrie':
        'layer {layer} has no geometry',
    # demo
    'grenzen':
        'boundaries',
    'adressen':
        'addresses',
    'verhuurders en vergunningen':
        'landlords and permits',
    'bevolking':
        'population',
    'werkelijkheid en handhaving':
        'truth and enforcement',
    'meldingen en huisbezoeken':
        'complaints and inspections',
    'schrijven':
        'writing',
    'demostad maken':
        'demo city',
    'demodataset geschreven naar {path} (zaad {seed}, grootte {size}, wereld {world}) in {seconds} s':
        'demo dataset written to {path} (seed {seed}, size {size}, world {world}) in {seconds} s',
    'grenzen: {path} ({source})':
        'boundaries: {path} ({source})',
    'schematisch':
        'schematic',
    'LET OP: schematische grenzen - kaarten van deze dataset zijn schematisch, geen echte geografie':
        'NOTE: schematic boundaries - maps of this dataset are schematic, not real geography',
    'verplaatsing: {share} ({mode}) -> {wijken}':
        'displacement: {share} ({mode}) -> {wijken}',
    'opgegeven met --boundaries': 'argument',
    'uit $GEO_TOOL_BOUNDARIES': 'environment',
    'CBS Wijk- en Buurtkaart uit de cache': 'cached CBS Wijk- en Buurtkaart',
    # planning parameters
    "--week: '{value}' is geen ISO-week (JJJJ-Www, bijv. 2026-W10)":
        "--week: '{value}' is not an ISO week (YYYY-Www, e.g. 2026-W10)",
    "--week: '{value}' bestaat niet (jaar {year} heeft geen week {num})":
        "--week: '{value}' does not exist (year {year} has no week {num})",
    "{name}: '{value}' is geen kloktijd (UU:MM)":
        "{name}: '{value}' is not a clock time (HH:MM)",
    "--days: '{value}' is geen weekdag; gebruik {allowed}":
        "--days: '{value}' is not a weekday; use {allowed}",
    'verplicht bezoek {address}: uiterlijk {latest} ligt vóór vanaf {earliest}':
        'must-visit {address}: latest {latest} is before earliest {earliest}',
    '--teams: {value} moet een geheel getal van 1 tot en met 50 zijn':
        '--teams: {value} must be a whole number from 1 to 50',
    '{name}: geef één punt voor alle teams of één per team ({teams}), niet {n}':
        '{name}: give one point for all teams or one per team ({teams}), not {n}',
    '--days: er is ten minste één werkdag nodig':
        '--days: at least one working day is needed',
    '--day-end {end} ligt niet na --day-start {start}':
        '--day-end {end} is not after --day-start {start}',
    '--break: {value} min moet 0 of meer zijn en korter dan de dag':
        '--break: {value} min must be 0 or more and shorter than the day',
    '--visit-min: {value} moet ten minste 1 zijn en in de werkdag passen':
        '--visit-min: {value} must be at least 1 and fit in the working day',
    '{name}: {value} km/u ligt buiten {low}..{high}':
        '{name}: {value} km/h is outside {low}..{high}',
    '{name}: {value} min ligt buiten {low}..{high}':
        '{name}: {value} min is outside {low}..{high}',
    '{name}: {value} s ligt buiten {low}..{high}':
        '{name}: {value} s is outside {low}..{high}',
    '{name}: {value} moet 0 of meer zijn':
        '{name}: {value} must be 0 or more',
    '--pool-factor: {value} ligt buiten 1..100 (of geen voor alle)':
        '--pool-factor: {value} is outside 1..100 (or none for all)',
    '--max-iterations: {value} moet positief zijn':
        '--max-iterations: {value} must be positive',
    # installation
    "{path}: rol '{role}' is niet een van {roles}; rol {lowest}":
        "{path}: role '{role}' is not one of {roles}; role {lowest}",
    "{path}: audit_log '{log}' is geen absoluut pad; {default} wordt gebruikt":
        "{path}: audit_log '{log}' is not an absolute path; using {default}",
    '{path} wordt genegeerd: {reason}; alleen IT stelt de rol in':
        '{path} is ignored: {reason}; only IT may set the role',
    'geo-tool: waarschuwing: {warning}':
        'geo-tool: warning: {warning}',
    # installation checks
    'kan niet worden gecontroleerd ({cause})':
        'cannot be checked ({cause})',
    '{path} is voor iedereen schrijfbaar':
        '{path} is writable by everyone',
    '{path} is schrijfbaar voor de huidige gebruiker':
        '{path} is writable by the current user',
    '{path} is schrijfbaar voor de huidige gebruiker (het bestand kan worden vervangen)':
        '{path} is writable by the current user (the file could be replaced)',
    # planning
    'opgave opbouwen':
        'instance',
    'reistijden':
        'travel times',
    'vergelijking: gewone werkwijze':
        'greedy baseline',
    'optimaliseren (pyvrp)':
        'solving (pyvrp)',
    'de planning haalt haar eigen controle niet (een fout in geo_tool, meld die a.u.b.): ':
        'the plan failed its own check (a bug, please report): ',
    'de gewone werkwijze houdt zich niet aan {n} regel(s): {first}':
        'greedy baseline breaks {n} rule(s): {first}',
    # planning problem
    'start/eindpunt van een team: adres {address} staat niet in de dataset':
        'team start/end: address {address} is not in the dataset',
    "start/eindpunt van een team: '{value}' is geen RD-New-punt (x 0..300000, y 289000..629000)":
        "team start/end: '{value}' is not an RD New point (x 0..300000, y 289000..629000)",
    "start/eindpunt van een team: '{value}' is geen adres-id (16 cijfers), geen x,y-punt en geen wijkcode of -naam":
        "team start/end: '{value}' is not an address id (16 digits), an x,y point or a wijk code/name",
    'gedane bezoeken: adres {address} staat niet in de dataset':
        'done visits: address {address} is not in the dataset',
    'verplicht bezoek {address} is geen adres van de dataset':
        'must-visit {address} is not an address of the dataset',
    'verplicht bezoek {address} staat op de lijst van lopende procedures (--exclude)':
        'must-visit {address} is on the list of running procedures (--exclude)',
    'verplichte bezoeken: een adres komt twee keer voor':
        'must-visits: an address occurs twice',
    '{n} verplichte bezoeken maar er is geen werkdag meer over in de week':
        '{n} must-visits but no working day is left in the week',
    'verplicht bezoek {address}: het tijdvenster is korter dan de pauze; maak het ruimer':
        'must-visit {address}: its window is shorter than the break; widen it',
    'verplicht bezoek {address}: het tijdvenster {window} valt buiten elke resterende werktijd':
        'must-visit {address}: its window {window} falls outside every working shift left',
    # planning edits
    "dag '{day}' is geen ISO-datum (JJJJ-MM-DD)":
        "day '{day}' is not an ISO date (YYYY-MM-DD)",
    '{team} {day}: geen teamdag van deze planning':
        '{team} {day}: not a team-day of this plan',
    'adres {address} staat niet in deze planning':
        'address {address} is not in this plan',
    'adres {address} is al bezocht ({status}); een gedaan bezoek kan niet worden verplaatst':
        'address {address} was already visited ({status}); a made visit cannot be moved',
    '{team} op {day} is geen teamdag van deze planning (teams {teams}; dagen {days})':
        '{team} on {day} is not a team-day of this plan (teams {teams}; days {days})',
    # export
    'kan niet exporteren naar {name}: de extensie {suffix} wordt niet ondersteund; gebruik een van: {allowed}':
        'cannot export to {name}: the suffix {suffix} is not supported; use one of: {allowed}',
    '(geen)':
        '(none)',
    'dpi {dpi} is niet toegestaan; gebruik 50 .. 1200':
        'dpi {dpi} is not allowed; use 50 .. 1200',
    'Exporteren naar {name}':
        'Exporting to {name}',
    'Cijfers berekenen':
        'Computing the figures',
    'Kaart tekenen':
        'Drawing the map',
    'Webkaart schrijven':
        'Writing the web map',
    'geen van de lagen {layers} heeft cijfers per {level} om te schrijven':
        'none of the layers {layers} has figures per {level} to write',
    'een .tif-export vraagt een dichtheidslaag, bijv. complaints:density':
        'a .tif export needs a surface layer, e.g. complaints:density',
    # disclosure
    'de onthullingsdrempel moet ten minste 1 zijn, niet {value}':
        'disclosure threshold must be at least 1, got {value}',
    'een dichtheidskaart buiten de tool vraagt een periode van ten minste één maand; {start} t/m {end} is {days} dag(en): verruim --from/--to, of maak een interne export (--internal)':
        'a density surface outside the tool needs a period of at least one month; {start} .. {end} is {days} day(s): widen --from/--to, or make an internal export (--internal)',
    'cijfers per adres mogen de tool niet verlaten: exporteer per wijk of gebied, of maak een interne export (--internal; in het venster: Intern)':
        'figures per address may not leave the tool: export per wijk or gebied, or make an internal export (--internal; in the window: Internal)',
    'cijfers per gebouw mogen de tool niet verlaten: exporteer per wijk of gebied, of maak een interne export (--internal; in het venster: Intern)':
        'figures per building may not leave the tool: export per wijk or gebied, or make an internal export (--internal; in the window: Internal)',
    'laag/lagen op adresniveau {layers} mogen de tool niet verlaten: gebruik een cijfer per wijk of de dichtheidskaart, of maak een interne export (--internal; in het venster: Intern)':
        'address-level layer(s) {layers} may not leave the tool: use a per-wijk figure or the density surface, or make an internal export (--internal; in the window: Internal)',
    # html
    'de HTML-kaart zou {what} van internet laden; een pagina die alleen online werkt wordt niet geschreven':
        'the HTML map would load {what} from the internet; refusing to write an online-only page',
    # maps
    'papierformaat {paper} is niet toegestaan; gebruik een van: {allowed}':
        'paper {paper} is not allowed; use one of: {allowed}',
    # tables
    'geen lagen opgegeven; noem er ten minste één, bijv. brp:eum_share':
        'no layers given; name at least one, e.g. brp:eum_share',
    # train summary
    'model getraind op de gegevens vóór {date}: {path}':
        'model trained on data before {date}: {path}',
    '  trainingsrijen: {n}, tijd {seconds} s':
        '  training rows: {n}, time {seconds} s',
    '  {date}: precisie@{k} (alle adressen, werkelijkheid) model {model}, logistische regressie {logistic}, meldingen {complaints}, willekeurig {random}, bovengrens {ceiling}':
        '  {date}: precision@{k} (all addresses, truth) model {model}, logistic {logistic}, complaints {complaints}, random {random}, ceiling {ceiling}',
    '  {date}: precisie@{k} onder bezochte adressen model {model}, meldingen {complaints}, willekeurig {random}':
        '  {date}: precision@{k} among visited addresses model {model}, complaints {complaints}, random {random}',
    '  rapport: {path}':
        '  report: {path}',
    # jobs: errors
    '{what}: de dataset bevat geen gedateerde gegevens':
        '{what}: the dataset holds no dated data',
    '{what} {start} t/m {end} valt buiten de gegevens ({first} t/m {last}); kies een periode binnen de gegevens':
        '{what} {start} to {end} lies outside the data ({first} to {last}); choose a period inside the data',
    'periode {start} t/m {end} bevat geen gegevens voor {layers}; kies een andere periode of laag':
        'period {start} to {end} holds no data for {layers}; choose another period or layer',
    'periode':
        'period',
    'periode vóór --start':
        'period before --start',
    'periode na --start':
        'period after --start',
    "ranglijst '{path}' bevat geen adressen: er valt niets te plannen":
        "ranking '{path}' holds no addresses: there is nothing to plan",
    '{name} {value} ligt na de gegevens ({first} t/m {last}): train op een datum binnen de gegevens':
        '{name} {value} lies after the data ({first} to {last}): train on a date inside the data',
    '--as-of: de dataset bevat geen gedateerde huisbezoeken om van te leren':
        '--as-of: the dataset holds no dated home visits to learn from',
    'huisbezoeken':
        'home visits',
    'gegevens':
        'data',
    'ligt vóór de {what}':
        'lies before the {what}',
    'ligt meer dan 4 jaar na de {what}':
        'lies more than 4 years after the {what}',
    '--as-of {date} {why} (gegevens {first} t/m {last}, huisbezoeken {v_first} t/m {v_last}); kies een datum van {low} t/m {high}':
        '--as-of {date} {why} (data {first} to {last}, home visits {v_first} to {v_last}); choose a date from {low} to {high}',
    'er zijn op {date} geen adressen om te rangschikken; {path} is niet geschreven':
        'there are no addresses to rank on {date}; {path} was not written',
    # outputs
    "{option}: '{shown}' kan niet worden gemaakt: '{base}' is een bestand, geen map":
        "{option}: '{shown}' cannot be made: '{base}' is a file, not a folder",
    "{option}: in map '{base}' kan niet worden geschreven ({cause})":
        "{option}: folder '{base}' cannot be written to ({cause})",
    "{option}: '{text}' bevat tekens die geen bestandsnaam kunnen zijn":
        "{option}: '{text}' holds characters that cannot be a file name",
    '{option}: het pad bevat een NUL-teken':
        '{option}: the path holds a NUL character',
    "{option}: '{out}' {why}; kies een uitvoerpad buiten de invoer (die blijft ongewijzigd)":
        "{option}: '{out}' {why}; choose an output path outside the input (it stays unchanged)",
    'is de datasetmap zelf':
        'is the dataset folder itself',
    'bevat de datasetmap':
        'holds the dataset folder',
    'ligt in de map truth/ van de dataset':
        "lies in the dataset's truth/ folder",
    "{option}: '{out}' zou invoerbestand '{source}' overschrijven; kies een ander uitvoerpad":
        "{option}: '{out}' would overwrite input file '{source}'; choose another output path",
    "{option}: '{out}' is een bestaande map; geef een bestandsnaam":
        "{option}: '{out}' is an existing folder; give a file name",
    "{option}: '{out}' is geen gewoon bestand":
        "{option}: '{out}' is not a regular file",
    "{option}: bestand '{out}' is alleen-lezen":
        "{option}: file '{out}' is read-only",
    "{option}: '{out}' is een bestaand bestand; geef een map":
        "{option}: '{out}' is an existing file; give a folder",
    "{option}: map '{out}' bevat al een dataset ({files}) die geen demo is; een demo overschrijft die niet: kies een lege of nieuwe map":
        "{option}: folder '{out}' already holds a dataset ({files}) that is not a demo; a demo does not overwrite it: choose an empty or new folder",
    "{option}: map '{out}' is een datasetmap ({files}); kies een map voor de uitvoer buiten de dataset":
        "{option}: folder '{out}' is a dataset folder ({files}); choose a folder for the outputs outside the dataset",
    # reject reasons
    'verplichte waarde ontbreekt':
        'required value missing',
    'dubbel id (het eerste voorkomen blijft staan)':
        'duplicate id (the first occurrence is kept)',
    'onbekend address_id (niet in het adressenbestand)':
        'unknown address_id (not in addresses)',
    'punt ligt buiten elke wijk':
        'point outside every wijk',
    'ongeldig address_id (16 cijfers verwacht)':
        'invalid address_id (expected 16 digits)',
    'ongeldige postcode (1234AB verwacht)':
        'invalid postcode (expected 1234AB)',
    'een geheel getal':
        'a whole number',
    'een getal':
        'a number',
    'ongeldige {name} ({what}{bounds} verwacht)':
        'invalid {name} (expected {what}{bounds})',
    'ongeldige datum (ISO 8601 JJJJ-MM-DD tussen {low} en {high} verwacht)':
        'invalid date (expected ISO 8601 YYYY-MM-DD between {low} and {high})',
    'ongeldige ja/nee-waarde (toegestaan: true/false, 1/0, ja/nee, yes/no)':
        'invalid boolean (allowed: true/false, 1/0, ja/nee, yes/no)',
    'onbekende {name} (toegestaan: {allowed}): bewaard als {kept}, de gegeven tekst wordt niet opgeslagen (waarde: de sleutel-hash ervan)':
        'unknown {name} (allowed: {allowed}): kept as {kept}, the given text is not stored (value: its keyed hash)',
    'ongeldige {name} (toegestaan: {allowed})':
        'invalid {name} (allowed: {allowed})',
    'onbekende waarde van {name} (toegestaan: {allowed}): verwijderd, de bekende blijven staan':
        'unknown {name} value (allowed: {allowed}): removed, known ones kept',
    # reject reasons (load)
    'onmogelijke datumvolgorde: {b} vóór {a}':
        'impossible date order: {b} before {a}',
    'verplichte locatie ontbreekt':
        'required location missing',
    'geometrie ontbreekt':
        'geometry missing',
    'geometrie is geen polygoon':
        'geometry is not a polygon',
    'onbekende gebied_code (niet in laag gebieden)':
        'unknown gebied_code (not in layer gebieden)',
    'verplichte locatie ontbreekt (lege geometrie)':
        'required location missing (empty geometry)',
    'onbekend address_id; de eigen locatie van de melding wordt gebruikt':
        "unknown address_id; the complaint's own location is used",
    'onbekend address_id en geen geldige locatie':
        'unknown address_id and no valid location',
    'geen address_id en geen geldige locatie (een melding heeft er een nodig)':
        'no address_id and no valid location (a complaint needs one)',
    'onbekende wijk (geen wijkcode en geen wijknaam)':
        'unknown wijk (neither a wijk code nor a wijk name)',
    # malformed lines
    'onjuiste regel: bevat een NUL-byte':
        'malformed line: contains a NUL byte',
    'onjuiste regel: {n} velden, de kopregel heeft er {ncols} (te veel)':
        'malformed line: {n} fields, header has {ncols} (too many)',
    'onjuiste regel: {n} velden, de kopregel heeft er {ncols} (te weinig)':
        'malformed line: {n} fields, header has {ncols} (too few)',
    # planning inputs
    'bestand bestaat niet':
        'file does not exist',
    'is geen tekstbestand (CSV): UTF-8, UTF-16 of Windows-1252 verwacht':
        'is not a text (CSV) file: UTF-8, UTF-16 or Windows-1252 expected',
    'kan niet als CSV worden gelezen ({cause})':
        'cannot be read as CSV ({cause})',
    ' (en nog {n})':
        ' (and {n} more)',
    'verplichte kolom(men) ontbreken: {columns} (gevonden: {found})':
        'required column(s) missing: {columns} (found: {found})',
    "rij {row}, kolom {column}: '{value}' is geen adres-id van 16 cijfers":
        "row {row}, column {column}: '{value}' is not a 16-digit address id",
    "rij {row}, kolom score: '{value}' is geen getal >= 0":
        "row {row}, column score: '{value}' is not a number >= 0",
    "rij {row}, kolom address_id: '{value}' komt twee keer voor":
        "row {row}, column address_id: '{value}' occurs twice",
    "rij {row}, kolom rank: '{value}' is geen getal":
        "row {row}, column rank: '{value}' is not a number",
    'vraagt de kolommen address_id en score':
        'needs the columns address_id and score',
    'rij {row}, kolom score: geen getal >= 0':
        'row {row}, column score: not a number >= 0',
    'rij {row}, kolom earliest/latest: geen ISO-datum of -tijdstip':
        'row {row}, column earliest/latest: not an ISO date or date-time',
    'rij {row}: {cause}':
        'row {row}: {cause}',
    "rij {row}, kolom visited_on: '{value}' is geen ISO-datum":
        "row {row}, column visited_on: '{value}' is not an ISO date",
    "rij {row}, kolom outcome: '{value}' is niet een van {allowed}":
        "row {row}, column outcome: '{value}' is not one of {allowed}",
    # jobs: summaries
    "exports (in te lezen met het meegeleverde profiel met dezelfde naam):":
        "exports (import with the shipped profile of the same name):",
    "afgekeurde rijen: {path}": "rejects: {path}",
    "kaarten:": "maps:",
    "ranglijst en planning overgeslagen: daarvoor is de rol planner nodig":
        "ranking and plan skipped: they need the planner role",
    "ranglijst voor {date}: {path}": "ranking for {date}: {path}",
    "planning: {path} ({n} bestanden)": "plan: {path} ({n} files)",
    "INTERN": "INTERNAL",
    "onthullingscontrole toegepast": "disclosure control applied",
    "kaart geschreven naar {path} ({note})": "map written to {path} ({note})",
    "kaart geschreven naar {path} ({n} gebouwen, INTERN)": "map written to {path} ({n} buildings, INTERNAL)",
    "rapport: {path} ({n} bestanden)": "report: {path} ({n} files)",
    "planning geschreven naar {path} ({n} bestanden)": "plan written to {path} ({n} files)",
    "{n} adressen gerangschikt voor {date} -> {path}": "{n} addresses ranked for {date} -> {path}",
    # roles
    "het adresniveau": "the address level",
    "het gebouwniveau": "the building level",
    "map --internal, --level address of --level building": "map --internal, --level address or --level building",
    "waterbed (verplaatsingsanalyse)": "waterbed (displacement analysis)",
    "plan (bezoekplanning)": "plan (visit planning)",
    "rank (rangschikking van adressen)": "rank (address ranking)",
    "een interne export of een export op adresniveau": "an internal or address-level export",
    "{source} {role}: hoger dan de rol van deze installatie '{granted}' (een rol kan alleen lager; IT stelt die "
    "in in installation.toml)":
        "{source} {role}: higher than this installation's role '{granted}' (a role can only be lowered; IT sets "
        "it in installation.toml)",
    "{what} vraagt de rol '{needed}'; deze sessie heeft de rol '{role}' (IT stelt die in in installation.toml, "
    "zie README)":
        "{what} needs the role '{needed}'; this session has the role '{role}' (set by IT in installation.toml, "
        "see README)",
    "rol '{role}' is niet een van {roles}": "role '{role}' is not one of {roles}",
    # user errors of areas and layers (Dutch first, issue 15)
    '; bedoelt u {names}?': '; did you mean {names}?',
    'wijknaam {name} is niet eenduidig: codes {codes}; geef de code':
        'wijk name {name} is ambiguous: codes {codes}; give the code',
    'onbekende wijk {name}: geef een wijkcode (BU...) of wijknaam{hint}':
        'unknown wijk {name}: give a wijk code (BU...) or name{hint}',
    "bufferregel {rule} is niet toegestaan: gebruik 'queen' of 'distance:<meters>' (bijv. distance:500)":
        "buffer rule {rule} not allowed: use 'queen' or 'distance:<metres>' (e.g. distance:500)",
    'controle {rule} is niet toegestaan: kies uit {rules}':
        'control {rule} not allowed: use one of {rules}',
    "controle 'same_gebied_type' heeft een kolom gebied_type of een probleemcijfer nodig":
        "control 'same_gebied_type' needs a gebied_type column or a problem rate",
    'niveau {level} is niet toegestaan; kies uit: address, building, wijk, gebied':
        'level {level} is not allowed; use one of: address, building, wijk, gebied',
    'een periode heeft een begin- en een einddatum nodig':
        'a time window needs a start and an end date',
    'einde van de periode {end} ligt vóór het begin {start}':
        'time window end {end} lies before its start {start}',
    'indeling {scheme} is niet toegestaan; kies uit: {schemes}':
        'classification {scheme} is not allowed; use one of: {schemes}',
    'een vaste indeling heeft klassengrenzen nodig (de bovengrenzen van de klassen)':
        'a fixed classification needs bins (upper bounds of the classes)',
    'laag {layer} heeft geen maat {measure}; kies uit: {measures}':
        'layer {layer} has no measure {measure}; use one of: {measures}',
    'laag {layer} heeft geen punten':
        'layer {layer} has no points',
    'onbekende laag {layer} in {spec}; kies uit: {layers}':
        'unknown layer {layer} in {spec}; use one of: {layers}',
    'celgrootte moet positief zijn, kreeg cell_m={cell}':
        'cell size must be positive, got cell_m={cell}',
    'celgrootte en bandbreedte moeten positief zijn, kreeg cell_m={cell}, bandwidth_m={bw}':
        'cell size and bandwidth must be positive, got cell_m={cell}, bandwidth_m={bw}',
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
