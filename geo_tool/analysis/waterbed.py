"""The waterbed analysis: does enforcement in one wijk push the problems into other wijken?

For an intervention (target wijk, start date) and a before and an after period, this compares the target,
its buffer (neighbours), wijken linked to it by relocations or shared landlords (destinations) and a
control, per month, and gives every buffer and destination wijk a verdict decided from intervals:

- ``displacement`` (verplaatsing): for some verdict signal both the WDD interval (Poisson) and the DiD
  interval (month bootstrap) lie above zero, the target itself went down on that signal, and, for a wijk
  that does not border the target, people from the target relocated there or the target's landlords'
  addresses there became busier;
- ``diffusion`` (uitstraling van positieve effecten): both intervals lie below zero and the target went down;
- ``no_evidence`` (geen aanwijzing): otherwise.

The intervals are simultaneous (Bonferroni over the judged wijken and the verdict signals), so that with
no displacement at all the chance that any wijk is flagged stays near 5 %.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd

from geo_tool.analysis.areas import BufferRule, buffer_wijken, control_wijken, resolve_wijk
from geo_tool.analysis.flows import landlord_activity, relocation_flows, relocations
from geo_tool.analysis.hotspots import emerging_hotspots
from geo_tool.analysis.signals import SignalPanel, address_wijk, build_signals, signal_label
from geo_tool.analysis.stats import (
    did_bootstrap, success_measure, wdd_proportional, wdq, wdq_interpretation,
)
from geo_tool.dataset import Dataset
from geo_tool.errors import UsageError
from geo_tool.progress import NullProgress, Progress

VERDICTS = ("displacement", "diffusion", "no_evidence")
VERDICT_NL = {"displacement": "verplaatsing", "diffusion": "uitstraling van positieve effecten",
              "no_evidence": "geen aanwijzing"}
ROLE_NL = {"target": "doelwijk", "buffer": "buurwijk", "destination": "bestemmingswijk", "control": "controle"}
#: Signals whose intervals decide the verdict (the first is the headline signal of waterbed.csv).
DEFAULT_VERDICT_SIGNALS = ("complaints", "eum_registrations", "eum_relocations_from_target")
#: Signals that count arrivals from the target: the target itself went "down" when its EUM registrations did.
RELOCATION_SIGNALS = ("relocations_from_target", "eum_relocations_from_target")
#: Signals reported for every area (complaint categories are added from the data).
REPORT_SIGNALS = ("complaints", "violations", "inspections", "eum_registrations", "rni_registrations",
                  "moves_in", "moves_out", "relocations_from_target", "eum_relocations_from_target")
WATERBED_COLUMNS = ["wijk_code", "wijk_name", "role", "wdq", "wdd", "wdd_ci_low", "wdd_ci_high",
                    "did", "did_ci_low", "did_ci_high", "verdict"]
FAMILY_ALPHA = 0.05


@dataclass
class WaterbedResult:
    """Everything the waterbed analysis found; `summary()` is what the CLI prints."""

    target_code: str
    target_name: str
    start: date
    months_before: int
    months_after: int
    buffer_rule: BufferRule
    control_rule: str
    control_text: str
    verdict_signals: tuple[str, ...]
    level: float
    table: pd.DataFrame           # waterbed.csv rows + details (signal, link, counts, reason)
    signals_table: pd.DataFrame   # every signal x area
    flows: pd.DataFrame
    landlords: pd.DataFrame
    n_landlords: int
    hotspots: pd.DataFrame
    overall: dict
    panel: SignalPanel
    wijken: gpd.GeoDataFrame
    notes: list[str] = field(default_factory=list)

    @property
    def before_window(self) -> tuple[date, date]:
        """First day of the before period and the start (exclusive end)."""
        return self.panel.month_starts[0].date(), self.panel.month_starts[self.months_before].date()

    @property
    def after_window(self) -> tuple[date, date]:
        """The start and the first day after the after period."""
        return self.panel.month_starts[self.months_before].date(), self.panel.month_starts[-1].date()

    def codes(self, role: str) -> list[str]:
        """The wijk codes with this role."""
        return list(self.table.loc[self.table["role"] == role, "wijk_code"])

    def waterbed_frame(self) -> pd.DataFrame:
        """The rows of waterbed.csv with exactly the contract's columns."""
        return self.table[WATERBED_COLUMNS].copy()

    def summary(self) -> str:
        """Verdict per buffer/destination wijk, with the numbers behind it, for the terminal."""
        b0, b1 = self.before_window
        a0, a1 = self.after_window
        o = self.overall
        lines = [
            f"Waterbedanalyse {self.target_name} ({self.target_code}), start {self.start.isoformat()}",
            f"  vóór: {b0} t/m {(pd.Timestamp(b1) - pd.Timedelta(days=1)).date()}, "
            f"na: {a0} t/m {(pd.Timestamp(a1) - pd.Timedelta(days=1)).date()}",
            f"  buffer: {self.buffer_rule.describe()}; controle: {self.control_text}",
            f"  signalen voor het oordeel: {', '.join(signal_label(s) for s in self.verdict_signals)}; "
            f"simultane intervallen {self.level * 100:.2f} %",
            f"  doelwijk ({signal_label(self.verdict_signals[0])}): WDD {o['target_wdd']:+.1f} "
            f"[{o['target_wdd_ci'][0]:+.1f}, {o['target_wdd_ci'][1]:+.1f}], succesmaat {o['success']:+.4f}; "
            f"WDQ buffer totaal {_fmt(o['wdq_total'])} ({o['wdq_reading']}); "
            f"totale WDD {o['total_wdd']:+.1f} [{o['total_wdd_ci'][0]:+.1f}, {o['total_wdd_ci'][1]:+.1f}]",
        ]
        judged = self.table[self.table["role"].isin(["buffer", "destination"])]
        for r in judged.itertuples():
            lines.append(
                f"  {r.role:<11} {r.wijk_code} {r.wijk_name:<24} {VERDICT_NL[r.verdict]:<34} "
                f"[{signal_label(r.signal)}] WDD {r.wdd:+.1f} [{r.wdd_ci_low:+.1f}, {r.wdd_ci_high:+.1f}] "
                f"DiD {r.did:+.3f} [{r.did_ci_low:+.3f}, {r.did_ci_high:+.3f}] per 1.000 bew./mnd; "
                f"WDQ {_fmt(r.wdq)}; {r.link or 'geen koppeling'}"
            )
        n_disp = int((judged["verdict"] == "displacement").sum())
        lines.append(f"  oordeel: {n_disp} wijk(en) met verplaatsing, "
                     f"{int((judged['verdict'] == 'diffusion').sum())} met uitstraling van positieve effecten")
        lines += [f"  let op: {n}" for n in self.notes]
        return "\n".join(lines)


