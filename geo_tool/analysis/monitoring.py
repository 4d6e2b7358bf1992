"""Monitoring every intervention: `geo-tool waterbed DIR --all` and the month-by-month early-warning table.

Every intervention in interventions.csv gets the full waterbed analysis (the register's relocations are
computed once and shared). The early-warning table then looks, month by month from the first start on, at
every wijk: in the trailing three months,

- the link (pre-declared, as in `evidence`): did households leaving addresses where enforcement found a
  violation (in an enforced wijk, after its start) register there more often than the households leaving the
  same enforced wijken did in the year before their start? The expectation is each origin's number of such
  households in the window times the origin's own (smoothed) destination share, so neither the level of
  enforcement nor the ordinary turnover of the enforced wijken (its slow drift over the years, its seasons)
  can make a link; exact Poisson test. All households leaving enforced wijken, against their year before
  times the city trend, are shown beside it (``relocations_all``) but decide nothing: that count drifted
  with ordinary turnover and flagged Zuidwijk in 2024-10 where nobody was displaced;
- did the wijk's register signals (new registrations, EU labour migrant registrations, short spells) rise
  beyond their own pre-start level times the city trend (exact Poisson tests)?

A wijk-month is flagged when the link holds after Benjamini-Yekutieli control over all wijk-months (the
trailing windows overlap, so the tests are dependent) with at least 10 households (links are required, and a
handful of moves into a near-empty wijk is no signal), and a register signal confirms it (p < 5 %,
Bonferroni over the three signals) without having risen already in the year before the first start, in two
months in a row (persistence). ``q_signal`` (BH over wijk-months) is reported beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import numpy as np
import pandas as pd
from scipy import stats

from geo_tool.analysis.evidence import MIN_EVIDENCE, SHARE_PRIOR, mark_enforced, violation_findings
from geo_tool.analysis.flows import relocations
from geo_tool.analysis.signals import _bin, address_wijk, register_index, signal_label
from geo_tool.analysis.stats import benjamini_hochberg
from geo_tool.dataset import Dataset
from geo_tool.errors import UsageError
from geo_tool.progress import NullProgress, Progress

WINDOW = 3           # trailing months of the early-warning test
BASE_MONTHS = 12     # months before the first start that set each wijk's own level
ALPHA = 0.05
WARNING_SIGNALS = ("moves_in", "eum_registrations", "short_spells")
EARLY_WARNING_COLUMNS = ["month", "wijk_code", "wijk_name", "linked_to", "relocations", "relocations_expected",
                         "q_link", "signal", "signal_count", "signal_expected", "q_signal", "flag",
                         "relocations_all", "relocations_all_expected"]


@dataclass
class MonitoringResult:
    """The analyses of every intervention and the early-warning table."""

    results: list = field(default_factory=list)          # WaterbedResult per intervention
    skipped: list[str] = field(default_factory=list)     # Dutch reasons for interventions not analysed
    early_warning: pd.DataFrame | None = None

    def overview(self) -> pd.DataFrame:
        """One row per analysed intervention: target, start, judged wijken and the flagged ones."""
        rows = []
        for r in self.results:
            t = r.table
            j = t[t["role"].isin(["buffer", "destination"])]
            flagged = j[j["verdict"] == "displacement"]
            rows.append({"target_code": r.target_code, "target_name": r.target_name, "start": r.start.isoformat(),
                         "judged": len(j), "displacement": "; ".join(flagged["wijk_name"].astype(str)),
                         "diffusion": "; ".join(j.loc[j["verdict"] == "diffusion", "wijk_name"].astype(str))})
        return pd.DataFrame(rows, columns=["target_code", "target_name", "start", "judged", "displacement", "diffusion"])

    def summary(self) -> str:
        """What the CLI prints for --all."""
        lines = [f"Waterbedanalyse van alle {len(self.results)} interventies"]
        for r in self.overview().itertuples():
            lines.append(f"  {r.target_name} ({r.target_code}), start {r.start}: "
                         f"verplaatsing naar {r.displacement or 'geen wijk'} ({r.judged} wijken beoordeeld)")
        lines += [f"  overgeslagen: {s}" for s in self.skipped]
        ew = self.early_warning
        n = int(ew["flag"].sum()) if ew is not None and len(ew) else 0
        lines.append(f"  vroegsignalering: {n} wijk-maanden met een stijging in de BRP en verhuizingen uit "
                     "gehandhaafde adressen (waar een overtreding werd gevonden)")
        if n:
            for r in ew[ew["flag"]].head(12).itertuples():
                lines.append(f"    {r.month} {r.wijk_name}: {signal_label(r.signal)}, gekoppeld aan {r.linked_to}")
        return "\n".join(lines)


def _poisson_p(k: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """One-sided exact Poisson p-value P(X >= k | mu)."""
    return np.where(k > 0, stats.poisson.sf(k - 1, np.maximum(mu, 1e-9)), 1.0)


def early_warning(dataset: Dataset, moves: pd.DataFrame, interventions: pd.DataFrame) -> pd.DataFrame:
    """The early-warning table (see the module docstring), one row per wijk-month with a nominal link."""
    codes = dataset.wijken["code"].astype(str).to_numpy()
    names = pd.Series(dataset.wijken["name"].astype(str).to_numpy(), index=codes)
    index = pd.Index(codes)
    iv = interventions.assign(wijk_code=interventions["wijk_code"].astype(str),
                              start=pd.to_datetime(interventions["start"]))
    iv = iv[iv["wijk_code"].isin(codes) & iv["start"].notna()]
    if iv.empty:
        return pd.DataFrame(columns=EARLY_WARNING_COLUMNS)
    first = iv.groupby("wijk_code")["start"].min()           # each enforced wijk's first start
    t0 = first.min()
    ri = register_index(dataset)
    keep = ~dataset.brp.duplicated(["address_id", "registered_from"]).to_numpy()
    brp = dataset.brp[keep]
    last = max(pd.to_datetime(brp["registered_from"]).max(), pd.to_datetime(moves["moved_on"]).max())
    n_after = max(1, (last.year - t0.year) * 12 + last.month - t0.month + 1)
    edges = pd.DatetimeIndex([t0 + pd.DateOffset(months=k) for k in range(-BASE_MONTHS, n_after + 1)])
    n, nm = len(codes), len(edges) - 1
    enforced = index.isin(first.index)
    # links: relocations from enforced wijken after their start, by destination and month
    # household moves (one origin address to one destination address in one month) and household
    # registrations (one address, one day): persons of a household do not move independently
    moves = moves.assign(_m=pd.to_datetime(moves["moved_on"]).dt.to_period("M"))
    moves = moves.drop_duplicates(["origin_address_id", "destination_address_id", "_m"])
    mv = moves[moves["origin"].isin(first.index) & (moves["destination"] != moves["origin"])]
    o_start = mv["origin"].map(first)
    after = (mv["moved_on"] >= o_start).to_numpy(bool)
    before = ((mv["moved_on"] < o_start) & (mv["moved_on"] >= o_start - pd.DateOffset(months=BASE_MONTHS))).to_numpy(bool)
    dpos = index.get_indexer(mv["destination"].astype(str))
    opos = index.get_indexer(mv["origin"].astype(str))
    # supporting link (shown, never decisive): all households from enforced wijken, against the year before
    link = _bin(mv["moved_on"][after], dpos[after], edges, n)
    base_link = np.bincount(dpos[before & (dpos >= 0)], minlength=n) / BASE_MONTHS
    other = moves[~moves["origin"].isin(first.index)]
    trend_all = _bin(other["moved_on"], index.get_indexer(other["destination"].astype(str)), edges, n).sum(0)
    # register signals per wijk and month
    bpos = ri.brp_wpos[keep]
    eum, short = ri.eum[keep], ri.short[keep]
    sig = {"moves_in": _bin(brp["registered_from"], bpos, edges, n),
           "eum_registrations": _bin(brp["registered_from"][eum], bpos[eum], edges, n),
           "short_spells": _bin(brp["registered_from"][short], bpos[short], edges, n)}

    def trailing(x: np.ndarray) -> np.ndarray:
        c = np.cumsum(x, axis=-1)
        out = c.copy()
        out[..., WINDOW:] = c[..., WINDOW:] - c[..., :-WINDOW]
        return out

    months = np.arange(BASE_MONTHS, nm)   # months from the first start on
    base_trend = trend_all[:BASE_MONTHS].mean() * WINDOW
    trend = np.where(base_trend > 0, trailing(trend_all)[months] / max(base_trend, 1e-9), 1.0)
    k_all = trailing(link)[:, months]
    mu_all = (base_link[:, None] + 0.5 / BASE_MONTHS) * WINDOW * trend[None, :]
    # the link (primary, pre-declared): households leaving addresses where enforcement found a violation in the
    # year before, per destination, against where households leaving the same enforced wijk went in its year
    # before the start. Conditioning on how many left enforced addresses in the window (the level of
    # enforcement) and on each origin's own destination shares takes out what moved the old link: the slow
    # drift of the enforced wijken's ordinary turnover and its seasons (Zuidwijk, 2024-10: 83 households from
    # six enforced wijken against 49 from a base year four years earlier, nobody displaced there)
    enf = mark_enforced(mv, violation_findings(dataset))
    ea = after & enf & (dpos >= 0) & (opos >= 0)
    link_e = _bin(mv["moved_on"][ea], dpos[ea], edges, n)
    k_e = trailing(link_e)[:, months]
    n_orig = _bin(mv["moved_on"][ea], opos[ea], edges, n)          # enforced households leaving, per origin
    n_orig_w = trailing(n_orig)[:, months]
    bb = before & (dpos >= 0) & (opos >= 0)
    share = np.zeros((n, n))
    np.add.at(share, (opos[bb], dpos[bb]), 1.0)
    odest = index.get_indexer(other["destination"].astype(str))
    city_in = np.bincount(odest[odest >= 0], minlength=n).astype(float)
    city_share = city_in / max(city_in.sum(), 1.0)
    # each origin's shares, smoothed towards the city's (a destination never seen before is no certainty);
    # a household never lands in its own wijk here (moves within the origin are not links)
    share = (share + SHARE_PRIOR * city_share[None, :])
    np.fill_diagonal(share, 0.0)
    share = share / np.maximum(share.sum(1, keepdims=True), 1e-12)
    mu_e = share.T @ n_orig_w
    p_link = _poisson_p(k_e, mu_e)
    k_link, mu_link = k_e, mu_e
    rows = []
    best_p, best_k, best_mu = np.ones(k_link.shape), np.zeros(k_link.shape), np.zeros(k_link.shape)
    best_sig = np.full(k_link.shape, "", dtype=object)
    for s, x in sig.items():
        base = x[:, :BASE_MONTHS].mean(1)
        city = x[~enforced].sum(0)
        cb = city[:BASE_MONTHS].mean() * WINDOW
        tr = trailing(city)[months] / cb if cb > 0 else np.ones(len(months))
        k = trailing(x)[:, months]
        mu = (base[:, None] + 0.5 / BASE_MONTHS) * WINDOW * tr[None, :]
        p = _poisson_p(k, mu)
        # guard: the wijk's signal was already rising within the base year (second half vs first half)
        h = BASE_MONTHS // 2
        b1, b2 = x[:, :h].sum(1), x[:, h:BASE_MONTHS].sum(1)
        c1, c2 = city[:h].sum(), city[h:BASE_MONTHS].sum()
        r0 = c2 / c1 if c1 > 0 else 1.0
        nn = b1 + b2
        pre = np.where(nn > 0, stats.binom.sf(b2 - 1, nn, r0 / (1 + r0)), 1.0)
        p = np.where((pre < ALPHA)[:, None], 1.0, p)
        better = p < best_p
        best_p = np.where(better, p, best_p)
        best_k = np.where(better, k, best_k)
        best_mu = np.where(better, mu, best_mu)
        best_sig = np.where(better, s, best_sig)
    # every wijk can receive (an enforced wijk too: a permit scheme does not stop displacement into it)
    cand = np.ones_like(k_link, bool)
    q_link = np.ones_like(p_link)
    q_sig = np.ones_like(best_p)
    q_link[cand] = benjamini_hochberg(p_link[cand], method="by")   # overlapping windows: dependent tests
    q_sig[cand] = benjamini_hochberg(np.minimum(best_p[cand] * len(sig), 1.0))  # Bonferroni over the 3 signals
    raw = cand & (q_link < ALPHA) & (k_link >= MIN_EVIDENCE) & (np.minimum(best_p * len(sig), 1.0) < ALPHA)
    # persistence: a wijk is flagged from the second month in a row that meets the rule (one month alone is
    # too often chance or a shift in enforcement elsewhere)
    flag = raw & np.concatenate([np.zeros((raw.shape[0], 1), bool), raw[:, :-1]], axis=1)
    show = cand & (p_link < ALPHA) & (k_link > 0)
    wi, mi = np.nonzero(show)
    # which enforced wijk the month's moves came from (the largest source)
    src = pd.DataFrame({"d": dpos[ea], "o": mv["origin"][ea].astype(str).to_numpy()})
    top_src = src.groupby(["d", "o"]).size().reset_index().sort_values(0, ascending=False).drop_duplicates("d")
    top_src = pd.Series(top_src["o"].to_numpy(), index=top_src["d"].to_numpy())
    for w, m in zip(wi, mi):
        rows.append({"month": edges[months[m]].strftime("%Y-%m"), "wijk_code": codes[w], "wijk_name": names[codes[w]],
                     "linked_to": names.get(top_src.get(w, ""), ""), "relocations": k_link[w, m],
                     "relocations_expected": mu_link[w, m], "q_link": q_link[w, m], "signal": best_sig[w, m],
                     "signal_count": best_k[w, m], "signal_expected": best_mu[w, m], "q_signal": q_sig[w, m],
                     "flag": bool(flag[w, m]), "relocations_all": k_all[w, m],
                     "relocations_all_expected": mu_all[w, m]})
    out = pd.DataFrame(rows, columns=EARLY_WARNING_COLUMNS)
    return out.sort_values(["flag", "month", "q_link"], ascending=[False, True, True], ignore_index=True)


def run_all_interventions(dataset: Dataset, *, months_before: int = 12, months_after: int = 12,
                          buffer_rule: str = "queen", control: str = "rest", n_boot: int = 1000,
                          progress: Progress | None = None) -> MonitoringResult:
    """Run the waterbed analysis for every intervention in interventions.csv and build the early warning.

    An intervention whose after period would reach beyond the data is analysed with the months that exist
    (at least 2); one with fewer is skipped with a reason.
    """
    from geo_tool.analysis.waterbed import run_waterbed_analysis

    progress = progress or NullProgress()
    iv = dataset.interventions
    if iv is None or iv.empty:
        raise UsageError("--all: interventions.csv has no interventions")
    moves = relocations(dataset.brp, address_wijk(dataset))
    last = pd.to_datetime(dataset.brp["registered_from"]).max()
    out = MonitoringResult()
    todo = iv.assign(start=pd.to_datetime(iv["start"])).drop_duplicates(["wijk_code", "start"]).sort_values("start")
    progress.start(len(todo) + 1, "waterbed --all")
    for r in todo.itertuples():
        progress.step(f"{r.wijk_code} vanaf {r.start.date()}")
        avail = (last.year - r.start.year) * 12 + last.month - r.start.month
        ma = min(months_after, avail)
        if ma < 2:
            out.skipped.append(f"{r.wijk_code} vanaf {r.start.date()}: minder dan 2 maanden na de start in de gegevens")
            progress.advance()
            continue
        out.results.append(run_waterbed_analysis(dataset, str(r.wijk_code), r.start.date(), months_before=months_before,
                                                 months_after=ma, buffer_rule=buffer_rule, control=control,
                                                 n_boot=n_boot, moves=moves))
        progress.advance()
        progress.check_cancelled()
    progress.step("vroegsignalering")
    out.early_warning = early_warning(dataset, moves, iv)
    progress.advance()
    progress.finish()
    return out

