"""Writing the waterbed report: CSV tables, hot-spot GeoPackage, maps, charts, report.md and report.pdf.

Every file goes through `geo_tool.fileio` (temporary name, then rename). Counts leave the tool only
disclosure-controlled (1-9 suppressed, others rounded to 5), as researcher exports do
(`geo_tool.export.disclosure`); shares, rates and ratios of a published count are derived from the
**rounded** counts and published with one decimal, so share x denominator gives back the rounded count,
never the exact one. Model estimates (WDQ, WDD, DiD and their intervals, p-values) are rounded coarser.
Tables that cannot be protected this way (per-wijk model details, synthetic-control weights,
landlord figures) are listed as internal in the folder's `disclosure.json` and `LEESMIJ_onthulling.txt`.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg", force=False)  # headless; never a GUI backend from the core
import matplotlib.dates as mdates  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import FancyArrowPatch, Patch  # noqa: E402
from matplotlib.ticker import ScalarFormatter  # noqa: E402

from geo_tool.analysis.disclose import (  # noqa: E402
    BASE, FLOW_COUNTS, SUPPRESSED, THRESHOLD, disclose_counts, flows_suppression)
from geo_tool.export.disclosure import round_decimals  # noqa: E402
from geo_tool.analysis.hotspots import HOTSPOT_CLASSES, HOTSPOT_LABELS_NL  # noqa: E402
from geo_tool.analysis.signals import signal_label, signal_short_label  # noqa: E402
from geo_tool.analysis.waterbed import ROLE_NL, VERDICT_NL, WaterbedResult  # noqa: E402
from geo_tool.fileio import GPKG_DATASET_OPTIONS, atomic_path, write_csv_atomic, write_text_atomic  # noqa: E402

ROLE_COLOURS = {"target": "#d55e00", "buffer": "#e69f00", "destination": "#cc79a7", "control": "#d9d9d9",
                "other": "#ffffff"}
HOTSPOT_COLOURS = {"new": "#fdae61", "intensifying": "#b2182b", "persistent": "#d6604d", "diminishing": "#f4a582",
                   "cold": "#4393c3", "none": "#f7f7f7"}


def disclosure_note() -> str:
    """The Dutch sentence about disclosure control that every table and the report carry."""
    return (f"Onthullingscontrole: aantallen 1-{THRESHOLD - 1} onderdrukt (<{THRESHOLD}), overige afgerond op "
            f"{BASE}; bij de verhuizingen uit de doelwijk zo nodig ook het kleinste andere aantal (secundaire "
            f"onderdrukking), zodat een totaal min de getoonde stromen geen onderdrukt aantal geeft; aandelen, cijfers per 1000 en verhoudingen berekend op de afgeronde aantallen, met één "
            f"decimaal. Interne tabellen (niet delen): {', '.join(INTERNAL_FILES)}.")


PUBLIC_DECIMALS = 1  # shares, rates and ratios derived from published counts
ESTIMATE_DECIMALS = 2  # model ratios (WDQ, DiD) and p-values
INTERNAL_FILES = ("waterbed_details.csv", "synthetic_control.csv", "landlords.csv")


def rate_from_rounded(rate, exact, published) -> np.ndarray:
    """A rate or share as published: the exact rate scaled by published/exact count, one decimal.

    The same exposure (residents x years) divides the rounded count instead of the exact one, so a
    reader who multiplies it back gets the rounded count; a suppressed count empties its rate, 0 stays 0.
    """
    r = pd.to_numeric(pd.Series(rate), errors="coerce").to_numpy(float)
    e = pd.to_numeric(pd.Series(exact), errors="coerce").to_numpy(float)
    p = pd.to_numeric(pd.Series(published), errors="coerce").to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        scaled = np.where(e > 0, r * p / e, np.where(e == 0, r, np.nan))
    return round_decimals(scaled, PUBLIC_DECIMALS)


def disclosure_rules() -> dict:
    """The rules the waterbed folder's tables follow, written beside them (`disclosure.json`)."""
    return {"threshold": THRESHOLD, "rounding_base": BASE,
            "counts": f"1-{THRESHOLD - 1} onderdrukt (leeg, vlag {SUPPRESSED}), overige afgerond op {BASE}",
            "secondary_suppression": ("verhuizingen uit de doelwijk (flows.csv, en dezelfde aantallen in signals.csv en "
                                      "evidence.csv): per aantal en periode zo nodig ook het kleinste andere aantal "
                                      "van de buurwijken of de controlewijken onderdrukt (zelfde vlag), zodat het "
                                      "totaal in signals.csv min de getoonde stromen geen onderdrukt aantal geeft; "
                                      "ook dat totaal zelf kan onderdrukt zijn"),
            "shares_rates_ratios": f"berekend op de afgeronde aantallen, {PUBLIC_DECIMALS} decimaal; leeg als een "
                                   "aantal ervan onderdrukt is",
            "model_estimates": f"WDQ, DiD en p-waarden {ESTIMATE_DECIMALS} decimalen, WDD {PUBLIC_DECIMALS} decimaal",
            "internal_files": list(INTERNAL_FILES),
            "internal_note": "INTERN: deze bestanden zijn niet onthullingsgecontroleerd; niet buiten de "
                             "organisatie delen"}


