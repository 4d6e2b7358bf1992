"""Frozen, self-checking parameter objects for the jobs, shared by the CLI and the window."""

from __future__ import annotations

import datetime as dt
import numbers
from dataclasses import dataclass
from pathlib import Path

from geo_tool.errors import UsageError
from geo_tool.i18n import tr
from geo_tool.outputs import (
    check_demo_folder,
    check_not_a_dataset,
    check_output_file,
    check_output_folder,
    check_path_text,
)

DEMO_SIZES = ("small", "city")
DISPLACEMENT_MODES = ("adjacent", "portfolio")
DEMO_WORLDS = ("realistic", "simple")


def parse_date(value: str, name: str) -> dt.date:
    """Parse an ISO date given by the user (`2021-04-01`); the error names the option and the value."""
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise UsageError(tr("{name}: '{value}' is geen ISO-datum (JJJJ-MM-DD)", name=name, value=value)) from None


MAX_SEED = 2**32 - 1


def check_seed(seed: int, name: str = "--seed") -> None:
    """A random seed every generator takes (numpy, pyvrp): a whole number 0..2^32-1."""
    if not isinstance(seed, numbers.Integral) or not 0 <= seed <= MAX_SEED:
        raise UsageError(tr("{name}: {value} ligt buiten {low}..{high}", name=name, value=seed, low=0, high=MAX_SEED))


def require_dataset_folder(path: Path) -> None:
    """Stop with a one-line reason when the dataset folder is missing (before any work starts)."""
    check_path_text(path, "dataset")
    if not Path(path).is_dir():
        raise UsageError(tr("datasetmap '{path}' bestaat niet of is geen map", path=path))


@dataclass(frozen=True)
class DemoParams:
    """What `geo-tool demo` generates."""

    out: Path
    seed: int = 1
    size: str = "small"
    boundaries: Path | None = None
    grid: Path | None = None
    displacement: float = 0.3
    displacement_mode: str = "adjacent"
    as_exported: bool = False  # also write exports/ (GBA extract, Signalen meldingen, permit list)
    world: str = "realistic"

    def __post_init__(self) -> None:
        if self.world not in DEMO_WORLDS:
            raise UsageError(tr("{name}: '{value}' is niet een van {allowed}", name="--world", value=self.world,
                                 allowed=", ".join(DEMO_WORLDS)))
        if self.size not in DEMO_SIZES:
            raise UsageError(tr("{name}: '{value}' is niet een van {allowed}", name="--size", value=self.size,
                                allowed=", ".join(DEMO_SIZES)))
        check_seed(self.seed)
        if not 0.0 <= self.displacement <= 1.0:
            raise UsageError(tr("{name}: {value} ligt buiten {low}..{high}", name="--displacement", value=self.displacement,
                                low=0, high=1))
        if self.displacement_mode not in DISPLACEMENT_MODES:
            raise UsageError(tr("{name}: '{value}' is niet een van {allowed}", name="--displacement-mode",
                                value=self.displacement_mode, allowed=", ".join(DISPLACEMENT_MODES)))
        for name in ("boundaries", "grid"):
            path = getattr(self, name)
            if path is not None and not Path(path).exists():
                raise UsageError(tr("{name}: bestand '{path}' bestaat niet", name="--" + name, path=path))
        check_output_folder(self.out, "--out", inputs=(self.boundaries, self.grid))
        check_demo_folder(self.out, "--out")


@dataclass(frozen=True)
class ValidateParams:
    """What `geo-tool validate` checks and where the rejects go."""

    dataset: Path
    rejects: Path | None = None
    as_json: bool = False
    use_cache: bool = True

    def __post_init__(self) -> None:
        require_dataset_folder(self.dataset)
        check_output_file(self.rejects_path, "--rejects", dataset=self.dataset)

    @property
    def rejects_path(self) -> Path:
        """Where rejects.csv is written: `--rejects FILE` or DIR/rejects.csv."""
        return Path(self.rejects) if self.rejects else Path(self.dataset) / "rejects.csv"


@dataclass(frozen=True)
class QuickstartParams:
    """What `geo-tool quickstart` (the README's first command) builds and shows."""

    out: Path
    size: str = "small"
    seed: int = 1
    open_window: bool | None = None  # None: open it when there is a display

    def __post_init__(self) -> None:
        if self.size not in DEMO_SIZES:
            raise UsageError(tr("{name}: '{value}' is niet een van {allowed}", name="--size", value=self.size,
                                allowed=", ".join(DEMO_SIZES)))
        check_seed(self.seed)
        check_output_folder(self.out, "--out")
        check_not_a_dataset(self.out, "--out")
        check_demo_folder(Path(self.out) / "dataset", "--out")
        if not (Path(self.out) / "dataset" / "truth").is_dir():  # not an earlier quickstart: its plan/ is not ours
            from geo_tool.planning.outputs import previous_plan_files

            previous_plan_files(Path(self.out) / "plan")


