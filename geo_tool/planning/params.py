"""The planner's parameters: a frozen, self-checking `PlanParams` and the small records it holds.

Every check happens at construction, so a bad option fails before any data are read, with a
message that names the option, the bad value and the allowed ones.
"""

from __future__ import annotations

import datetime as dt
import numbers
import re
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from geo_tool.errors import UsageError
from geo_tool.i18n import format_number, tr

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_ALIASES = {
    "ma": "mon", "di": "tue", "wo": "wed", "do": "thu", "vr": "fri", "za": "sat", "zo": "sun",
    "monday": "mon", "tuesday": "tue", "wednesday": "wed", "thursday": "thu", "friday": "fri",
    "saturday": "sat", "sunday": "sun",
}
OUTCOMES = ("violation", "no_violation", "no_access")


class TravelMode(str, Enum):
    """How the teams move; each mode has a default speed in town."""

    WALK = "walk"
    BIKE = "bike"
    CAR = "car"


TRAVEL_MODE_NL = {"walk": "te voet", "bike": "fiets", "car": "auto"}  # what users read
STOP_NL = {"time limit": "tijdslimiet", "iterations": "maximum aantal iteraties"}  # why the solver stopped, in Dutch
DEFAULT_SPEED_KMH = {TravelMode.WALK: 4.5, TravelMode.BIKE: 13.0, TravelMode.CAR: 20.0}
#: speed along the streets when a street network is used (the car takes each street's own speed)
NETWORK_SPEED_KMH = {TravelMode.WALK: 4.5, TravelMode.BIKE: 15.0, TravelMode.CAR: 20.0}
#: fixed time per stop on the street network: locking the bike, parking the car
STOP_MIN = {TravelMode.WALK: 0.0, TravelMode.BIKE: 2.0, TravelMode.CAR: 5.0}


def parse_week(week: str) -> dt.date:
    """The Monday of an ISO week given as ``YYYY-Www`` (``2026-W10``); the error names the value."""
    m = re.fullmatch(r"\s*(\d{4})-?W(\d{1,2})\s*", str(week), flags=re.IGNORECASE)
    if not m:
        raise UsageError(tr("--week: '{value}' is geen ISO-week (JJJJ-Www, bijv. 2026-W10)", value=week))
    year, num = int(m.group(1)), int(m.group(2))
    try:
        return dt.date.fromisocalendar(year, num, 1)
    except ValueError:
        raise UsageError(tr("--week: '{value}' bestaat niet (jaar {year} heeft geen week {num})", value=week, year=year,
                            num=num)) from None


def parse_clock(value: str | dt.time, name: str) -> int:
    """Seconds after midnight of a clock time ``HH:MM``; the error names the option."""
    if isinstance(value, dt.time):
        return value.hour * 3600 + value.minute * 60 + value.second
    m = re.fullmatch(r"\s*(\d{1,2})[:.](\d{2})\s*", str(value))
    if not m or int(m.group(1)) > 24 or int(m.group(2)) > 59:
        raise UsageError(tr("{name}: '{value}' is geen kloktijd (UU:MM)", name=name, value=value))
    return int(m.group(1)) * 3600 + int(m.group(2)) * 60


def _weekday(value: str | int) -> int:
    if isinstance(value, int) and 0 <= value <= 6:
        return value
    key = str(value).strip().lower()
    key = WEEKDAY_ALIASES.get(key, key)
    if key not in WEEKDAYS:
        raise UsageError(tr("--days: '{value}' is geen weekdag; gebruik {allowed}", value=value, allowed=", ".join(WEEKDAYS)))
    return WEEKDAYS.index(key)


@dataclass(frozen=True)
class MustVisit:
    """An address that must be visited this week (re-inspection due, complaint follow-up).

    `earliest`/`latest` bound the start of the visit (wall clock); a date without a time means the
    start resp. the end of that working day. Both empty: any time this week.
    """

    address_id: str
    earliest: dt.datetime | None = None
    latest: dt.datetime | None = None
    reason: str = "verplicht bezoek"

    def __post_init__(self) -> None:
        if self.earliest and self.latest and self.latest < self.earliest:
            raise UsageError(tr("verplicht bezoek {address}: uiterlijk {latest} ligt vóór vanaf {earliest}", address=self.address_id,
                                latest=self.latest, earliest=self.earliest))


@dataclass(frozen=True)
class DoneVisit:
    """A visit already made this week (a row of inspections.csv); kept fixed when re-planning."""

    address_id: str
    visited_on: dt.datetime
    outcome: str
    team: str | None = None
    inspection_id: str = ""
    selected_by: str = ""


