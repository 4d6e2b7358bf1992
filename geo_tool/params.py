"""Frozen, self-checking parameter objects for the jobs, shared by the CLI and the window."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from geo_tool.errors import UsageError

DEMO_SIZES = ("small", "city")
DISPLACEMENT_MODES = ("adjacent", "portfolio")
DEMO_WORLDS = ("realistic", "simple")


def parse_date(value: str, name: str) -> dt.date:
    """Parse an ISO date given by the user (`2021-04-01`); the error names the option and the value."""
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise UsageError(f"{name}: '{value}' is not an ISO date (YYYY-MM-DD)") from None


def require_dataset_folder(path: Path) -> None:
    """Stop with a one-line reason when the dataset folder is missing (before any work starts)."""
    if not Path(path).is_dir():
        raise UsageError(f"dataset folder '{path}' does not exist or is not a folder")


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
    world: str = "realistic"

    def __post_init__(self) -> None:
        if self.world not in DEMO_WORLDS:
            raise UsageError(f"--world: '{self.world}' is not one of {', '.join(DEMO_WORLDS)}")
        if self.size not in DEMO_SIZES:
            raise UsageError(f"--size: '{self.size}' is not one of {', '.join(DEMO_SIZES)}")
        if not 0.0 <= self.displacement <= 1.0:
            raise UsageError(f"--displacement: {self.displacement} is outside 0..1")
        if self.displacement_mode not in DISPLACEMENT_MODES:
            raise UsageError(
                f"--displacement-mode: '{self.displacement_mode}' is not one of {', '.join(DISPLACEMENT_MODES)}"
            )
        for name in ("boundaries", "grid"):
            path = getattr(self, name)
            if path is not None and not Path(path).exists():
                raise UsageError(f"--{name}: file '{path}' does not exist")


@dataclass(frozen=True)
class ValidateParams:
    """What `geo-tool validate` checks and where the rejects go."""

    dataset: Path
    rejects: Path | None = None
    as_json: bool = False
    use_cache: bool = True

    def __post_init__(self) -> None:
        require_dataset_folder(self.dataset)

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
            raise UsageError(f"--size: '{self.size}' is not one of {', '.join(DEMO_SIZES)}")


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
        if self.level not in ("wijk", "gebied", "address"):
            raise UsageError(f"--level: '{self.level}' is not one of wijk, gebied, address")
        if (self.date_from is None) != (self.date_to is None):
            raise UsageError("give both --from and --to, or neither (default: the last year in the data)")
        if self.date_from is not None:
            start, end = parse_date(self.date_from, "--from"), parse_date(self.date_to, "--to")
            if end < start:
                raise UsageError(f"--to {end} lies before --from {start}")
        if self.paper not in ("A4", "A3"):
            raise UsageError(f"--paper: '{self.paper}' is not one of A4, A3")


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

    def __post_init__(self) -> None:
        require_dataset_folder(self.dataset)
        if self.start is not None:
            parse_date(self.start, "--start")
        for name in ("months_before", "months_after"):
            value = getattr(self, name)
            if not 2 <= value <= 60:
                raise UsageError(f"--{name.replace('_', '-')}: {value} is outside 2..60")
        if self.buffer_rule != "queen" and not self.buffer_rule.startswith("distance:"):
            raise UsageError(f"--buffer: '{self.buffer_rule}' is not 'queen' or 'distance:METRES'")
        if self.control not in ("rest", "same_gebied_type"):
            raise UsageError(f"--control: '{self.control}' is not one of rest, same_gebied_type")

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
            raise UsageError(f"--capacity: {self.capacity} must be at least 1")

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

    def __post_init__(self) -> None:
        require_dataset_folder(self.dataset)
        parse_date(self.as_of, "--as-of")
        if self.model is not None and not Path(self.model).is_dir():
            raise UsageError(f"--model: folder '{self.model}' does not exist")
        if self.top is not None and self.top < 1:
            raise UsageError(f"--top: {self.top} must be at least 1")
