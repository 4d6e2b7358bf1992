"""The week problem: from a dataset, a ranking and `PlanParams` to one `PlanInstance`.

Time is one axis for the whole week: seconds after Monday 00:00 of the planned week. The solver
works in *working time*: each team-day's shift is shortened by the break (09:00-16:30 for
09:00-17:00 with 30 min), and the writer later inserts the break around the middle of the day and
shifts the later visits by its length (see `schedule.py`). A time window [a, b] given in wall-clock
time is therefore passed to the solver as [a, b - break], which keeps it valid on either side of the
break.

Location indices: depots first (0..n_depots-1), then candidates (n_depots + i).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geo_tool.dataset import Dataset
from geo_tool.errors import UsageError
from geo_tool.i18n import tr
from geo_tool.planning.inputs import validate_ranked
from geo_tool.planning.params import PlanParams
from geo_tool.planning.travel import TravelMatrices, travel_matrices

DAY_S = 86400
CANDIDATE_COLUMNS = ["address_id", "x", "y", "wijk_code", "score", "reason_1", "reason_2", "reason_3",
                     "selected_by", "required", "tw_early_s", "tw_late_s", "window"]


@dataclass
class PlanInstance:
    """Everything the solver, the greedy baseline and the checker need, in plain frames.

    candidates: one row per address that may be visited (columns `CANDIDATE_COLUMNS`; `required`
    True for must-visits and random draws; tw_* in working time). depots: name, x, y. team_days: one
    row per vehicle (team, day, day_index, start_depot, end_depot, shift_start_s, shift_end_s,
    break_mid_s) with shift_* in working time. excluded: address_id, reason. fixed: done visits.
    """

    params: PlanParams
    candidates: pd.DataFrame
    depots: pd.DataFrame
    team_days: pd.DataFrame
    excluded: pd.DataFrame
    fixed: pd.DataFrame
    travel: TravelMatrices | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def n_depots(self) -> int:
        return len(self.depots)

    def location_of(self, candidate_idx: np.ndarray | int) -> np.ndarray | int:
        """Location index of candidate row(s)."""
        return np.asarray(candidate_idx) + self.n_depots if not isinstance(candidate_idx, int) else candidate_idx + self.n_depots

    def compute_travel(self) -> None:
        """(Re)compute the travel matrices over depots + candidates.

        The street network comes from `params.network`, else `GEO_TOOL_NETWORK`, else the copy of
        `geo-tool network fetch` (`geo_tool.network.resolve_network`); without one the straight line
        x the detour factor, and the notes say so.
        """
        from geo_tool.network import no_network_note, resolve_network

        xy = np.vstack([self.depots[["x", "y"]].to_numpy(float), self.candidates[["x", "y"]].to_numpy(float)])
        p = self.params
        network, origin = resolve_network(p.network)
        if network is None:
            self.travel = travel_matrices(xy, float(p.speed_kmh), p.detour_factor)
            self.notes.append(no_network_note(p.detour_factor))
            return
        self.travel = travel_matrices(xy, float(p.network_speed_kmh), p.detour_factor, network,
                                      mode=p.travel_mode.value, stop_s=p.stop_s, fallback_speed_kmh=float(p.speed_kmh))
        self.notes += list(self.travel.notes)


def address_points(dataset: Dataset) -> pd.DataFrame:
    """Addresses as a plain frame indexed by address_id with x, y (RD metres) and wijk_code."""
    a = dataset.addresses
    frame = pd.DataFrame({"address_id": a["address_id"].astype(str).to_numpy(),
                          "x": a.geometry.x.to_numpy(), "y": a.geometry.y.to_numpy(),
                          "wijk_code": (a["wijk_code"].astype("string") if "wijk_code" in a.columns
                                        else pd.Series(pd.NA, index=a.index, dtype="string")).to_numpy()})
    return frame.drop_duplicates("address_id").set_index("address_id")


def wall_to_axis_s(monday: dt.date, when: dt.datetime) -> int:
    """Seconds after Monday 00:00 of the planned week."""
    return int((when - dt.datetime.combine(monday, dt.time())).total_seconds())


def _resolve_point(spec: str, dataset: Dataset, pts: pd.DataFrame) -> tuple[float, float, str]:
    """A team start/end given as an address id, ``x,y`` or a wijk code/name -> (x, y, label)."""
    spec = spec.strip()
    if re.fullmatch(r"\d{16}", spec):
        if spec not in pts.index:
            raise UsageError(tr("start/eindpunt van een team: adres {address} staat niet in de dataset", address=spec))
        return float(pts.at[spec, "x"]), float(pts.at[spec, "y"]), f"adres {spec}"
    m = re.fullmatch(r"\s*(-?\d+(?:\.\d+)?)\s*[,; ]\s*(-?\d+(?:\.\d+)?)\s*", spec)
    if m:
        x, y = float(m.group(1)), float(m.group(2))
        if not (-7000 <= x <= 300000 and 289000 <= y <= 629000):
            raise UsageError(tr("start/eindpunt van een team: '{value}' is geen RD-New-punt (x 0..300000, y 289000..629000)",
                                    value=spec))
        return x, y, f"punt {x:.0f},{y:.0f}"
    key = re.sub(r"[\s\-]+", "", spec.lower())
    w = dataset.wijken
    hit = w[(w["code"].astype(str).str.lower() == key)
            | (w["name"].astype(str).str.lower().str.replace(r"[\s\-]+", "", regex=True) == key)]
    if hit.empty:
        raise UsageError(tr("start/eindpunt van een team: '{value}' is geen adres-id (16 cijfers), geen x,y-punt en geen "
                            "wijkcode of -naam", value=spec))
    c = hit.geometry.iloc[0].representative_point()
    x, y = _snap_to_address(c.x, c.y, pts)
    return x, y, f"hub {hit['name'].iloc[0]}"


def _snap_to_address(x: float, y: float, pts: pd.DataFrame) -> tuple[float, float]:
    d2 = (pts["x"].to_numpy() - x) ** 2 + (pts["y"].to_numpy() - y) ** 2
    i = int(np.argmin(d2))
    return float(pts["x"].iloc[i]), float(pts["y"].iloc[i])


def _default_hub(dataset: Dataset, pts: pd.DataFrame, wijk_codes: set[str], cand_xy: np.ndarray) -> tuple[float, float, str]:
    """One hub at the median point of the candidates, snapped to the nearest address (on land).

    The median, not the centroid of their wijken: large, empty port wijken would pull the
    hub far away from where the visits are.
    """
    if len(cand_xy):
        x, y = np.median(cand_xy, axis=0)
    else:
        c = dataset.wijken.geometry.union_all().centroid
        x, y = c.x, c.y
    x, y = _snap_to_address(x, y, pts)
    return x, y, "hub (midden van de kandidaten)"


def _depots(dataset: Dataset, params: PlanParams, pts: pd.DataFrame, wijk_codes: set[str],
            cand_xy: np.ndarray) -> tuple[pd.DataFrame, list[int], list[int]]:
    starts = params.team_starts or ((params.default_hub,) if params.default_hub else ())
    ends = params.team_ends or starts
    rows: list[tuple[float, float, str]] = []
    keys: dict[str, int] = {}

    def idx(spec: str | None) -> int:
        key = spec or "__default__"
        if key not in keys:
            keys[key] = len(rows)
            rows.append(_resolve_point(spec, dataset, pts) if spec else _default_hub(dataset, pts, wijk_codes, cand_xy))
        return keys[key]

    start_idx = [idx(starts[t] if len(starts) > 1 else (starts[0] if starts else None)) for t in range(params.teams)]
    end_idx = [idx(ends[t] if len(ends) > 1 else (ends[0] if ends else None)) for t in range(params.teams)]
    depots = pd.DataFrame(rows, columns=["x", "y", "name"])
    return depots, start_idx, end_idx


def _exclusions(dataset: Dataset, params: PlanParams) -> pd.DataFrame:
    monday = pd.Timestamp(params.monday)
    parts = []
    insp = dataset.inspections
    if len(insp) and params.recent_visit_days > 0:
        when = pd.to_datetime(insp["visited_on"], errors="coerce")
        recent = insp[(when >= monday - pd.Timedelta(days=params.recent_visit_days)) & (when < monday + pd.Timedelta(days=7))]
        parts.append(pd.DataFrame({"address_id": recent["address_id"].astype(str).to_numpy(),
                                   "reason": f"bezocht in de {params.recent_visit_days} dagen voor de week"}))
    if params.exclude_ids:
        parts.append(pd.DataFrame({"address_id": list(params.exclude_ids), "reason": "lopende procedure"}))
    if params.done:
        parts.append(pd.DataFrame({"address_id": [d.address_id for d in params.done], "reason": "al bezocht deze week"}))
    if not parts:
        return pd.DataFrame({"address_id": pd.Series(dtype=str), "reason": pd.Series(dtype=str)})
    # one row per address; the strongest reason wins (procedure > done > recent)
    out = pd.concat(parts, ignore_index=True)
    order = {"lopende procedure": 0, "al bezocht deze week": 1}
    out["_o"] = out["reason"].map(order).fillna(2)
    return out.sort_values("_o").drop_duplicates("address_id").drop(columns="_o").reset_index(drop=True)


def _fixed_visits(params: PlanParams, pts: pd.DataFrame, ranked: pd.DataFrame) -> pd.DataFrame:
    cols = ["team", "day", "address_id", "visited_on", "outcome", "selected_by", "x", "y", "score", "reason_1"]
    if not params.done:
        return pd.DataFrame(columns=cols)
    scores = ranked.set_index("address_id")
    rows = []
    for d in params.done:
        if d.address_id not in pts.index:
            raise UsageError(tr("gedane bezoeken: adres {address} staat niet in de dataset", address=d.address_id))
        day = d.visited_on.date()
        if not params.monday <= day < params.monday + dt.timedelta(days=7):
            continue  # not this week: only excluded
        rows.append({"team": d.team or "", "day": day, "address_id": d.address_id, "visited_on": d.visited_on,
                     "outcome": d.outcome, "selected_by": d.selected_by or "other",
                     "x": pts.at[d.address_id, "x"], "y": pts.at[d.address_id, "y"],
                     "score": float(scores.at[d.address_id, "score"]) if d.address_id in scores.index else np.nan,
                     "reason_1": scores.at[d.address_id, "reason_1"] if d.address_id in scores.index else pd.NA})
    return pd.DataFrame(rows, columns=cols)


def build_instance(dataset: Dataset, ranked: pd.DataFrame, params: PlanParams) -> PlanInstance:
    """The week problem without the random exploration draws (see `add_random_visits`).

    Ranked addresses that are not in the dataset are left out (with a note); a must-visit that is
    unknown or under a running procedure is an error. The per-wijk cap keeps the best-scoring model
    candidates of each wijk (random draws are added to the cap's count later).
    """
    notes: list[str] = []
    ranked = validate_ranked(ranked)
    pts = address_points(dataset)
    excluded = _exclusions(dataset, params)
    excl = set(excluded["address_id"])
    procedure = set(params.exclude_ids)
    must_ids = [m.address_id for m in params.must_visits]
    for m in params.must_visits:
        if m.address_id not in pts.index:
            raise UsageError(tr("verplicht bezoek {address} is geen adres van de dataset", address=m.address_id))
        if m.address_id in procedure:
            raise UsageError(tr("verplicht bezoek {address} staat op de lijst van lopende procedures (--exclude)",
                                address=m.address_id))
    if len(set(must_ids)) != len(must_ids):
        raise UsageError(tr("verplichte bezoeken: een adres komt twee keer voor"))
    done_ids = {d.address_id for d in params.done}
    must_ids = [a for a in must_ids if a not in done_ids]

    known = ranked["address_id"].astype(str).isin(pts.index)
    if (~known).any():
        notes.append(f"{int((~known).sum())} gerangschikte adressen staan niet in de dataset en zijn overgeslagen")
    model = ranked[known].copy()
    model["address_id"] = model["address_id"].astype(str)
    n_excl = int(model["address_id"].isin(excl).sum())
    if n_excl:
        notes.append(f"{n_excl} {'kandidaat' if n_excl == 1 else 'kandidaten'} uitgesloten (recent bezocht, lopende procedure of al bezocht)")
    model = model[~model["address_id"].isin(excl) & ~model["address_id"].isin(must_ids)]

    rk = ranked.assign(address_id=ranked["address_id"].astype(str)).set_index("address_id")
    must_rows = []
    monday = params.monday
    for m in params.must_visits:
        if m.address_id in done_ids:
            continue
        in_rank = m.address_id in rk.index
        must_rows.append({
            "address_id": m.address_id,
            "score": float(rk.at[m.address_id, "score"]) if in_rank else np.nan,
            "reason_1": m.reason, "reason_2": rk.at[m.address_id, "reason_1"] if in_rank else pd.NA,
            "reason_3": rk.at[m.address_id, "reason_2"] if in_rank else pd.NA,
            "selected_by": "must", "required": True,
            "tw_early_s": wall_to_axis_s(monday, m.earliest) if m.earliest else 0,
            "tw_late_s": (wall_to_axis_s(monday, m.latest) - params.break_s) if m.latest else 7 * DAY_S,
            "window": (f"{m.earliest:%a %H:%M}" if m.earliest else "") + "-" + (f"{m.latest:%a %H:%M}" if m.latest else "")
            if (m.earliest or m.latest) else "",
        })
    model_rows = model.assign(selected_by="model", required=False, tw_early_s=0, tw_late_s=7 * DAY_S, window="")
    cands = pd.concat([pd.DataFrame(must_rows), model_rows.drop(columns=["rank", "wijk_code"])], ignore_index=True)
    if cands.empty:
        cands = pd.DataFrame(columns=CANDIDATE_COLUMNS)
    cands["x"] = pts.loc[cands["address_id"], "x"].to_numpy() if len(cands) else []
    cands["y"] = pts.loc[cands["address_id"], "y"].to_numpy() if len(cands) else []
    cands["wijk_code"] = pts.loc[cands["address_id"], "wijk_code"].to_numpy() if len(cands) else []
    cands["required"] = cands["required"].astype(bool)

    # vehicles: one per team and working day, after the last day with done visits
    fixed = _fixed_visits(params, pts, ranked)
    last_done = max(fixed["day"]) if len(fixed) else None
    if last_done is not None:
        notes.append(f"herplanning: {len(fixed)} bezoeken gedaan t/m {last_done:%d-%m}, de rest van de week opnieuw gepland")
    wijk_codes = set(cands["wijk_code"].dropna().astype(str))
    depots, start_idx, end_idx = _depots(dataset, params, pts, wijk_codes,
                                         cands[["x", "y"]].to_numpy(float) if len(cands) else pts[["x", "y"]].to_numpy(float))
    work_s = params.day_end_s - params.day_start_s - params.break_s
    rows = []
    for day in params.day_dates:
        if last_done is not None and day <= last_done:
            continue
        k = (day - monday).days
        for t, team in enumerate(params.team_labels):
            start = k * DAY_S + params.day_start_s
            rows.append({"team": team, "day": day, "day_index": k, "start_depot": start_idx[t], "end_depot": end_idx[t],
                         "shift_start_s": start, "shift_end_s": start + work_s, "break_mid_s": start + work_s // 2})
    team_days = pd.DataFrame(rows, columns=["team", "day", "day_index", "start_depot", "end_depot", "shift_start_s",
                                            "shift_end_s", "break_mid_s"])
    inst = PlanInstance(params, cands[CANDIDATE_COLUMNS].reset_index(drop=True), depots, team_days, excluded, fixed,
                        notes=notes)
    _check_windows(inst)
    return inst


def _check_windows(inst: PlanInstance) -> None:
    """Every required visit must fit some team-day (its window overlaps a shift)."""
    req = inst.candidates[inst.candidates["required"]]
    if req.empty:
        return
    if inst.team_days.empty:
        raise UsageError(tr("{n} verplichte bezoeken maar er is geen werkdag meer over in de week", n=len(req)))
    vs = inst.params.visit_s
    lo = inst.team_days["shift_start_s"].to_numpy()
    hi = inst.team_days["shift_end_s"].to_numpy() - vs
    for r in req.itertuples():
        if r.tw_late_s < r.tw_early_s:
            raise UsageError(tr("verplicht bezoek {address}: het tijdvenster is korter dan de pauze; maak het ruimer",
                                address=r.address_id))
        if not np.any((np.maximum(lo, r.tw_early_s) <= np.minimum(hi, r.tw_late_s))):
            raise UsageError(tr("verplicht bezoek {address}: het tijdvenster {window} valt buiten elke resterende werktijd",
                                address=r.address_id, window=r.window or ""))


def apply_cap_and_random(inst: PlanInstance, dataset: Dataset, n_random: int, rng: np.random.Generator) -> None:
    """Draw `n_random` exploration visits and apply the per-wijk cap, in place.

    Random visits are drawn uniformly from the eligible addresses: every dataset address in the
    candidates' wijken that is not excluded, not a must-visit, and whose wijk is below the cap. They
    are required (so they stay in the plan) and marked selected_by=random; their score is the ranking's
    score when the address is ranked, else empty. Then each wijk keeps at most cap - random optional
    model candidates (the best-scoring ones).
    """
    p = inst.params
    cands = inst.candidates
    pts = address_points(dataset)
    wijken = set(cands["wijk_code"].dropna().astype(str))
    cap = p.wijk_cap
    if n_random > 0 and wijken:
        excl = set(inst.excluded["address_id"]) | set(cands.loc[cands["selected_by"] == "must", "address_id"])
        pool = pts[pts["wijk_code"].astype(str).isin(wijken) & ~pts.index.isin(list(excl))]
        order = rng.permutation(len(pool))
        taken: list[int] = []
        per_wijk: dict[str, int] = {}
        for i in order:
            w = str(pool["wijk_code"].iloc[i])
            if cap is not None and per_wijk.get(w, 0) >= cap:
                continue
            taken.append(i)
            per_wijk[w] = per_wijk.get(w, 0) + 1
            if len(taken) >= n_random:
                break
        draw = pool.iloc[taken]
        ids = draw.index.astype(str)
        known = cands.set_index("address_id")
        rnd = pd.DataFrame({
            "address_id": ids, "x": draw["x"].to_numpy(), "y": draw["y"].to_numpy(),
            "wijk_code": draw["wijk_code"].to_numpy(),
            "score": [known.at[a, "score"] if a in known.index else np.nan for a in ids],
            "reason_1": "steekproef (willekeurig gekozen)",
            "reason_2": [known.at[a, "reason_1"] if a in known.index else pd.NA for a in ids],
            "reason_3": [known.at[a, "reason_2"] if a in known.index else pd.NA for a in ids],
            "selected_by": "random", "required": True, "tw_early_s": 0, "tw_late_s": 7 * DAY_S, "window": "",
        })
        cands = pd.concat([cands[~cands["address_id"].isin(ids)], rnd], ignore_index=True)
        inst.notes.append(f"{len(rnd)} {'adres' if len(rnd) == 1 else 'adressen'} willekeurig getrokken voor de steekproef")
    if cap is not None:
        model = cands[cands["selected_by"] == "model"].sort_values("score", ascending=False, kind="stable")
        used = cands[cands["selected_by"] == "random"].groupby("wijk_code").size()
        rank_in_wijk = model.groupby("wijk_code", dropna=False).cumcount()
        room = model["wijk_code"].map(lambda w: max(0, cap - int(used.get(w, 0)))).fillna(cap)
        drop = model.index[(rank_in_wijk >= room).to_numpy()]
        if len(drop):
            inst.notes.append(f"wijkplafond {cap}: {len(drop)} kandidaten boven het plafond vallen af")
        cands = cands.drop(index=drop)
    # must first, then random, then model by score: a stable order for the solver and the baseline
    key = cands["selected_by"].map({"must": 0, "random": 1, "model": 2})
    cands = cands.assign(_k=key, _s=-cands["score"].fillna(0)).sort_values(["_k", "_s"], kind="stable")
    inst.candidates = cands.drop(columns=["_k", "_s"]).reset_index(drop=True)[CANDIDATE_COLUMNS]