@dataclass(frozen=True)
class MapParams:
    """What `geo-tool map` draws or exports."""

    dataset: Path
    layers: str
    out: Path
    level: str = "wijk"
    date_from: str | None = None
    date_to: str | None = None
    dpi: int = 200
    paper: str = "A4"
    internal: bool = False

    def __post_init__(self) -> None:
        require_dataset_folder(self.dataset)
        if self.level not in ("wijk", "gebied", "address", "building"):
            raise UsageError(tr("{name}: '{value}' is niet een van {allowed}", name="--level", value=self.level,
                                allowed="wijk, gebied, address, building"))
        building_formats = (".csv", ".gpkg", ".png", ".pdf", ".svg", ".html")
        if self.level == "building" and (not self.internal or Path(self.out).suffix.lower() not in building_formats):
            raise UsageError(tr("--level building: cijfers per gebouw zijn details op adresniveau: geef --internal "
                                "en een --out op .csv, .gpkg, .png, .pdf, .svg of .html"))
        if (self.date_from is None) != (self.date_to is None):
            raise UsageError(tr("geef --from en --to allebei, of geen van beide (standaard: het laatste jaar in de gegevens)"))
        if self.date_from is not None:
            start, end = parse_date(self.date_from, "--from"), parse_date(self.date_to, "--to")
            if end < start:
                raise UsageError(tr("--to {end} ligt vóór --from {start}", end=end, start=start))
        if self.paper not in ("A4", "A3"):
            raise UsageError(tr("{name}: '{value}' is niet een van {allowed}", name="--paper", value=self.paper,
                                allowed="A4, A3"))
        if not 30 <= self.dpi <= 1200:  # an A3 page at 10^6 dpi would be terabytes of pixels
            raise UsageError(tr("{name}: {value} ligt buiten {low}..{high}", name="--dpi", value=self.dpi, low=30, high=1200))
        check_output_file(self.out, "--out", dataset=self.dataset)


@dataclass(frozen=True)
class WaterbedParams:
    """What `geo-tool waterbed` analyses and where the report goes."""

    dataset: Path
    target: str
    out: Path
    start: str | None = None
    months_before: int = 12
    months_after: int = 12
    buffer_rule: str = "queen"
    control: str = "rest"
    all_interventions: bool = False   # --all: every intervention in interventions.csv + early warning

    def __post_init__(self) -> None:
        require_dataset_folder(self.dataset)
        if not self.all_interventions and not self.target:
            raise UsageError(tr("geef --target WIJK, of --all voor elke interventie in interventions.csv"))
        if self.all_interventions and (self.target or self.start):
            raise UsageError(tr("--all analyseert elke interventie in interventions.csv: laat --target en --start weg"))
        if self.start is not None:
            parse_date(self.start, "--start")
        for name in ("months_before", "months_after"):
            value = getattr(self, name)
            if not 2 <= value <= 60:
                raise UsageError(tr("{name}: {value} ligt buiten {low}..{high}", name="--" + name.replace("_", "-"),
                                    value=value, low=2, high=60))
        if self.buffer_rule != "queen" and not self.buffer_rule.startswith("distance:"):
            raise UsageError(tr("--buffer: '{value}' is niet 'queen' of 'distance:METERS'", value=self.buffer_rule))
        if self.control not in ("rest", "same_gebied_type"):
            raise UsageError(tr("{name}: '{value}' is niet een van {allowed}", name="--control", value=self.control,
                                allowed="rest, same_gebied_type"))
        check_output_folder(self.out, "--out", dataset=self.dataset)

    @property
    def start_date(self):
        """The start as a date, or None to take it from interventions.csv."""
        return parse_date(self.start, "--start") if self.start else None


@dataclass(frozen=True)
class TrainParams:
    """What `geo-tool train` trains on and where the model folder goes."""

    dataset: Path
    as_of: str
    out: Path
    capacity: int = 40
    eval_dates: tuple[str, ...] = ()
    use_truth: bool = True

    def __post_init__(self) -> None:
        require_dataset_folder(self.dataset)
        parse_date(self.as_of, "--as-of")
        for d in self.eval_dates:
            parse_date(d, "--eval-dates")
        if self.capacity < 1:
            raise UsageError(tr("{name}: {value} moet ten minste 1 zijn", name="--capacity", value=self.capacity))
        check_output_folder(self.out, "--out", dataset=self.dataset)

    @property
    def truth_dir(self) -> Path | None:
        """DIR/truth when present and allowed: the demo's hidden truth, only for the evaluation ceiling."""
        truth = Path(self.dataset) / "truth"
        return truth if self.use_truth and truth.is_dir() else None


@dataclass(frozen=True)
class RankParams:
    """What `geo-tool rank` ranks and with which model."""

    dataset: Path
    as_of: str
    out: Path
    model: Path | None = None
    top: int | None = None
    allow_other_dataset: bool = False  # rank with a model trained on another dataset (audited)

    def __post_init__(self) -> None:
        require_dataset_folder(self.dataset)
        parse_date(self.as_of, "--as-of")
        if self.model is not None and not Path(self.model).is_dir():
            raise UsageError(tr("--model: map '{path}' bestaat niet", path=self.model))
        if self.top is not None and self.top < 1:
            raise UsageError(tr("{name}: {value} moet ten minste 1 zijn", name="--top", value=self.top))
        check_output_file(self.out, "--out", dataset=self.dataset, inputs=(self.model,))


@dataclass(frozen=True)
class ImportParams:
    """What `geo-tool import` reads, through which profile, and into which dataset folder."""

    source: Path
    profile: str
    into: Path
    addresses: Path | None = None

    def __post_init__(self) -> None:
        if not Path(self.source).is_file():
            raise UsageError(tr("SOURCE: bestand '{path}' bestaat niet", path=self.source))
        if Path(self.into).exists() and not Path(self.into).is_dir():
            raise UsageError(tr("--into: '{path}' is geen map", path=self.into))
        if self.addresses is not None and not Path(self.addresses).exists():
            raise UsageError(tr("--addresses: '{path}' bestaat niet", path=self.addresses))