def _fmt(x: float, nd: int = 1) -> str:
    return "" if x is None or not np.isfinite(x) else f"{x:+.{nd}f}"


def waterbed_csv_frame(result: WaterbedResult) -> pd.DataFrame:
    """waterbed.csv: the contract's columns, ratios rounded to 4 and differences to 2 decimals."""
    t = result.waterbed_frame()
    t["wdq"] = round_decimals(t["wdq"].astype(float), ESTIMATE_DECIMALS)
    for c in ["wdd", "wdd_ci_low", "wdd_ci_high"]:
        t[c] = round_decimals(t[c].astype(float), PUBLIC_DECIMALS)
    for c in ["did", "did_ci_low", "did_ci_high"]:
        t[c] = round_decimals(t[c].astype(float), ESTIMATE_DECIMALS)
    return t


def _flow_suppression(result) -> dict:
    """The analysis's decided suppression of the flows (computed for a result made without one)."""
    sup = getattr(result, "flow_suppression", None)
    return sup if sup is not None else flows_suppression(result.table, result.flows)


def flows_csv_frame(result: WaterbedResult) -> pd.DataFrame:
    """flows.csv: relocations out of the target per destination wijk, counts disclosure-controlled.

    Tests use the unrounded counts; emptied cells (1-9, or emptied to protect one because signals.csv
    publishes totals of these flows, see `flows_suppression`) carry the flag ``onderdrukt``; the
    after/before ratio is computed from the published (rounded) counts with one decimal and is empty when
    either count is; p- and q-values have two decimals.
    """
    f = result.flows.copy()
    sup = _flow_suppression(result)
    names = pd.Series(result.wijken["name"].astype(str).to_numpy(), index=result.wijken["code"].astype(str).to_numpy())
    out = pd.DataFrame({
        "origin_code": f["origin"].astype(str),
        "origin_name": f["origin"].astype(str).map(names),
        "destination_code": f["destination"].astype(str),
        "destination_name": f["destination"].astype(str).map(names).fillna("onbekend / buiten de gemeente"),
    })
    for c in FLOW_COUNTS:
        out[c] = disclose_counts(f[c], sup[c][0]).array
        out[f"{c}_flag"] = np.where(out[c].isna().to_numpy(), SUPPRESSED, "")
    pub_before = pd.to_numeric(out["before"], errors="coerce").astype(float).to_numpy()
    pub_after = pd.to_numeric(out["after"], errors="coerce").astype(float).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where((pub_before > 0) & np.isfinite(pub_after), pub_after / pub_before, np.nan)
    out["ratio_after_before"] = round_decimals(ratio, PUBLIC_DECIMALS)
    out["expected_ratio"] = round_decimals(f["expected_ratio"].astype(float).to_numpy(), PUBLIC_DECIMALS)
    out["p_value"] = round_decimals(f["p_value"].astype(float).to_numpy(), ESTIMATE_DECIMALS)
    out["q_value"] = round_decimals(f["q_value"].astype(float).to_numpy(), ESTIMATE_DECIMALS)
    out["significant_rise"] = (f["q_value"] < 0.05).to_numpy()
    role = result.table.set_index("wijk_code")["role"]
    out["destination_role"] = out["destination_code"].map(role).fillna("")
    return out


