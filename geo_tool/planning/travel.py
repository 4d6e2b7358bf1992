"""Travel distances and times between the plan's locations.

Without a street network: straight-line RD distance x a detour factor (vectorised numpy). With one
(the shared OSM GeoPackage or an OSMnx GraphML; see `geo_tool.network`): each location is snapped to
its nearest usable edge and distances are shortest paths (scipy.sparse.csgraph) for the mode, plus a
fixed stop time per leg (parking, locking the bike). Times are rounded *up* to whole minutes so that
every written schedule is in whole minutes and never optimistic.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np


MINUTE_S = 60


@dataclass(frozen=True)
class TravelMatrices:
    """Square matrices over the plan's locations: `distance_m` and `travel_time_s` (int64)."""

    distance_m: np.ndarray
    travel_time_s: np.ndarray
    source: str  # "hemelsbreed x 1,3: geen stratennet" or "stratennet NAME (...)"
    network: object | None = None   # the PreparedNetwork used (for route lines), None = straight line
    snapped: object | None = None   # where each location joins the network
    notes: tuple[str, ...] = ()
    network_path: Path | None = None

    @property
    def uses_network(self) -> bool:
        """True when the times follow the street network."""
        return self.network is not None


def straight_distance_m(xy: np.ndarray, detour_factor: float) -> np.ndarray:
    """Pairwise straight-line RD distance in metres times the detour factor."""
    diff = xy[:, None, :] - xy[None, :, :]
    return np.hypot(diff[..., 0], diff[..., 1]) * float(detour_factor)


def time_from_distance_s(distance_m: np.ndarray, speed_kmh: float) -> np.ndarray:
    """Travel time in seconds for distances in metres at `speed_kmh`, rounded up to whole minutes."""
    seconds = distance_m / (float(speed_kmh) / 3.6)
    return (np.ceil(np.round(seconds, 6) / MINUTE_S) * MINUTE_S).astype(np.int64)


def network_travel(xy: np.ndarray, network: Path, mode: str, speed_kmh: float, detour_factor: float = 1.3,
                   stop_s: int = 0, fallback_speed_kmh: float | None = None) -> "TravelMatrices":
    """Distance (m) and time (s, whole minutes) over the street network `network` for `mode`.

    Each point is snapped to its nearest usable edge (see `geo_tool.network`); a point off the network
    (no data there) is timed as the straight line x `detour_factor`, and the result says so in `notes`.
    `stop_s` (parking or locking the bike) is added to every leg that arrives somewhere.
    """
    from geo_tool.network import load_network, network_matrices

    net = load_network(network, mode)
    m = network_matrices(net, xy, speed_kmh=speed_kmh, detour_factor=detour_factor,
                         fallback_speed_kmh=fallback_speed_kmh)
    seconds = m.time_s + stop_s
    np.fill_diagonal(seconds, 0.0)
    times = (np.ceil(np.round(seconds, 6) / MINUTE_S) * MINUTE_S).astype(np.int64)
    notes: list[str] = []
    if m.off_network:
        notes.append(f"{m.off_network} adres(sen) buiten het stratennet (geen gegevens, bijv. Hoek van Holland, "
                     f"Rozenburg, haven): reistijd daarheen hemelsbreed x {detour_factor:g}".replace(".", ","))
    speed_txt = "snelheden van de straten" if mode == "car" else f"{speed_kmh:g} km/u".replace(".", ",")
    source = f"stratennet {Path(network).name} ({speed_txt}, {stop_s // 60} min stallen/parkeren per stop)"
    return TravelMatrices(np.round(m.distance_m).astype(np.int64), times, source, network=net, snapped=m.snapped,
                          notes=tuple(notes), network_path=Path(network))


def travel_matrices(xy: np.ndarray, speed_kmh: float, detour_factor: float = 1.3,
                    road_graph: Path | None = None, *, mode: str = "bike", stop_s: int = 0,
                    fallback_speed_kmh: float | None = None) -> TravelMatrices:
    """Distance (m) and travel time (s, whole minutes) between all pairs of RD points.

    With `road_graph` (a street-network GeoPackage or GraphML): over the network (`network_travel`);
    without: the straight line x `detour_factor`, which the source text then says.
    """
    xy = np.asarray(xy, dtype=float)
    if road_graph is not None:
        return network_travel(xy, Path(road_graph), mode, speed_kmh, detour_factor, stop_s, fallback_speed_kmh)
    dist = straight_distance_m(xy, detour_factor)
    source = f"hemelsbreed x {detour_factor:g}".replace(".", ",") + ": geen stratennet"
    return TravelMatrices(np.round(dist).astype(np.int64), time_from_distance_s(dist, speed_kmh), source)