@dataclass(frozen=True)
class PlanParams:
    """Everything `plan_week` needs besides the dataset and the ranking.

    week: ISO week ``YYYY-Www``. teams: number of teams. team_starts / team_ends: per team (or one
    for all) an address id, ``x,y`` in RD New metres, or a wijk code/name (its centroid, snapped to
    the nearest address); empty = one hub at the centroid of the candidates' wijken. days: weekdays
    worked. day_start/day_end: clock times; break_min: one break per team-day, placed around the
    middle of the day. visit_min: time at an address. travel_mode/speed_kmh: speed in town (default per
    mode). detour_factor: straight-line RD distance x this when no road graph is given. road_graph:
    GraphML file (nodes with x,y; edges with length in metres). must_visits: required visits (optionally
    with a window). exclude_ids: addresses under a running legal procedure. recent_visit_days: an address
    inspected in the N days before the week is excluded (must-visits excepted). exploration_share:
    share of visits drawn at random from the eligible addresses (selected_by=random). wijk_cap: at most
    this many model- or randomly-selected visits per wijk in the week. time_limit_s / seed /
    max_iterations: the solver's stopping rule; with max_iterations set (and the time limit not
    reached) the same seed gives the same plan. done: visits already made this week (a path to an
    inspections.csv-style file, or DoneVisit records). candidate_pool_factor: the solver sees the
    required visits plus the best-scoring optional candidates, this many times the visits the greedy
    practice fits (None: all candidates); a smaller pool lets a short solve search deeper (measured:
    2.0 brought a 30-s plan from 5.5 % to about 1.5 % of the 10-min best known on 2,000 candidates
    with straight-line times; over the street network 1.3 with the warm start gives 1.3-1.6 %).
    network: street-network file (GeoPackage like the shared OSM extract, or OSMnx GraphML; `road_graph`
    is its old name); None: `GEO_TOOL_NETWORK`, then the copy of `geo-tool network fetch`, else the
    straight line x detour_factor. network_speed_kmh: speed along the streets (default bike 15, walk
    4.5; the car uses each street's speed). stop_min: fixed time per stop on the network (default
    bike 2 min to lock, car 5 min to park, walk 0). warm_start: spend the first half of the time limit
    on a tight pool (the visits the week holds) and start the full solve from that plan.
    """

    week: str
    teams: int = 2
    team_starts: tuple[str, ...] = ()
    team_ends: tuple[str, ...] = ()
    days: tuple[str | int, ...] = ("mon", "tue", "wed", "thu", "fri")
    day_start: str = "09:00"
    day_end: str = "17:00"
    break_min: int = 30
    visit_min: int = 30
    travel_mode: TravelMode | str = TravelMode.BIKE
    speed_kmh: float | None = None
    detour_factor: float = 1.3
    road_graph: Path | None = None
    must_visits: tuple[MustVisit, ...] | Path | str = ()
    exclude_ids: tuple[str, ...] | Path | str = ()
    recent_visit_days: int = 90
    exploration_share: float = 0.10
    wijk_cap: int | None = None
    time_limit_s: float = 30.0
    seed: int = 1
    max_iterations: int | None = None
    done: tuple[DoneVisit, ...] | Path | str | None = None
    default_hub: str | None = None
    candidate_pool_factor: float | None = 1.3
    network: Path | str | None = None
    network_speed_kmh: float | None = None
    stop_min: float | None = None
    warm_start: bool = True

    def __post_init__(self) -> None:
        set_ = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731 (frozen dataclass)
        parse_week(self.week)
        if not isinstance(self.teams, int) or not 1 <= self.teams <= 50:
            raise UsageError(tr("--teams: {value} moet een geheel getal van 1 tot en met 50 zijn", value=repr(self.teams)))
        for name in ("team_starts", "team_ends"):
            val = getattr(self, name)
            val = tuple(val) if not isinstance(val, str) else (val,)
            if len(val) not in (0, 1, self.teams):
                raise UsageError(tr("{name}: geef één punt voor alle teams of één per team ({teams}), niet {n}", name=name,
                                    teams=self.teams, n=len(val)))
            set_(name, tuple(str(v) for v in val))
        days = tuple(sorted({_weekday(d) for d in self.days}))
        if not days:
            raise UsageError(tr("--days: er is ten minste één werkdag nodig"))
        set_("days", days)
        start, end = parse_clock(self.day_start, "--day-start"), parse_clock(self.day_end, "--day-end")
        if end <= start:
            raise UsageError(tr("--day-end {end} ligt niet na --day-start {start}", end=self.day_end, start=self.day_start))
        if not 0 <= self.break_min < (end - start) / 60:
            raise UsageError(tr("--break: {value} min moet 0 of meer zijn en korter dan de dag", value=self.break_min))
        if not 1 <= self.visit_min <= (end - start) / 60 - self.break_min:
            raise UsageError(tr("--visit-min: {value} moet ten minste 1 zijn en in de werkdag passen", value=self.visit_min))
        try:
            mode = TravelMode(str(getattr(self.travel_mode, "value", self.travel_mode)).lower())
        except ValueError:
            raise UsageError(tr("{name}: '{value}' is niet een van {allowed}", name="--mode", value=self.travel_mode,
                                allowed=", ".join(m.value for m in TravelMode))) from None
        set_("travel_mode", mode)
        if self.speed_kmh is None:
            set_("speed_kmh", DEFAULT_SPEED_KMH[mode])
        elif not 0.5 <= float(self.speed_kmh) <= 130:
            raise UsageError(tr("{name}: {value} km/u ligt buiten {low}..{high}", name="--speed", value=self.speed_kmh,
                                low=format_number(0.5, 1), high=130))
        if not 1.0 <= self.detour_factor <= 3.0:
            raise UsageError(tr("{name}: {value} ligt buiten {low}..{high}", name="--detour-factor", value=self.detour_factor,
                                low=format_number(1, 1), high=format_number(3, 1)))
        if self.road_graph is not None:
            if not Path(self.road_graph).is_file():
                raise UsageError(tr("{name}: bestand '{path}' bestaat niet", name="--road-graph", path=self.road_graph))
            set_("road_graph", Path(self.road_graph))
            if self.network is None:
                set_("network", self.road_graph)
        if self.network is not None and str(self.network).strip():
            if not Path(self.network).is_file():
                raise UsageError(tr("{name}: bestand '{path}' bestaat niet", name="--network", path=self.network))
            set_("network", Path(self.network))
        else:
            set_("network", None)
        if self.network_speed_kmh is None:
            set_("network_speed_kmh", NETWORK_SPEED_KMH[mode])
        elif not 0.5 <= float(self.network_speed_kmh) <= 130:
            raise UsageError(tr("{name}: {value} km/u ligt buiten {low}..{high}", name="--speed", value=self.network_speed_kmh,
                                low=format_number(0.5, 1), high=130))
        if self.stop_min is None:
            set_("stop_min", STOP_MIN[mode])
        elif not 0 <= float(self.stop_min) <= 60:
            raise UsageError(tr("{name}: {value} min ligt buiten {low}..{high}", name="--stop-min", value=self.stop_min,
                                low=0, high=60))
        if isinstance(self.must_visits, (str, Path)):
            from geo_tool.planning.inputs import read_must_visits
            set_("must_visits", read_must_visits(self.must_visits))
        else:
            set_("must_visits", tuple(self.must_visits))
        if isinstance(self.exclude_ids, (str, Path)):
            from geo_tool.planning.inputs import read_address_list
            set_("exclude_ids", read_address_list(self.exclude_ids))
        else:
            set_("exclude_ids", tuple(str(a) for a in self.exclude_ids))
        if isinstance(self.done, (str, Path)):
            from geo_tool.planning.inputs import read_done
            set_("done", read_done(self.done))
        else:
            set_("done", tuple(self.done or ()))
        if not 0 <= self.recent_visit_days <= 3650:
            raise UsageError(tr("{name}: {value} ligt buiten {low}..{high}", name="--recent-days", value=self.recent_visit_days,
                                low=0, high=3650))
        if not 0.0 <= self.exploration_share <= 0.5:
            raise UsageError(tr("{name}: {value} ligt buiten {low}..{high}", name="--exploration", value=self.exploration_share,
                                low=0, high=format_number(0.5, 1)))
        if self.wijk_cap is not None and self.wijk_cap < 0:
            raise UsageError(tr("{name}: {value} moet 0 of meer zijn", name="--wijk-cap", value=self.wijk_cap))
        if not isinstance(self.seed, numbers.Integral) or not 0 <= self.seed <= 2**32 - 1:
            raise UsageError(tr("{name}: {value} ligt buiten {low}..{high}", name="--seed", value=self.seed, low=0, high=2**32 - 1))
        if not 0.1 <= self.time_limit_s <= 7200:
            raise UsageError(tr("{name}: {value} s ligt buiten {low}..{high}", name="--time-limit", value=self.time_limit_s,
                                low=format_number(0.1, 1), high=7200))
        if self.candidate_pool_factor is not None and not 1.0 <= self.candidate_pool_factor <= 100:
            raise UsageError(tr("--pool-factor: {value} ligt buiten 1..100 (of geen voor alle)", value=self.candidate_pool_factor))
        if self.max_iterations is not None and self.max_iterations < 1:
            raise UsageError(tr("--max-iterations: {value} moet positief zijn", value=self.max_iterations))

    # derived figures, in the units their names say
    @property
    def monday(self) -> dt.date:
        """The Monday of the planned week."""
        return parse_week(self.week)

    @property
    def day_dates(self) -> list[dt.date]:
        """The working dates of the week, in order."""
        return [self.monday + dt.timedelta(days=d) for d in self.days]  # type: ignore[arg-type]

    @property
    def day_start_s(self) -> int:
        return parse_clock(self.day_start, "--day-start")

    @property
    def day_end_s(self) -> int:
        return parse_clock(self.day_end, "--day-end")

    @property
    def break_s(self) -> int:
        return int(self.break_min) * 60

    @property
    def stop_s(self) -> int:
        """Fixed time per stop on the street network, in whole seconds."""
        return int(round(float(self.stop_min or 0) * 60))

    @property
    def visit_s(self) -> int:
        return int(self.visit_min) * 60

    @property
    def team_labels(self) -> list[str]:
        """Team names as written in the plan: T1, T2, ..."""
        return [f"T{i + 1}" for i in range(self.teams)]