def _flow_signal_masks(result: WaterbedResult, s: pd.DataFrame, suppression: dict) -> dict[str, np.ndarray]:
    """Rows of the signals table whose before/after repeat an emptied flow or total."""
    masks = {k: np.zeros(len(s), bool) for k in ("before", "after")}
    dest = result.flows["destination"].astype(str).to_numpy()
    for c, (signal, col) in FLOW_COUNTS.items():
        cells, totals = suppression[c]
        hidden = set(dest[cells]) | {a for a, t in totals.items() if t}
        rows = (s["signal"] == signal).to_numpy()
        masks[col] |= rows & s["area"].astype(str).isin(hidden).to_numpy()
    return masks


def signals_csv_frame(result: WaterbedResult) -> pd.DataFrame:
    """signals.csv: every signal x area with before/after counts (disclosure-controlled) and WDQ/WDD/DiD.

    The relocations from the target repeat flows.csv's flows and their buffer and control totals: a cell
    emptied there (`flows_suppression`) is emptied here too.
    """
    s = result.signals_table.copy().reset_index(drop=True)
    names = pd.Series(result.wijken["name"].astype(str).to_numpy(), index=result.wijken["code"].astype(str).to_numpy())
    s["area_name"] = s["area"].map(names).fillna(s["area"])
    exact = {c: s[c].copy() for c in ["before", "after"]}
    hide = _flow_signal_masks(result, s, _flow_suppression(result))
    for c in ["before", "after", "control_before", "control_after"]:
        s[c] = disclose_counts(s[c], hide.get(c)).array
    for c in ["before", "after"]:  # per 1000 per year from the rounded count, one decimal
        s[f"rate_{c}"] = rate_from_rounded(s[f"rate_{c}"], exact[c], s[c])
    cols = ["signal", "signal_nl", "area", "area_name", "role", "before", "after", "rate_before", "rate_after",
            "wdq", "wdd", "wdd_se", "wdd_ci_low", "wdd_ci_high", "did", "did_ci_low", "did_ci_high", "level"]
    s = s[cols].rename(columns={"rate_before": "per_1000_per_year_before", "rate_after": "per_1000_per_year_after"})
    for c in ["wdq", "did", "did_ci_low", "did_ci_high"]:
        s[c] = round_decimals(s[c].astype(float), ESTIMATE_DECIMALS)
    for c in ["wdd", "wdd_se", "wdd_ci_low", "wdd_ci_high"]:
        s[c] = round_decimals(s[c].astype(float), PUBLIC_DECIMALS)
    return s.round({"level": 4})


class _DutchFormatter(ScalarFormatter):
    """Matplotlib's number ticks with a Dutch decimal comma (0,41 instead of 0.41)."""

    def __call__(self, x, pos=None):  # noqa: D102 (matplotlib API)
        return super().__call__(x, pos).replace(".", ",")


def _dutch_ticks(fig: Figure) -> None:
    """Every numeric axis of ``fig`` (not dates, not maps in metres) gets decimal commas."""
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if type(axis.get_major_formatter()) is ScalarFormatter:
                fmt = _DutchFormatter()
                fmt.set_useOffset(False)
                axis.set_major_formatter(fmt)


def _save(fig: Figure, path: Path) -> Path:
    _dutch_ticks(fig)
    FigureCanvasAgg(fig)
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format=path.suffix.lstrip("."), dpi=150, bbox_inches="tight")
    return path


def _roles_frame(result: WaterbedResult):
    g = result.wijken[["code", "name", "geometry"]].copy()
    g["code"] = g["code"].astype(str)
    role = result.table.set_index("wijk_code")["role"]
    verdict = result.table.set_index("wijk_code")["verdict"]
    g["role"] = g["code"].map(role).fillna("other")
    g["verdict"] = g["code"].map(verdict).fillna("")
    return g