def _fmt(x: float) -> str:
    return "n.v.t." if x is None or not np.isfinite(x) else f"{x:+.2f}"


def _start_from_interventions(dataset: Dataset, target_code: str, target: str) -> date:
    iv = dataset.interventions
    if iv is None or iv.empty:
        raise UsageError("no start date given and interventions.csv has no interventions: give --start")
    codes = iv["wijk_code"].astype(str)
    hit = iv[(codes.str.upper() == target_code.upper()) | (codes.str.lower() == str(target).lower())]
    if hit.empty:
        raise UsageError(f"no start date given and interventions.csv has no intervention in {target!r}: give --start")
    return pd.Timestamp(hit["start"].max()).date()  # the most recent intervention in the target


def _judge(row: dict, harmful_ok: bool, target_down: bool, linked: bool, adjacent: bool) -> tuple[str, str]:
    """The verdict of one wijk on one signal and the Dutch reason."""
    up = row["wdd_ci_low"] > 0 and row["did_ci_low"] > 0
    down = row["wdd_ci_high"] < 0 and row["did_ci_high"] < 0
    if up:
        if not target_down:
            return "no_evidence", "stijging, maar de doelwijk daalde niet"
        if not adjacent and not linked:
            return "no_evidence", "stijging zonder verhuizingen of verhuurders uit de doelwijk"
        if not harmful_ok:
            return "no_evidence", "stijging"
        return "displacement", "stijging boven de stadstrend (WDD- en DiD-interval boven nul)"
    if down and target_down:
        return "diffusion", "daling boven de stadstrend (WDD- en DiD-interval onder nul)"
    return "no_evidence", "interval omvat nul"


