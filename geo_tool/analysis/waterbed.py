"""The waterbed analysis: does enforcement in one wijk push the problems into other wijken?

For an intervention (target wijk, start date) and a before and an after period, this compares the target,
its buffer (neighbours), wijken linked to it by relocations or shared landlords (destinations) and a
control, per month, and gives every buffer and destination wijk a verdict:

- ``displacement`` (verplaatsing), on direct evidence: the wijk received a clear excess of the target's
  people (persons leaving target or enforced addresses who registered there within 60 days) or of activity
  at the target's landlords' addresses there, on the pre-declared primary test of a channel (households from
  enforced addresses; new registrations at the landlords' addresses): Benjamini-Hochberg q < 5 % over the
  primary family (one test per wijk and channel, `evidence`), the exact interval of the excess above zero and
  no rise already in the before period; even when its area-wide complaints did not move. The other kinds are
  supporting evidence, shown beside it;
- ``displacement`` on area signals: a rise beyond the city trend (WDD, BH q < 5 % over judged wijken x verdict
  signals, DiD interval above zero) in a wijk with at least a nominal link to the target, while the target
  went down on complaints or register signals, and no rise already before the start;
- ``diffusion`` (uitstraling van positieve effecten): a fall beyond the city trend by the same rules;
- ``no_evidence`` (geen aanwijzing): otherwise, with the smallest displacement the data could have shown.

Links are always required: a rise without the target's people or landlords is never displacement.
A synthetic control with placebo-in-space inference is reported beside WDQ, WDD and DiD.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd

from geo_tool.analysis.areas import BufferRule, buffer_wijken, control_wijken, resolve_wijk
from geo_tool.analysis.evidence import (  # noqa: F401 (DirectEvidence: annotation)
    MIN_EVIDENCE, DirectEvidence, direct_evidence, evidence_sentence,
)
from geo_tool.analysis.disclose import flows_suppression, protect_evidence_text
from geo_tool.analysis.flows import relocation_flows, relocations
from geo_tool.analysis.hotspots import emerging_hotspots
from geo_tool.analysis.signals import SignalPanel, address_wijk, build_signals, signal_label
from geo_tool.analysis.stats import (
    benjamini_hochberg, did_bootstrap, success_measure, wdd_proportional, wdq, wdq_interpretation,
)
from geo_tool.analysis.synth import SynthResult, synth_panel
from geo_tool.dataset import Dataset
from geo_tool.errors import UsageError
from geo_tool.progress import NullProgress, Progress

VERDICTS = ("displacement", "diffusion", "no_evidence")
VERDICT_NL = {"displacement": "verplaatsing", "diffusion": "uitstraling van positieve effecten",
              "no_evidence": "geen aanwijzing"}
ROLE_NL = {"target": "doelwijk", "buffer": "buurwijk", "destination": "bestemmingswijk", "control": "controle"}
#: Signals whose intervals decide the verdict (the first is the headline signal of waterbed.csv).
DEFAULT_VERDICT_SIGNALS = ("complaints", "eum_registrations", "moves_in")
#: Signals with a synthetic control (complaints beside register-based signals, issue 12).
SYNTH_SIGNALS = ("complaints", "eum_registrations", "moves_in", "short_spells", "crowding")
#: Short Dutch names of the direct evidence kinds (the `link` column).
EVIDENCE_SHORT_NL = {"from_target": "verhuizingen uit de doelwijk", "from_enforced": "verhuizingen uit gehandhaafde adressen",
                     "landlord:moves_in": "verhuurders: inschrijvingen", "landlord:eum_registrations": "verhuurders: EU-inschrijvingen",
                     "landlord:short_spells": "verhuurders: korte inschrijvingen", "landlord:registered": "verhuurders: drukte",
                     "landlord:complaints": "verhuurders: meldingen", "landlord:violations": "verhuurders: overtredingen"}
#: q_value belongs to the strongest direct evidence; verdict_q to what the verdict rests on (direct or area)
DETAIL_COLUMNS = ["evidence_kind", "evidence", "excess", "excess_lo", "excess_hi", "q_value", "detectable_persons",
                  "detectable_addresses", "verdict_q"]
#: Signals reported for every area (complaint categories are added from the data).
REPORT_SIGNALS = ("complaints", "violations", "inspections", "eum_registrations", "rni_registrations",
                  "moves_in", "moves_out", "short_spells", "crowding", "relocations_from_target",
                  "eum_relocations_from_target")
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
    evidence: "DirectEvidence | None" = None      # direct evidence rows (persons, landlords) per wijk
    synth: dict = field(default_factory=dict)      # signal -> SynthResult
    synth_table: pd.DataFrame | None = None        # per unit and signal: effect, fit, placebo p-values
    flow_suppression: dict | None = None          # disclose.flows_suppression(table, flows), decided once

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
            f"FDR 5 % (Benjamini-Hochberg) over de hoofdtoetsen per wijk en kanaal en over wijken en signalen; "
            f"intervallen {self.level * 100:.0f} %",
            f"  doelwijk ({signal_label(self.verdict_signals[0])}): WDD {_n(o['target_wdd'], 1)} "
            f"[{_n(o['target_wdd_ci'][0], 1)}, {_n(o['target_wdd_ci'][1], 1)}], succesmaat {_n(o['success'], 4)}; "
            f"WDQ buffer totaal {_fmt(o['wdq_total'])} ({o['wdq_reading']}); "
            f"totale WDD {_n(o['total_wdd'], 1)} [{_n(o['total_wdd_ci'][0], 1)}, {_n(o['total_wdd_ci'][1], 1)}]",
        ]
        judged = self.table[self.table["role"].isin(["buffer", "destination"])]
        for r in judged.itertuples():
            lines.append(
                f"  {ROLE_NL[r.role]:<15} {r.wijk_code} {r.wijk_name:<24} {VERDICT_NL[r.verdict]:<34} "
                f"[{signal_label(r.signal)}] WDD {_n(r.wdd, 1)} [{_n(r.wdd_ci_low, 1)}, {_n(r.wdd_ci_high, 1)}] "
                f"DiD {_n(r.did, 3)} [{_n(r.did_ci_low, 3)}, {_n(r.did_ci_high, 3)}] per 1.000 bew./mnd; "
                f"WDQ {_fmt(r.wdq)}; {r.link or 'geen koppeling'}"
            )
            lines.append(f"      {r.reason}" + (f"; {r.detectable_text}" if r.verdict == "no_evidence" and
                                                 r.detectable_text else ""))
        n_disp = int((judged["verdict"] == "displacement").sum())
        lines.append(f"  oordeel: {n_disp} wijk(en) met verplaatsing, "
                     f"{int((judged['verdict'] == 'diffusion').sum())} met uitstraling van positieve effecten")
        lines += [f"  let op: {n}" for n in self.notes]
        return "\n".join(lines)


def undetectable_text(row: "pd.Series | dict") -> str:
    """For a wijk without a flag: the smallest displacement its primary test could have shown (issue 12)."""
    a, p = float(row.get("detectable_addresses", np.nan)), float(row.get("detectable_persons", np.nan))
    if not np.isfinite(a):
        return ""
    return (f"met deze gegevens zou een verplaatsing van minder dan ~{max(1, int(np.ceil(a)))} adressen "
            f"(~{max(1, int(np.ceil(p)))} personen) niet zichtbaar zijn")


def detected_text(row: "pd.Series | dict") -> str:
    """For a flagged wijk: what was detected, the excess of the evidence the flag rests on with its interval
    (rounded to 5 like every derived count in the report), not what would have been invisible."""
    from geo_tool.analysis.disclose import round5

    ex, lo, hi = (float(row.get(c, np.nan)) for c in ("excess", "excess_lo", "excess_hi"))
    if not np.isfinite(ex):
        return ""
    unit = "huishoudens" if not str(row.get("evidence_kind", "")).startswith("landlord:") else "gebeurtenissen"
    return (f"gezien: ongeveer {round5(ex)} {unit} meer dan verwacht (95 %-interval {round5(lo)} tot "
            f"{round5(hi)})")


def _fmt(x: float) -> str:
    return "n.v.t." if x is None or not np.isfinite(x) else _n(x, 2)


def _n(x: float, nd: int) -> str:
    """A signed number with ``nd`` decimals and a Dutch decimal comma (the terminal summary is read in Dutch)."""
    return "n.v.t." if x is None or not np.isfinite(x) else f"{x:+.{nd}f}".replace(".", ",")


def _start_from_interventions(dataset: Dataset, target_code: str, target: str) -> date:
    iv = dataset.interventions
    if iv is None or iv.empty:
        raise UsageError("no start date given and interventions.csv has no interventions: give --start")
    codes = iv["wijk_code"].astype(str)
    hit = iv[(codes.str.upper() == target_code.upper()) | (codes.str.lower() == str(target).lower())]
    if hit.empty:
        raise UsageError(f"no start date given and interventions.csv has no intervention in {target!r}: give --start")
    return pd.Timestamp(hit["start"].max()).date()  # the most recent intervention in the target


def _one_sided_p(est: float, se: float, side: str) -> float:
    """Normal one-sided p-value of a WDD (``up``: a rise)."""
    from scipy import stats as st

    if not np.isfinite(est) or not np.isfinite(se) or se <= 0:
        return 1.0
    z = est / se
    return float(st.norm.sf(z) if side == "up" else st.norm.cdf(z))


def _area_stats(panel: SignalPanel, signal: str, area: list[str], target: list[str], control: list[str],
                level: float, n_boot: int, seed: int) -> dict:
    """WDQ, WDD (with one-sided p-values) and DiD of ``area`` on one signal (see the module docstring)."""
    nb = panel.n_before
    stock = signal == "crowding"
    xr = panel.rate_series(signal, area)
    cr = panel.rate_series(signal, control)
    if stock:  # a stock has no Poisson counts: WDD on the monthly means of the registered stock
        xs, cs, rs = (panel.series("registered", a) for a in (area, control, target))
        xb, xa, cb, ca, rb, ra = xs[:nb].mean(), xs[nb:].mean(), cs[:nb].mean(), cs[nb:].mean(), rs[:nb].mean(), rs[nb:].mean()
    else:
        xb, xa = panel.before_after(signal, area)
        rb, ra = panel.before_after(signal, target)
        cb, ca = panel.before_after(signal, control)
    w = wdd_proportional((xb, xa), (cb, ca), level)
    if np.isfinite(xr).all() and np.isfinite(cr).all():
        d = did_bootstrap(xr[:nb], xr[nb:], cr[:nb], cr[nb:], n_boot=n_boot, level=level, seed=seed)
        did, dlo, dhi = d.estimate, d.ci_low, d.ci_high
    else:
        did = dlo = dhi = float("nan")
    lo, hi = w.ci
    # pre-trend: the second half of the before period against the first, with the control's trend
    h = nb // 2
    xs_ = panel.series("registered" if stock else signal, area)
    cs_ = panel.series("registered" if stock else signal, control)
    pw = wdd_proportional((xs_[:h].sum(), xs_[h:nb].sum()), (cs_[:h].sum(), cs_[h:nb].sum()))
    return {"signal": signal, "before": xb, "after": xa, "control_before": cb, "control_after": ca,
            "wdq": wdq(rb, ra, xb, xa, cb, ca), "wdd": w.estimate, "wdd_se": w.se, "wdd_ci_low": lo,
            "wdd_ci_high": hi, "did": did, "did_ci_low": dlo, "did_ci_high": dhi,
            "p_up": _one_sided_p(w.estimate, w.se, "up"), "p_down": _one_sided_p(w.estimate, w.se, "down"),
            "pre_p_up": _one_sided_p(pw.estimate, pw.se, "up") if not stock else 1.0,
            "rate_before": np.nanmean(xr[:nb]) * (1 if stock else 12) if np.isfinite(xr).all() else np.nan,
            "rate_after": np.nanmean(xr[nb:]) * (1 if stock else 12) if np.isfinite(xr).all() else np.nan}


def _rates_matrix(panel: SignalPanel, signal: str) -> np.ndarray:
    """Monthly rates of every wijk (rows in panel order): per 1,000 residents, crowding per 10 m²."""
    if signal == "crowding":
        fa = panel.floor_area if panel.floor_area is not None else np.full(len(panel.codes), np.nan)
        with np.errstate(divide="ignore", invalid="ignore"):
            return panel.counts["registered"] / fa[:, None] * 10.0
    res = np.where(panel.residents > 0, panel.residents, np.nan)
    return panel.counts[signal] / res[:, None] * 1000.0


def run_waterbed_analysis(dataset: Dataset, target: str, start: date | None, *, months_before: int = 12,
                          months_after: int = 12, buffer_rule: str = "queen", control: str = "rest",
                          verdict_signals: tuple[str, ...] = DEFAULT_VERDICT_SIGNALS, n_boot: int = 4000,
                          seed: int = 0, progress: Progress | None = None,
                          moves: pd.DataFrame | None = None) -> WaterbedResult:
    """Measure displacement from ``target`` (wijk code or name) around ``start`` into other wijken.

    Direct evidence first (persons and landlords followed from the target, `evidence.direct_evidence`),
    then area signals: WDQ (Bowers & Johnson 2003), WDD (Wheeler & Ratcliffe 2018) and a month-bootstrap DiD
    per wijk and signal, a synthetic control with placebo-in-space inference on complaint and register
    signals, emerging hot spots; a verdict per buffer and destination wijk with FDR control (Benjamini-
    Hochberg) over wijken and signals, and per judged wijk the smallest displacement the data could show.
    ``start`` None takes the latest start of the target in interventions.csv; ``moves`` (from
    `flows.relocations`) may be passed to reuse it across targets. Nothing here reads today's date.
    Needs the director role (or planner).
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
    progress.start(7, "waterbed")

    progress.step("signalen per wijk en maand")
    if moves is None:
        moves = relocations(dataset.brp, address_wijk(dataset))
    panel = build_signals(dataset, start, months_before, months_after, target_code=target_code, moves=moves)
    notes += panel.notes
    for s in verdict_signals:
        if s not in panel.counts:
            raise UsageError(f"signal {s!r} unknown: use one of {', '.join(sorted(panel.counts))}")
    progress.advance()
    progress.check_cancelled()

    progress.step("directe aanwijzingen: verhuizingen en verhuurders")
    buffer = buffer_wijken(wijken, target_code, rule)
    flows = relocation_flows(moves, target_code, start, months_before, months_after)
    evidence, landlords, n_lords = direct_evidence(dataset, moves, target_code, start, months_before, months_after)
    if n_lords == 0:
        notes.append("geen verhuurders bekend voor adressen in de doelwijk (permits.csv zonder landlord_id)")
    ev = evidence.table
    significant = set(ev.loc[(ev["q_value"] < FAMILY_ALPHA) & (ev["observed"] >= MIN_EVIDENCE), "wijk_code"].astype(str))
    clear = evidence.clear(FAMILY_ALPHA)
    nominal = evidence.linked(FAMILY_ALPHA)
    destinations = sorted((significant - set(buffer) - {target_code}) & set(names.index))
    if len(landlords):
        lq = ev[ev["kind"].str.startswith("landlord:")].pivot_table(index="wijk_code", columns="kind",
                                                                    values="q_value", aggfunc="min")
        landlords["q_min"] = landlords["wijk_code"].map(lq.min(axis=1)).fillna(1.0).to_numpy(float)
        landlords["rising"] = [", ".join(k.split(":", 1)[1] for k in lq.columns if lq.loc[c, k] < FAMILY_ALPHA)
                               if c in lq.index else "" for c in landlords["wijk_code"]]
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
    level = 0.95
    tgt = [target_code]
    report_signals = list(dict.fromkeys([*verdict_signals, *REPORT_SIGNALS,
                                         *sorted(s for s in panel.counts if s.startswith("complaints:"))]))
    if panel.floor_area is None or not np.isfinite(panel.floor_area).any():
        report_signals = [s for s in report_signals if s != "crowding"]
    rows = []
    areas = [("target", target_code, tgt), ("buffer_total", "buffer", buffer)] + \
            [("buffer", c, [c]) for c in buffer] + [("destination", c, [c]) for c in destinations] + \
            [("control_total", "controle", ctrl)]
    for i, sig in enumerate(report_signals):
        for j, (role, code, area) in enumerate(areas):
            if not area:
                continue
            st = _area_stats(panel, sig, area, tgt, ctrl, level, n_boot, seed + 7919 * i + j)
            rows.append({"area": code, "role": role, "level": level, **st})
        progress.check_cancelled()
    sig_table = pd.DataFrame(rows)
    sig_table["signal_nl"] = sig_table["signal"].map(signal_label)
    # FDR over the judged wijken x verdict signals, separately for rises and falls
    fam = sig_table["role"].isin(["buffer", "destination"]) & sig_table["signal"].isin(verdict_signals)
    sig_table["q_up"] = np.nan
    sig_table["q_down"] = np.nan
    if fam.any():
        sig_table.loc[fam, "q_up"] = benjamini_hochberg(sig_table.loc[fam, "p_up"].to_numpy(float))
        sig_table.loc[fam, "q_down"] = benjamini_hochberg(sig_table.loc[fam, "p_down"].to_numpy(float))
    progress.advance()

    progress.step("synthetische controle (placebo's over de controlewijken)")
    synth: dict[str, SynthResult] = {}
    donors = [c for c in ctrl if panel.residents[panel.pos([c])[0]] > 0]
    for sig in SYNTH_SIGNALS:
        if sig not in panel.counts and sig != "crowding":
            continue
        rates = _rates_matrix(panel, sig)
        if sig == "crowding" and not np.isfinite(rates).any():
            continue
        synth[sig] = synth_panel(rates, list(panel.codes), [target_code, *judged], donors, months_before, sig)
        progress.check_cancelled()
    synth_rows = []
    for sig, sr in synth.items():
        for code, f in sr.fits.items():
            top = np.argsort(f.weights)[::-1][:3]
            synth_rows.append({"wijk_code": code, "signal": sig, "effect": f.effect, "pre_rmspe": f.pre_rmspe,
                               "ratio": f.ratio, "p_up": sr.p_value(code, "up"), "p_down": sr.p_value(code, "down"),
                               "donors": ", ".join(f"{names.get(sr.donor_codes[k], sr.donor_codes[k])} "
                                                   f"{f.weights[k]:.2f}" for k in top if f.weights[k] > 0.005)})
    synth_table = pd.DataFrame(synth_rows, columns=["wijk_code", "signal", "effect", "pre_rmspe", "ratio", "p_up",
                                                    "p_down", "donors"])
    progress.advance()

    # verdicts
    def stat(code: str, sig: str) -> dict:
        r = sig_table[(sig_table["area"] == code) & (sig_table["signal"] == sig)]
        return r.iloc[0].to_dict()

    # the target "went down" when its register signals did, whatever its complaints did (a campaign
    # raises reporting): any of complaints, EU registrations or crowding below the city trend
    down_signals = [s for s in ("complaints", "eum_registrations", "crowding") if s in report_signals]
    target_down = any(stat(target_code, s)["wdd"] < 0 for s in down_signals)
    out_rows = []
    tstat = stat(target_code, verdict_signals[0])
    out_rows.append({**{c: tstat[c] for c in ["wdd", "wdd_ci_low", "wdd_ci_high", "did", "did_ci_low", "did_ci_high"]},
                     "wijk_code": target_code, "role": "target", "wdq": np.nan, "verdict": "no_evidence",
                     "signal": verdict_signals[0], "link": "", "evidence": "",
                     "reason": "doelwijk: WDD < 0 is afname t.o.v. de stadstrend (succes)"})
    best_ev = evidence.best()
    ppa = evidence.persons_per_address
    for role, codes in (("buffer", buffer), ("destination", destinations)):
        for code in codes:
            wname = str(names[code])
            mine = ev[ev["wijk_code"] == code]
            links = [EVIDENCE_SHORT_NL[k] for k in mine.loc[mine["p_value"] < FAMILY_ALPHA, "kind"]]
            clear_rows = clear[clear["wijk_code"] == code].sort_values("q_value")
            area_rows = [stat(code, s) for s in verdict_signals]
            best_area = min(area_rows, key=lambda r: (r["q_up"] if np.isfinite(r["q_up"]) else 1.0))
            # the detectable size of the test the verdict would rest on: the wijk's primary person-channel test
            pr_ = evidence.person_row(code)
            det_p = float(pr_["detectable"]) if pr_ is not None else float("nan")
            ppr = (float(pr_["persons_expected"]) / float(pr_["expected"])
                   if pr_ is not None and float(pr_["expected"]) > 0 else ppa)
            row = {"wijk_code": code, "role": role, "link": "; ".join(links),
                   "detectable_persons": det_p * max(ppr, 1.0), "detectable_addresses": det_p}
            pre_rows = mine[(mine["q_value"] < FAMILY_ALPHA) & (mine["pre_p"] < FAMILY_ALPHA)]
            if len(clear_rows):
                e = clear_rows.iloc[0]
                v, reason, st = "displacement", "directe aanwijzing: " + evidence_sentence(e, wname, str(names[target_code])), best_area
                row.update(evidence_kind=e["kind"], evidence=evidence_sentence(e, wname, str(names[target_code])),
                           excess=e["excess"], excess_lo=e["excess_lo"], excess_hi=e["excess_hi"], q_value=e["q_value"],
                           verdict_q=e["q_value"])
            else:
                up = [r for r in area_rows if r["q_up"] < FAMILY_ALPHA and r["did_ci_low"] > 0]
                down = [r for r in area_rows if r["q_down"] < FAMILY_ALPHA and r["did_ci_high"] < 0
                        and r["wdd_ci_high"] < 0]
                st = best_area
                if len(pre_rows) and code not in nominal:
                    v, reason = "no_evidence", "stijging van de koppeling met de doelwijk die al vóór de start begon"
                elif up and (code in nominal) and target_down and not any(r["pre_p_up"] < FAMILY_ALPHA for r in up):
                    st = up[0]
                    v, reason = "displacement", (f"stijging van {signal_label(st['signal'])} boven de stadstrend "
                                                 f"(FDR q = {st['q_up']:.3f}) met koppeling aan de doelwijk".replace(".", ","))
                elif up and code not in nominal:
                    st = up[0]
                    v, reason = "no_evidence", "stijging zonder verhuizingen of verhuurders uit de doelwijk"
                elif up and not target_down:
                    st = up[0]
                    v, reason = "no_evidence", "stijging, maar de doelwijk daalde niet"
                elif up:
                    st = up[0]
                    v, reason = "no_evidence", "stijging die al vóór de start begon"
                elif down and target_down:
                    st = down[0]
                    v, reason = "diffusion", "daling boven de stadstrend (WDD- en DiD-interval onder nul, FDR)"
                else:
                    v, reason = "no_evidence", "geen duidelijke stijging (FDR 5 %)"
                b = best_ev.loc[code] if code in best_ev.index else None
                if b is not None:
                    row.update(evidence_kind=b["kind"], evidence=evidence_sentence(b, wname, str(names[target_code])),
                               excess=b["excess"], excess_lo=b["excess_lo"], excess_hi=b["excess_hi"],
                               q_value=b["q_value"])
            row.update({c: st[c] for c in ["wdq", "wdd", "wdd_ci_low", "wdd_ci_high", "did", "did_ci_low", "did_ci_high"]})
            row.setdefault("verdict_q", st["q_up"] if v == "displacement" else
                           st["q_down"] if v == "diffusion" else np.nan)
            row.update(verdict=v, signal=st["signal"], reason=reason)
            out_rows.append(row)
    for code in ctrl:
        out_rows.append({"wijk_code": code, "role": "control", "verdict": "no_evidence", "signal": "",
                         "link": "", "evidence": "", "reason": "controlewijk"})
    table = pd.DataFrame(out_rows)
    for c in DETAIL_COLUMNS:
        if c not in table.columns:
            table[c] = np.nan
    table["wijk_name"] = table["wijk_code"].map(names)
    table["verdict_nl"] = table["verdict"].map(VERDICT_NL)
    table["role_nl"] = table["role"].map(ROLE_NL)
    table["detectable_text"] = [detected_text(r) if r["verdict"] == "displacement" else undetectable_text(r)
                                for _, r in table.iterrows()]
    table = table[WATERBED_COLUMNS + ["verdict_nl", "role_nl", "signal", "link", "reason", *DETAIL_COLUMNS,
                                      "detectable_text"]]
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
    suppression = flows_suppression(table, flows)  # decided once: every output empties the same flows
    table = protect_evidence_text(table, flows, suppression)  # an emptied flow is not told in a sentence either

    return WaterbedResult(
        target_code=target_code, target_name=str(names[target_code]), start=start, months_before=months_before,
        months_after=months_after, buffer_rule=rule, control_rule=control, control_text=control_text,
        verdict_signals=tuple(verdict_signals), level=level, table=table, signals_table=sig_table, flows=flows,
        landlords=landlords, n_landlords=n_lords, hotspots=hot, overall=overall, panel=panel, wijken=wijken,
        notes=notes, evidence=evidence, synth=synth, synth_table=synth_table, flow_suppression=suppression,
    )