def _label_wijken(ax, g, pts, width: float) -> None:
    """Names of the target, buffer and destination wijken on top of the arrows, with a white halo; a label that
    would touch an earlier one (its text is about 0,009 of the map's ``width`` per character) moves down a line."""
    from matplotlib import patheffects

    placed: list[tuple[float, float, int]] = []
    char, dy = 0.009 * width, 0.022 * width
    for code in g.loc[g["role"].isin(["target", "buffer", "destination"]), "code"]:
        name = str(g.loc[g["code"] == code, "name"].iloc[0])
        x, y = pts[code].x, pts[code].y
        while any(abs(x - px) < (len(name) + n) / 2 * char and abs(y - py) < dy for px, py, n in placed):
            y -= dy
        placed.append((x, y, len(name)))
        ax.annotate(name, (x, y), ha="center", va="center", fontsize=7, zorder=6,
                    path_effects=[patheffects.withStroke(linewidth=2.5, foreground="white")])


def areas_map(result: WaterbedResult) -> Figure:
    """Map of target, buffer, destination and control wijken, verdicts, and relocation flows as arrows.

    Only flows of at least 10 persons after the start that flows.csv publishes are drawn (disclosure, also
    secondary suppression), widths from rounded counts.
    """
    g = _roles_frame(result)
    fig = Figure(figsize=(11, 8))
    ax = fig.add_subplot(1, 1, 1)
    g.plot(ax=ax, color=g["role"].map(ROLE_COLOURS), edgecolor="#555555", linewidth=0.4)
    disp = g[g["verdict"] == "displacement"]
    if len(disp):
        disp.plot(ax=ax, facecolor="none", edgecolor="#000000", linewidth=2.0, hatch="///")
    diff = g[g["verdict"] == "diffusion"]
    if len(diff):
        diff.plot(ax=ax, facecolor="none", edgecolor="#009e73", linewidth=2.0, hatch="...")
    pts = g.set_index("code").geometry.representative_point()
    shown = ~_flow_suppression(result)["after"][0]  # an arrow's width would tell a flow flows.csv empties
    f = result.flows[(result.flows["after"] >= THRESHOLD).to_numpy() & shown
                     & result.flows["destination"].isin(pts.index).to_numpy()]
    f = f[(f["q_value"] < 0.05) | (f["after"] >= f["after"].nlargest(6).min())] if len(f) else f
    focus = g[g["role"].isin(["target", "buffer", "destination"])].total_bounds
    pad = 0.35 * max(focus[2] - focus[0], focus[3] - focus[1])
    ax.set_xlim(focus[0] - pad, focus[2] + pad)
    ax.set_ylim(focus[1] - pad, focus[3] + pad)
    _label_wijken(ax, g, pts, focus[2] - focus[0] + 2 * pad)
    if len(f):
        o = pts[result.target_code]
        top = float(disclose_counts(f["after"]).max())
        for r in f.itertuples():
            d = pts[r.destination]
            w = float(disclose_counts(pd.Series([r.after])).iloc[0])
            sig = r.q_value < 0.05
            ax.add_patch(FancyArrowPatch((o.x, o.y), (d.x, d.y), arrowstyle="-|>", mutation_scale=10,
                                         connectionstyle="arc3,rad=0.2", lw=0.8 + 4 * w / max(top, 1),
                                         color="#0072b2" if sig else "#7f7f7f", alpha=0.8))
    handles = [Patch(facecolor=ROLE_COLOURS[k], edgecolor="#555555", label=ROLE_NL[k])
               for k in ["target", "buffer", "destination", "control"]]
    handles += [Patch(facecolor="none", edgecolor="black", hatch="///", label="oordeel: verplaatsing"),
                Patch(facecolor="none", edgecolor="#009e73", hatch="...", label="oordeel: uitstraling"),
                Patch(facecolor="#0072b2", label="verhuizingen uit doelwijk na start (≥10; grootste 6 en\nsignificante stijgingen; blauw = significant)")]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, framealpha=0.9)
    fig.subplots_adjust(left=0.02, right=0.68, bottom=0.06, top=0.92)
    ax.set_title(f"Waterbed {result.target_name}: wijkrollen, oordeel en verhuisstromen\n"
                 f"start {result.start.isoformat()}, {result.months_before} mnd vóór / {result.months_after} mnd na",
                 fontsize=10)
    ax.set_axis_off()
    fig.text(0.01, 0.01, disclosure_note(), fontsize=6, wrap=True)
    return fig