def _area_stats(panel: SignalPanel, signal: str, area: list[str], target: list[str], control: list[str],
                level: float, n_boot: int, seed: int) -> dict:
    """WDQ, WDD and DiD of ``area`` on one signal (see the module docstring)."""
    nb = panel.n_before
    xb, xa = panel.before_after(signal, area)
    rb, ra = panel.before_after(signal, target)
    cb, ca = panel.before_after(signal, control)
    w = wdd_proportional((xb, xa), (cb, ca), level)
    xr = panel.rate_series(signal, area)
    cr = panel.rate_series(signal, control)
    if np.isfinite(xr).all() and np.isfinite(cr).all():
        d = did_bootstrap(xr[:nb], xr[nb:], cr[:nb], cr[nb:], n_boot=n_boot, level=level, seed=seed)
        did, dlo, dhi = d.estimate, d.ci_low, d.ci_high
    else:
        did = dlo = dhi = float("nan")
    lo, hi = w.ci
    return {"signal": signal, "before": xb, "after": xa, "control_before": cb, "control_after": ca,
            "wdq": wdq(rb, ra, xb, xa, cb, ca), "wdd": w.estimate, "wdd_se": w.se, "wdd_ci_low": lo,
            "wdd_ci_high": hi, "did": did, "did_ci_low": dlo, "did_ci_high": dhi,
            "rate_before": xr[:nb].mean() * 12 if np.isfinite(xr).all() else np.nan,
            "rate_after": xr[nb:].mean() * 12 if np.isfinite(xr).all() else np.nan}