def hotspot_map(result: WaterbedResult) -> Figure:
    """Map of emerging hot-spot classes (Gi* per period with FDR, Mann-Kendall trend)."""
    g = result.wijken[["code", "geometry"]].copy()
    g["code"] = g["code"].astype(str)
    cls = result.hotspots.set_index("wijk_code")["hotspot_class"]
    g["cls"] = g["code"].map(cls).fillna("none")
    fig = Figure(figsize=(11, 8))
    ax = fig.add_subplot(1, 1, 1)
    g.plot(ax=ax, color=g["cls"].map(HOTSPOT_COLOURS), edgecolor="#777777", linewidth=0.4)
    tg = g[g["code"] == result.target_code]
    tg.plot(ax=ax, facecolor="none", edgecolor="black", linewidth=2)
    handles = [Patch(facecolor=HOTSPOT_COLOURS[c], edgecolor="#777777", label=HOTSPOT_LABELS_NL[c])
               for c in HOTSPOT_CLASSES]
    handles.append(Patch(facecolor="none", edgecolor="black", linewidth=2, label="doelwijk"))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, framealpha=0.9)
    fig.subplots_adjust(left=0.02, right=0.72, bottom=0.04, top=0.92)
    ax.set_title(f"Hotspots van {signal_label(result.overall['signal'])} per 1.000 bewoners\n"
                 "Getis-Ord Gi* vóór en na (FDR 5 %), trend Mann-Kendall", fontsize=10)
    ax.set_axis_off()
    return fig


def timeseries_chart(result: WaterbedResult, signal: str) -> Figure:
    """Monthly rate per 1,000 residents per area, with the control trend scaled to each area's before level.

    The dashed line is what the area would show had it followed the control's relative trend; the
    vertical line marks the start of the intervention.
    """
    p = result.panel
    areas = [("doelwijk " + result.target_name, [result.target_code])]
    buf = result.codes("buffer")
    if buf:
        areas.append(("buurwijken samen", buf))
    names = result.table.set_index("wijk_code")["wijk_name"]
    for role in ("buffer", "destination"):
        for c in result.codes(role):
            areas.append((f"{ROLE_NL[role]} {names[c]}", [c]))
    ctrl = result.codes("control")
    n = len(areas) + 1
    ncol = 3
    nrow = int(np.ceil(n / ncol))
    fig = Figure(figsize=(11, 2.3 * nrow + 0.6))
    x = p.month_starts[:-1]
    cr = p.rate_series(signal, ctrl)
    nb = p.n_before
    verdict = result.table.set_index("wijk_code")["verdict"]
    for i, (label, codes) in enumerate(areas + [("controle", ctrl)]):
        ax = fig.add_subplot(nrow, ncol, i + 1)
        r = p.rate_series(signal, codes)
        ax.plot(x, r, color="#0072b2", lw=1.2)
        if label != "controle" and np.nanmean(cr[:nb]) > 0:
            ax.plot(x, cr * np.nanmean(r[:nb]) / np.nanmean(cr[:nb]), color="#7f7f7f", lw=1, ls="--")
        ax.axvline(pd.Timestamp(result.start), color="#d55e00", lw=1.2)
        v = verdict.get(codes[0], "") if len(codes) == 1 and codes[0] != result.target_code else ""
        ax.set_title(label + (f" — {VERDICT_NL[v]}" if v else ""), fontsize=8)
        ax.tick_params(labelsize=6)
        ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=[1, 7]))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
        ax.set_ylim(bottom=0)
    fig.suptitle(f"{signal_label(signal)} per 1.000 bewoners per maand (blauw); grijs gestreept: controletrend "
                 f"op het niveau vóór de start; oranje: start {result.start.isoformat()}", fontsize=9)
    fig.tight_layout(rect=(0, 0, 1, 0.96))
    return fig


def evidence_chart(result: WaterbedResult) -> Figure:
    """Households from the target per wijk after the start: observed against expected, with the excess interval.

    Only wijken with at least 10 households observed are drawn (disclosure), all values rounded to 5.
    """
    ev = result.evidence.table if result.evidence is not None else pd.DataFrame()
    names = result.table.set_index("wijk_code")["wijk_name"]
    fig = Figure(figsize=(10, 5.2))
    ax = fig.add_subplot(1, 1, 1)
    kinds = [k for k in ("from_target", "from_enforced") if len(ev) and k in set(ev["kind"])]
    shown = ev[ev["kind"].isin(kinds) & (ev["observed"] >= THRESHOLD)] if len(ev) else ev
    if shown.empty:
        ax.text(0.5, 0.5, "Geen verhuisstromen van 10 of meer huishoudens uit de doelwijk na de start",
                ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return fig
    top = (shown.sort_values("q_value").drop_duplicates("wijk_code").head(10)["wijk_code"]).tolist()
    x = np.arange(len(top))
    width = 0.38
    r5 = lambda v: np.floor(np.asarray(v, float) / BASE + 0.5) * BASE  # noqa: E731
    for i, k in enumerate(kinds):
        sub = ev[ev["kind"] == k].set_index("wijk_code").reindex(top)
        obs = np.where(sub["observed"] >= THRESHOLD, r5(sub["observed"]), np.nan)
        exp = r5(sub["expected"])
        lab = "uit de doelwijk" if k == "from_target" else "uit gehandhaafde adressen"
        ax.bar(x + (i - 0.5) * width, obs, width * 0.95, color=["#0072b2", "#d55e00"][i], label=f"gezien: {lab}")
        ax.scatter(x + (i - 0.5) * width, exp, marker="_", s=300, color="black", zorder=3,
                   label="verwacht" if i == 0 else None)
        lo, hi = r5(sub["expected"] + sub["excess_lo"]), r5(sub["expected"] + sub["excess_hi"])
        ax.vlines(x + (i - 0.5) * width, lo, hi, color="#333333", lw=1, zorder=3)
    wrapped = [str(names.get(c, c)) for c in top]
    ax.set_xticks(x, wrapped, rotation=20, ha="right", fontsize=8)
    ax.set_ylabel("huishoudens na de start (afgerond op 5)")
    ax.set_title(f"Verhuizingen uit {result.target_name} na de start: gezien (staaf), verwacht (streep), "
                 "95 %-interval (lijn)", fontsize=10)
    ax.legend(fontsize=8, loc="upper right")
    fig.text(0.01, 0.005, disclosure_note(), fontsize=6)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


def synth_chart(result: WaterbedResult, signal: str) -> Figure | None:
    """The target and each judged wijk against its synthetic control on one signal (pre-period fit visible)."""
    sr = result.synth.get(signal)
    if sr is None or not sr.fits:
        return None
    names = result.table.set_index("wijk_code")["wijk_name"]
    codes = [c for c in [result.target_code, *result.codes("buffer"), *result.codes("destination")] if c in sr.fits]
    ncol = 3
    nrow = int(np.ceil(len(codes) / ncol))
    fig = Figure(figsize=(11, 2.4 * nrow + 0.7))
    x = result.panel.month_starts[:-1]
    # crowding (0,4 persons per 10 m²) is drawn per 1.000 m² so that its changes do not print as 0,00
    scale, unit = (100.0, "(ingeschrevenen per 1.000 m² woonoppervlak)") if signal == "crowding" else \
        (1.0, "per 1.000 bewoners per maand")
    for i, c in enumerate(codes):
        f = sr.fits[c]
        ax = fig.add_subplot(nrow, ncol, i + 1)
        ax.plot(x, np.asarray(f.actual) * scale, color="#0072b2", lw=1.3, label="werkelijk")
        ax.plot(x, np.asarray(f.synthetic) * scale, color="#7f7f7f", lw=1.1, ls="--", label="nagebootst")
        ax.axvline(pd.Timestamp(result.start), color="#d55e00", lw=1.1)
        p = min(sr.p_value(c, "up"), sr.p_value(c, "down"))
        role = "doelwijk " if c == result.target_code else ""
        ax.set_title(f"{role}{names.get(c, c)}: effect " + f"{f.effect * scale:+.2f}, placebo-p {p:.2f}".replace(".", ","),
                     fontsize=8)
        ax.tick_params(labelsize=6)
        ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=[1, 7]))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
        if i == 0:
            ax.legend(fontsize=6, loc="upper left")
    fig.suptitle(f"Synthetische controle: {signal_short_label(signal)} {unit}; blauw werkelijk, grijs de nagebootste wijk "
                 f"uit {len(sr.donor_codes)} controlewijken; oranje: start", fontsize=9)
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    return fig