def run_waterbed_analysis(dataset: Dataset, target: str, start: date | None, *, months_before: int = 12,
                          months_after: int = 12, buffer_rule: str = "queen", control: str = "rest",
                          verdict_signals: tuple[str, ...] = DEFAULT_VERDICT_SIGNALS, n_boot: int = 4000,
                          seed: int = 0, progress: Progress | None = None) -> WaterbedResult:
    """Measure displacement from ``target`` (wijk code or name) around ``start`` into other wijken.

    Builds monthly signals per wijk, chooses buffer, destination and control wijken, computes WDQ
    (Bowers & Johnson 2003), WDD (Wheeler & Ratcliffe 2018) and a month-bootstrap DiD per wijk and
    signal, the relocation and landlord links, and emerging hot spots, and decides a verdict per buffer
    and destination wijk from simultaneous intervals. ``start`` None takes the earliest start of the
    target in interventions.csv. Nothing here reads today's date. Needs the director role (or planner).
    """
    from geo_tool.security.roles import require_role

    require_role("director", "waterbed (displacement analysis)")
    progress = progress or NullProgress()
    if months_before < 2 or months_after < 2:
        raise UsageError(f"months before/after must be at least 2, got {months_before}/{months_after}")
    rule = BufferRule.parse(buffer_rule)
    wijken = dataset.wijken.reset_index(drop=True)
    target_code = resolve_wijk(wijken, target)
    if start is None:
        start = _start_from_interventions(dataset, target_code, target)
    start = pd.Timestamp(start).date()
    names = pd.Series(wijken["name"].astype(str).to_numpy(), index=wijken["code"].astype(str).to_numpy())
    notes: list[str] = []
    progress.start(6, "waterbed")

    progress.step("signalen per wijk en maand")
    moves = relocations(dataset.brp, address_wijk(dataset))
    panel = build_signals(dataset, start, months_before, months_after, target_code=target_code, moves=moves)
    notes += panel.notes
    for s in verdict_signals:
        if s not in panel.counts:
            raise UsageError(f"signal {s!r} unknown: use one of {', '.join(sorted(panel.counts))}")
    progress.advance()
    progress.check_cancelled()

    progress.step("buurwijken, verhuizingen en verhuurders")
    buffer = buffer_wijken(wijken, target_code, rule)
    flows = relocation_flows(moves, target_code, start, months_before, months_after)
    landlords, n_lords = landlord_activity(dataset, target_code, start, months_before, months_after)
    if n_lords == 0:
        notes.append("geen verhuurders bekend voor adressen in de doelwijk (permits.csv zonder landlord_id)")
    flow_link = set(flows.loc[flows["q_value"] < FAMILY_ALPHA, "destination"].astype(str))
    lord_link = set(landlords.loc[landlords["q_min"] < FAMILY_ALPHA, "wijk_code"].astype(str)) if len(landlords) else set()
    destinations = sorted((flow_link | lord_link) - set(buffer) - {target_code} & set(names.index))
    progress.advance()

    pr = None
    if control == "same_gebied_type":
        p = panel.pos(list(names.index))
        pr = pd.Series(panel.counts[verdict_signals[0]][p, :months_before].sum(1)
                       / np.maximum(panel.residents[p], 1) * 1000, index=names.index)
    ctrl, control_text = control_wijken(wijken, {target_code, *buffer, *destinations}, control, target_code, pr)
    if not ctrl:
        raise UsageError("no control wijken left after removing the target, buffer and destinations")

    progress.step("WDQ, WDD en DiD")
    judged = [*buffer, *destinations]
    k = max(1, len(judged) * len(verdict_signals))
    level = 1 - FAMILY_ALPHA / k
    tgt = [target_code]
    report_signals = list(dict.fromkeys([*verdict_signals, *REPORT_SIGNALS,
                                         *sorted(s for s in panel.counts if s.startswith("complaints:"))]))
    rows = []
    areas = [("target", target_code, tgt), ("buffer_total", "buffer", buffer)] + \
            [("buffer", c, [c]) for c in buffer] + [("destination", c, [c]) for c in destinations] + \
            [("control_total", "controle", ctrl)]
    for i, sig in enumerate(report_signals):
        for j, (role, code, area) in enumerate(areas):
            if not area:
                continue
            lv = level if (sig in verdict_signals and role in ("buffer", "destination")) else 0.95
            st = _area_stats(panel, sig, area, tgt, ctrl, lv, n_boot, seed + 7919 * i + j)
            rows.append({"area": code, "role": role, "level": lv, **st})
        progress.check_cancelled()
    sig_table = pd.DataFrame(rows)
    sig_table["signal_nl"] = sig_table["signal"].map(signal_label)
    progress.advance()

    # verdicts
    def stat(code: str, sig: str) -> dict:
        r = sig_table[(sig_table["area"] == code) & (sig_table["signal"] == sig)]
        return r.iloc[0].to_dict()

    target_down = {s: stat(target_code, "eum_registrations" if s in RELOCATION_SIGNALS else s)["wdd"] < 0
                   for s in verdict_signals}
    out_rows = []
    tstat = stat(target_code, verdict_signals[0])
    out_rows.append({**{c: tstat[c] for c in ["wdd", "wdd_ci_low", "wdd_ci_high", "did", "did_ci_low", "did_ci_high"]},
                     "wijk_code": target_code, "role": "target", "wdq": np.nan, "verdict": "no_evidence",
                     "signal": verdict_signals[0], "link": "",
                     "reason": "doelwijk: WDD < 0 is afname t.o.v. de stadstrend (succes)"})
    for role, codes in (("buffer", buffer), ("destination", destinations)):
        for code in codes:
            links = []
            if code in flow_link:
                f = flows[flows["destination"] == code].iloc[0]
                links.append(f"verhuizingen uit doelwijk {int(f['before'])}→{int(f['after'])}")
            if code in lord_link:
                lrow = landlords[landlords["wijk_code"] == code].iloc[0]
                links.append(f"verhuurders doelwijk ({lrow['rising']})")
            linked = bool(links)
            best = None
            for s in verdict_signals:
                st = stat(code, s)
                v, reason = _judge(st, True, target_down[s], linked, role == "buffer")
                cand = (v, reason, st)
                rank = {"displacement": 0, "diffusion": 1, "no_evidence": 2}[v]
                if best is None or rank < {"displacement": 0, "diffusion": 1, "no_evidence": 2}[best[0]]:
                    best = cand
            v, reason, st = best
            out_rows.append({**{c: st[c] for c in ["wdq", "wdd", "wdd_ci_low", "wdd_ci_high", "did", "did_ci_low",
                                                    "did_ci_high"]},
                             "wijk_code": code, "role": role, "verdict": v, "signal": st["signal"],
                             "link": "; ".join(links), "reason": reason})
    for code in ctrl:
        out_rows.append({"wijk_code": code, "role": "control", "verdict": "no_evidence", "signal": "",
                         "link": "", "reason": "controlewijk"})
    table = pd.DataFrame(out_rows)
    table["wijk_name"] = table["wijk_code"].map(names)
    table["verdict_nl"] = table["verdict"].map(VERDICT_NL)
    table["role_nl"] = table["role"].map(ROLE_NL)
    table = table[WATERBED_COLUMNS + ["verdict_nl", "role_nl", "signal", "link", "reason"]]
    progress.advance()

    # overall figures on the headline signal
    s0 = verdict_signals[0]
    rb, ra = panel.before_after(s0, tgt)
    bb, ba = panel.before_after(s0, buffer) if buffer else (0.0, 0.0)
    cb, ca = panel.before_after(s0, ctrl)
    sm = success_measure(rb, ra, cb, ca)
    wq = wdq(rb, ra, bb, ba, cb, ca) if buffer else float("nan")
    tw = wdd_proportional((rb, ra), (cb, ca), 0.95)
    tot = wdd_proportional((rb + bb, ra + ba), (cb, ca), 0.95)
    overall = {"signal": s0, "success": sm, "wdq_total": wq, "wdq_reading": wdq_interpretation(wq, sm),
               "target_wdd": tw.estimate, "target_wdd_ci": tw.ci, "total_wdd": tot.estimate, "total_wdd_ci": tot.ci,
               "n_moves_out_target_after": int(flows["after"].sum()) if len(flows) else 0}

    progress.step("hotspots (Gi*, Mann-Kendall)")
    p_all = panel.pos(list(wijken["code"].astype(str)))
    res = np.maximum(panel.residents[p_all], 1.0)
    counts0 = panel.counts[s0][p_all]
    monthly = counts0 / res[:, None] * 1000
    hot = emerging_hotspots(monthly[:, :months_before].mean(1), monthly[:, months_before:].mean(1), monthly,
                            wijken, seed=seed)
    hot.loc[panel.residents[p_all] <= 0, ["hotspot_class", "hotspot_nl"]] = ["none", "geen patroon"]
    progress.advance()
    progress.finish()

    return WaterbedResult(
        target_code=target_code, target_name=str(names[target_code]), start=start, months_before=months_before,
        months_after=months_after, buffer_rule=rule, control_rule=control, control_text=control_text,
        verdict_signals=tuple(verdict_signals), level=level, table=table, signals_table=sig_table, flows=flows,
        landlords=landlords, n_landlords=n_lords, hotspots=hot, overall=overall, panel=panel, wijken=wijken,
        notes=notes,
    )