def write_waterbed_report(result: WaterbedResult, out_dir: "str | Path", *, light: bool = False) -> list[Path]:
    """Write waterbed.csv, details, signals, flows, evidence, synthetic control, landlords, hotspots.gpkg, PNG maps
    and charts, report.md and the typeset report.pdf into ``out_dir``; returns the paths written.

    ``light`` (used by ``--all``) draws only the map and the evidence chart, to keep monitoring every
    intervention of the city within a minute. Counts in every table, chart and text are disclosure-controlled;
    every file is written atomically.
    """
    from geo_tool.analysis.narrative import markdown
    from geo_tool.analysis.pdf import write_report_pdf

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    details = result.table.drop(columns=["role_nl"]).copy()
    for c in ("excess", "excess_lo", "excess_hi", "detectable_persons", "detectable_addresses"):
        details[c] = pd.to_numeric(details[c], errors="coerce").round(0)
    write_csv_atomic(waterbed_csv_frame(result), out / "waterbed.csv")
    write_csv_atomic(details.round(4), out / "waterbed_details.csv")
    suppression = _flow_suppression(result)
    write_csv_atomic(signals_csv_frame(result), out / "signals.csv")
    write_csv_atomic(flows_csv_frame(result), out / "flows.csv")
    paths += [out / "waterbed.csv", out / "waterbed_details.csv", out / "signals.csv", out / "flows.csv"]
    paths += _write_disclosure_metadata(out)
    if result.evidence is not None:
        ev = result.evidence.table.copy()
        names = result.table.set_index("wijk_code")["wijk_name"]
        ev.insert(1, "wijk_name", ev["wijk_code"].map(names).fillna(
            ev["wijk_code"].map(pd.Series(result.wijken["name"].astype(str).to_numpy(),
                                          index=result.wijken["code"].astype(str).to_numpy()))))
        for c in ("before", "observed"):
            ev[c] = disclose_counts(ev[c]).array
        # persons after from the target = flows.csv's after: emptied where the flow is
        hidden = set(result.flows["destination"].astype(str).to_numpy()[suppression["after"][0]])
        ev["persons"] = disclose_counts(ev["persons"], ((ev["kind"] == "from_target")
                                                        & ev["wijk_code"].astype(str).isin(hidden)).to_numpy()).array
        for c in ("expected", "excess", "excess_lo", "excess_hi", "persons_expected", "detectable"):
            ev[c] = np.floor(pd.to_numeric(ev[c], errors="coerce") / BASE + 0.5) * BASE
        write_csv_atomic(ev, out / "evidence.csv")
        paths.append(out / "evidence.csv")
    if result.synth_table is not None and len(result.synth_table):
        write_csv_atomic(result.synth_table.round(4), out / "synthetic_control.csv")
        paths.append(out / "synthetic_control.csv")
    if len(result.landlords):
        lr = result.landlords.copy()
        for c in [c for c in lr.columns if c.endswith(("_before", "_after")) and not c.startswith("crowding")
                  or c == "n_addresses"]:
            lr[c] = disclose_counts(lr[c]).array
        write_csv_atomic(lr.round(4), out / "landlords.csv")
        paths.append(out / "landlords.csv")
    g = result.wijken[["code", "name", "geometry"]].rename(columns={"code": "wijk_code", "name": "wijk_name"})
    g["wijk_code"] = g["wijk_code"].astype(str)
    g = g.merge(result.hotspots, on="wijk_code", how="left")
    g = g.merge(result.table[["wijk_code", "role", "verdict"]], on="wijk_code", how="left")
    g["role"] = g["role"].fillna("other")
    g = g.to_crs("EPSG:28992")
    if not light:
        with atomic_path(out / "hotspots.gpkg") as tmp:
            g.to_file(tmp, driver="GPKG", layer="hotspots", dataset_options=GPKG_DATASET_OPTIONS)
        paths.append(out / "hotspots.gpkg")
    figs: dict[str, tuple[str, Figure]] = {
        "map_areas.png": ("Kaart: doelwijk, buurwijken, bestemmingswijken en verhuisstromen", areas_map(result)),
        "evidence.png": ("Verhuizingen uit de doelwijk: gezien tegen verwacht", evidence_chart(result)),
    }
    for s in ("eum_registrations", "crowding", "complaints") if not light else ():
        f = synth_chart(result, s)
        if f is not None:
            figs[f"synth_{s}.png"] = (f"Synthetische controle: {signal_short_label(s)}", f)
    for s in result.verdict_signals if not light else ():
        figs[f"timeseries_{s}.png"] = (f"Maandcijfers: {signal_label(s)}", timeseries_chart(result, s))
    if not light:
        figs["map_hotspots.png"] = ("Kaart: hotspots", hotspot_map(result))
    charts = []
    for name, (title, fig) in figs.items():
        paths.append(_save(fig, out / name))
        charts.append((title, out / name))
    files = [p.name for p in paths] + ["report.md", "report.pdf"]
    md = markdown(result, files) + "\n" + disclosure_note() + "\n"
    write_text_atomic(out / "report.md", md)
    paths.append(out / "report.md")
    paths.append(write_report_pdf(result, out / "report.pdf", charts, disclosure_note()))
    return paths


def chart_tabs(out: "str | Path") -> list[tuple[str, Path]]:
    """(short Dutch title, PNG path) of every chart and map in a report folder, in reading order: what the
    Waterbed tab shows as sub-tabs (the same charts as the PDF, titles short enough for a tab)."""
    out = Path(out)
    fixed = [("map_areas", "Kaart wijkrollen en stromen"), ("evidence", "Verhuizingen: gezien en verwacht")]
    tabs = [(t, out / f"{k}.png") for k, t in fixed]
    tabs += [(f"Synthetische controle {signal_short_label(p.stem[len('synth_'):])}", p)
             for p in sorted(out.glob("synth_*.png"))]
    tabs += [(f"Maandcijfers {signal_short_label(p.stem[len('timeseries_'):])}", p)
             for p in sorted(out.glob("timeseries_*.png"))]
    tabs.append(("Hotspots", out / "map_hotspots.png"))
    return [(t, p) for t, p in tabs if p.exists()]


def _write_disclosure_metadata(out: Path) -> list[Path]:
    """disclosure.json (the rules, machine-readable) and LEESMIJ_onthulling.txt (Dutch) naming the internal files."""
    import json

    rules = disclosure_rules()
    write_text_atomic(out / "disclosure.json", json.dumps(rules, ensure_ascii=False, indent=2) + "\n")
    text = ("Onthullingscontrole van deze map\n\n"
            f"Aantallen: {rules['counts']}.\nSecundaire onderdrukking: {rules['secondary_suppression']}.\nAandelen, cijfers per 1000 en verhoudingen: "
            f"{rules['shares_rates_ratios']}.\nModelschattingen: {rules['model_estimates']}.\n\n"
            f"{rules['internal_note']}: {', '.join(INTERNAL_FILES)}.\n")
    write_text_atomic(out / "LEESMIJ_onthulling.txt", text)
    return [out / "disclosure.json", out / "LEESMIJ_onthulling.txt"]


def early_warning_frame(table: pd.DataFrame) -> pd.DataFrame:
    """early_warning.csv: counts disclosure-controlled, expectations rounded to 5, q-values two decimals."""
    t = table.copy()
    for c in ("relocations", "signal_count"):
        t[c] = disclose_counts(t[c]).array
    for c in ("relocations_expected", "signal_expected"):
        t[c] = np.floor(pd.to_numeric(t[c], errors="coerce") / BASE + 0.5) * BASE
    t["signal_nl"] = t["signal"].map(signal_label)
    for c in ("q_link", "q_signal"):  # p-values of exact counts: two decimals, as in flows.csv
        if c in t.columns:
            t[c] = round_decimals(pd.to_numeric(t[c], errors="coerce").to_numpy(float), ESTIMATE_DECIMALS)
    return t


def write_monitoring_report(mon, out_dir: "str | Path") -> list[Path]:
    """`--all`: a report folder per intervention (<code>_<start>/), overview.csv, early_warning.csv, summary.txt."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for r in mon.results:
        paths += write_waterbed_report(r, out / f"{r.target_code}_{r.start.isoformat()}", light=True)
    write_csv_atomic(mon.overview(), out / "overview.csv")
    write_csv_atomic(early_warning_frame(mon.early_warning), out / "early_warning.csv")
    write_text_atomic(out / "summary.txt", mon.summary() + "\n\n" + disclosure_note() + "\n")
    return paths + [out / "overview.csv", out / "early_warning.csv", out / "summary.txt"] + \
        _write_disclosure_metadata(out)
