"""Writing the waterbed report: CSV tables, hot-spot GeoPackage, maps, charts, report.md and report.pdf.

Every file goes through `geo_tool.fileio` (temporary name, then rename). Counts leave the tool only
disclosure-controlled (1-9 suppressed, others rounded to 5); ratios and differences are computed from
the unrounded counts.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg", force=False)  # headless; never a GUI backend from the core
import matplotlib.dates as mdates  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import FancyArrowPatch, Patch  # noqa: E402

from geo_tool.analysis.hotspots import HOTSPOT_CLASSES, HOTSPOT_LABELS_NL  # noqa: E402
from geo_tool.analysis.signals import signal_label  # noqa: E402
from geo_tool.analysis.waterbed import ROLE_NL, VERDICT_NL, WaterbedResult  # noqa: E402
from geo_tool.fileio import atomic_path, write_csv_atomic, write_text_atomic  # noqa: E402

ROLE_COLOURS = {"target": "#d55e00", "buffer": "#e69f00", "destination": "#cc79a7", "control": "#d9d9d9",
                "other": "#ffffff"}
HOTSPOT_COLOURS = {"new": "#fdae61", "intensifying": "#b2182b", "persistent": "#d6604d", "diminishing": "#f4a582",
                   "cold": "#4393c3", "none": "#f7f7f7"}
THRESHOLD, BASE = 10, 5


def disclose_counts(values: "pd.Series | np.ndarray") -> pd.Series:
    """Counts for export: 1-9 suppressed (empty), others rounded to 5 (halves up), 0 kept.

    Uses `geo_tool.export.disclosure` (the project's one rule) when it is importable.
    """
    try:
        from geo_tool.export.disclosure import round_to_base, suppress_mask

        v = np.asarray(pd.to_numeric(pd.Series(values), errors="coerce"), float)
        out = round_to_base(v, BASE)
        out[suppress_mask(v, THRESHOLD)] = np.nan
    except ImportError:  # pragma: no cover - the export package is part of the tool
        v = np.asarray(pd.to_numeric(pd.Series(values), errors="coerce"), float)
        out = np.floor(v / BASE + 0.5) * BASE
        out[(v >= 1) & (v < THRESHOLD)] = np.nan
    return pd.Series(pd.array(np.where(np.isnan(out), None, out), dtype="Float64")).round(0).astype("Int64")


def disclosure_note() -> str:
    """The Dutch sentence about disclosure control that every table and the report carry."""
    try:
        from geo_tool.export.disclosure import disclosure_note as note

        return note(False, THRESHOLD)
    except ImportError:  # pragma: no cover
        return "Onthullingscontrole: aantallen 1-9 onderdrukt, overige aantallen afgerond op 5."


def _fmt(x: float, nd: int = 1) -> str:
    return "" if x is None or not np.isfinite(x) else f"{x:+.{nd}f}"


def waterbed_csv_frame(result: WaterbedResult) -> pd.DataFrame:
    """waterbed.csv: the contract's columns, ratios rounded to 4 and differences to 2 decimals."""
    t = result.waterbed_frame()
    t["wdq"] = t["wdq"].astype(float).round(4)
    for c in ["wdd", "wdd_ci_low", "wdd_ci_high"]:
        t[c] = t[c].astype(float).round(2)
    for c in ["did", "did_ci_low", "did_ci_high"]:
        t[c] = t[c].astype(float).round(4)
    return t


def flows_csv_frame(result: WaterbedResult) -> pd.DataFrame:
    """flows.csv: relocations out of the target per destination wijk, counts disclosure-controlled.

    Tests and ratios use the unrounded counts; suppressed cells are empty with flag ``<10``.
    """
    f = result.flows.copy()
    names = pd.Series(result.wijken["name"].astype(str).to_numpy(), index=result.wijken["code"].astype(str).to_numpy())
    out = pd.DataFrame({
        "origin_code": f["origin"].astype(str),
        "origin_name": f["origin"].astype(str).map(names),
        "destination_code": f["destination"].astype(str),
        "destination_name": f["destination"].astype(str).map(names).fillna("onbekend / buiten de gemeente"),
    })
    for c in ["before", "after", "eum_before", "eum_after"]:
        out[c] = disclose_counts(f[c]).to_numpy()
        out[f"{c}_flag"] = np.where(((f[c] >= 1) & (f[c] < THRESHOLD)).to_numpy(), f"<{THRESHOLD}", "")
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(f["before"] > 0, f["after"] / f["before"], np.nan)
    hidden = ((f["before"] >= 1) & (f["before"] < THRESHOLD)) | ((f["after"] >= 1) & (f["after"] < THRESHOLD))
    out["ratio_after_before"] = np.where(hidden.to_numpy(), np.nan, ratio).round(3)
    out["expected_ratio"] = f["expected_ratio"].round(3).to_numpy()
    out["p_value"] = f["p_value"].to_numpy()
    out["q_value"] = f["q_value"].to_numpy()
    out["significant_rise"] = (f["q_value"] < 0.05).to_numpy()
    role = result.table.set_index("wijk_code")["role"]
    out["destination_role"] = out["destination_code"].map(role).fillna("")
    return out


def signals_csv_frame(result: WaterbedResult) -> pd.DataFrame:
    """signals.csv: every signal x area with before/after counts (disclosure-controlled) and WDQ/WDD/DiD."""
    s = result.signals_table.copy()
    names = pd.Series(result.wijken["name"].astype(str).to_numpy(), index=result.wijken["code"].astype(str).to_numpy())
    s["area_name"] = s["area"].map(names).fillna(s["area"])
    for c in ["before", "after", "control_before", "control_after"]:
        s[c] = disclose_counts(s[c]).to_numpy()
    cols = ["signal", "signal_nl", "area", "area_name", "role", "before", "after", "rate_before", "rate_after",
            "wdq", "wdd", "wdd_se", "wdd_ci_low", "wdd_ci_high", "did", "did_ci_low", "did_ci_high", "level"]
    s = s[cols].rename(columns={"rate_before": "per_1000_per_year_before", "rate_after": "per_1000_per_year_after"})
    return s.round({"per_1000_per_year_before": 2, "per_1000_per_year_after": 2, "wdq": 4, "wdd": 2, "wdd_se": 2,
                    "wdd_ci_low": 2, "wdd_ci_high": 2, "did": 4, "did_ci_low": 4, "did_ci_high": 4, "level": 4})


def _save(fig: Figure, path: Path) -> Path:
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


def areas_map(result: WaterbedResult) -> Figure:
    """Map of target, buffer, destination and control wijken, verdicts, and relocation flows as arrows.

    Only flows of at least 10 persons after the start are drawn (disclosure), widths from rounded counts.
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
    for code in g.loc[g["role"].isin(["target", "buffer", "destination"]), "code"]:
        p = pts[code]
        ax.annotate(str(g.loc[g["code"] == code, "name"].iloc[0]), (p.x, p.y), ha="center", fontsize=7)
    f = result.flows[(result.flows["after"] >= THRESHOLD) & result.flows["destination"].isin(pts.index)]
    f = f[(f["q_value"] < 0.05) | (f["after"] >= f["after"].nlargest(6).min())] if len(f) else f
    focus = g[g["role"].isin(["target", "buffer", "destination"])].total_bounds
    pad = 0.35 * max(focus[2] - focus[0], focus[3] - focus[1])
    ax.set_xlim(focus[0] - pad, focus[2] + pad)
    ax.set_ylim(focus[1] - pad, focus[3] + pad)
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
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7, framealpha=0.9)
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
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7, framealpha=0.9)
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


def report_markdown(result: WaterbedResult, files: dict[str, str]) -> str:
    """The five-minute report for the director, in Dutch."""
    o = result.overall
    t = result.table
    judged = t[t["role"].isin(["buffer", "destination"])]
    disp = judged[judged["verdict"] == "displacement"]
    diff = judged[judged["verdict"] == "diffusion"]
    b0, b1 = result.before_window
    a0, a1 = result.after_window
    last = lambda d: (pd.Timestamp(d) - pd.Timedelta(days=1)).date().isoformat()  # noqa: E731
    if len(disp):
        head = ("**Ja, er is een aanwijzing voor een waterbedeffect** in: "
                + ", ".join(f"{r.wijk_name} ({ROLE_NL[r.role]})" for r in disp.itertuples()) + ".")
    else:
        head = "**Geen aanwijzing voor een waterbedeffect** in de buurwijken of in wijken die met de doelwijk verbonden zijn."
    L = [
        f"# Waterbedanalyse {result.target_name} ({result.target_code})",
        "",
        f"Interventie vanaf **{result.start.isoformat()}**; vóór-periode {b0.isoformat()} t/m {last(b1)}, "
        f"na-periode {a0.isoformat()} t/m {last(a1)} (per maand).",
        "",
        "## Conclusie",
        "",
        head,
        "",
        f"- Doelwijk: {signal_label(o['signal'])} {'daalden' if o['target_wdd'] < 0 else 'daalden niet'} ten opzichte "
        f"van de stadstrend: WDD {o['target_wdd']:+.0f} (95 %-interval {o['target_wdd_ci'][0]:+.0f} tot "
        f"{o['target_wdd_ci'][1]:+.0f}); succesmaat (Bowers & Johnson) {o['success']:+.4f}.",
        f"- Buurwijken samen: WDQ {_fmt(o['wdq_total'], 2) or 'n.v.t.'} — {o['wdq_reading']}. "
        f"Totale WDD doelwijk + buurwijken {o['total_wdd']:+.0f} ({o['total_wdd_ci'][0]:+.0f} tot "
        f"{o['total_wdd_ci'][1]:+.0f}); negatief = netto afname.",
        f"- {len(disp)} wijk(en) met verplaatsing, {len(diff)} met uitstraling van positieve effecten, "
        f"{len(judged) - len(disp) - len(diff)} zonder aanwijzing.",
        "",
        "## Oordeel per wijk",
        "",
        "| wijk | rol | oordeel | signaal | WDD [interval] | DiD per 1.000 bew./mnd [interval] | WDQ | koppeling met doelwijk |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in judged.itertuples():
        L.append(f"| {r.wijk_name} ({r.wijk_code}) | {ROLE_NL[r.role]} | **{VERDICT_NL[r.verdict]}** | "
                 f"{signal_label(r.signal)} | {_fmt(r.wdd)} [{_fmt(r.wdd_ci_low)}, {_fmt(r.wdd_ci_high)}] | "
                 f"{_fmt(r.did, 3)} [{_fmt(r.did_ci_low, 3)}, {_fmt(r.did_ci_high, 3)}] | {_fmt(r.wdq, 2)} | "
                 f"{r.link or '—'} |")
    L += [
        "",
        f"Een wijk krijgt **verplaatsing** alleen als voor een oordeelsignaal zowel het WDD-interval als het "
        f"DiD-interval boven nul ligt, de doelwijk op dat signaal daalde, en — voor een wijk die niet aan de "
        f"doelwijk grenst — mensen uit de doelwijk erheen verhuisden of verhuurders uit de doelwijk er "
        f"drukker werden. **Uitstraling van positieve effecten**: beide intervallen onder nul. Anders: **geen "
        f"aanwijzing**. De intervallen zijn simultaan ({result.level * 100:.2f} %, Bonferroni over "
        f"{len(judged)} wijken × {len(result.verdict_signals)} signalen), zodat bij geen enkel effect de kans op "
        "een onterechte vlag rond 5 % blijft.",
        "",
        "## Keuzes",
        "",
        f"- Doelwijk: {result.target_name} ({result.target_code}).",
        f"- Buffer: {result.buffer_rule.describe()}: {', '.join(result.table.loc[result.table['role'] == 'buffer', 'wijk_name']) or 'geen'}.",
        f"- Bestemmingswijken (niet aangrenzend, wel verbonden door verhuizingen of verhuurders): "
        f"{', '.join(result.table.loc[result.table['role'] == 'destination', 'wijk_name']) or 'geen'}.",
        f"- Controle: {result.control_text}; {len(result.codes('control'))} wijken.",
        f"- Oordeelsignalen: {', '.join(signal_label(s) for s in result.verdict_signals)}.",
        f"- Bewoners: {result.panel.residents_source}.",
    ]
    L += [f"- Let op: {n}." for n in result.notes]
    f = flows_csv_frame(result).head(10)
    L += ["", "## Verhuizingen uit de doelwijk (binnen 60 dagen elders ingeschreven)", "",
          "| naar | vóór | na | stijging significant (FDR 5 %) |", "|---|---|---|---|"]
    for r in f.itertuples():
        L.append(f"| {r.destination_name} | {'' if pd.isna(r.before) else r.before}{r.before_flag} | "
                 f"{'' if pd.isna(r.after) else r.after}{r.after_flag} | {'ja' if r.significant_rise else 'nee'} |")
    L += ["", f"Verwachte verhouding na/vóór uit de rest van de stad: {result.flows['expected_ratio'].iloc[0]:.2f}."
          if len(result.flows) else "Geen verhuizingen uit de doelwijk gevonden."]
    L += ["", "## Verhuurders van de doelwijk", ""]
    if result.n_landlords == 0 or result.landlords.empty:
        L.append("Geen verhuurders bekend (permits.csv zonder landlord_id voor adressen in de doelwijk).")
    else:
        lr = result.landlords
        rising = lr[lr["q_min"] < 0.05]
        L.append(f"{result.n_landlords} verhuurders met een vergunning in de doelwijk hebben adressen in "
                 f"{len(lr)} andere wijken. Wijken waar hun adressen significant drukker werden (FDR 5 %): "
                 + (", ".join(f"{r.wijk_code} ({r.rising})" for r in rising.itertuples()) or "geen") + ".")
    hot = result.hotspots
    counts = hot["hotspot_class"].value_counts()
    L += ["", "## Hotspots", "",
          "Getis-Ord Gi* per periode (queen-buren, FDR 5 %) en trend per wijk (Mann-Kendall): "
          + ", ".join(f"{HOTSPOT_LABELS_NL[c]} {int(counts.get(c, 0))}" for c in HOTSPOT_CLASSES) + ".",
          f"Doelwijk: {HOTSPOT_LABELS_NL[hot.set_index('wijk_code').loc[result.target_code, 'hotspot_class']]}."]
    L += ["", "## Methode", "",
          "- WDQ (Bowers & Johnson 2003): (B_na/C_na − B_vóór/C_vóór) / (R_na/C_na − R_vóór/C_vóór); < 0 "
          "verplaatsing, < −1 meer verplaatst dan gewonnen, > 0 uitstraling van positieve effecten "
          "(alleen te duiden als de doelwijk verbeterde).",
          "- WDD (Wheeler & Ratcliffe 2018, Crime Science 7:11): X_na − X_vóór · C_na/C_vóór, de controle "
          "geschaald naar het eigen niveau vóór de start; standaardfout uit de Poisson-benadering.",
          "- DiD: verschil van maandcijfers per 1.000 bewoners, met de relatieve controletrend; interval door "
          "maanden te herbemonsteren (bootstrap).",
          "- Alle cijfers per wijk en signaal: signals.csv; verhuizingen: flows.csv; verhuurders: landlords.csv.",
          "", disclosure_note(), "",
          "Bestanden: " + ", ".join(files.values())]
    return "\n".join(L) + "\n"


def _text_page(text: str) -> Figure:
    fig = Figure(figsize=(8.27, 11.69))
    body = []
    for line in text.splitlines():
        line = line.replace("**", "").replace("|---", "")
        body += textwrap.wrap(line, 110) or [""]
    fig.text(0.05, 0.97, "\n".join(body[:95]), va="top", family="monospace", fontsize=6.2)
    return fig


def write_waterbed_report(result: WaterbedResult, out_dir: "str | Path") -> list[Path]:
    """Write waterbed.csv, signals.csv, flows.csv, landlords.csv, hotspots.gpkg, PNG maps and charts,
    report.md and report.pdf into ``out_dir``; returns the paths written.

    Counts in the tables are disclosure-controlled; every file is written atomically.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    write_csv_atomic(waterbed_csv_frame(result), out / "waterbed.csv")
    write_csv_atomic(result.table.drop(columns=["role_nl"]).round(4), out / "waterbed_details.csv")
    write_csv_atomic(signals_csv_frame(result), out / "signals.csv")
    write_csv_atomic(flows_csv_frame(result), out / "flows.csv")
    paths += [out / "waterbed.csv", out / "waterbed_details.csv", out / "signals.csv", out / "flows.csv"]
    if len(result.landlords):
        lr = result.landlords.copy()
        for c in [c for c in lr.columns if c.endswith(("_before", "_after")) or c == "n_addresses"]:
            lr[c] = disclose_counts(lr[c]).to_numpy()
        write_csv_atomic(lr.round(6), out / "landlords.csv")
        paths.append(out / "landlords.csv")
    g = result.wijken[["code", "name", "geometry"]].rename(columns={"code": "wijk_code", "name": "wijk_name"})
    g["wijk_code"] = g["wijk_code"].astype(str)
    g = g.merge(result.hotspots, on="wijk_code", how="left")
    g = g.merge(result.table[["wijk_code", "role", "verdict"]], on="wijk_code", how="left")
    g["role"] = g["role"].fillna("other")
    g = g.to_crs("EPSG:28992")
    with atomic_path(out / "hotspots.gpkg") as tmp:
        g.to_file(tmp, driver="GPKG", layer="hotspots")
    paths.append(out / "hotspots.gpkg")
    figs = {"map_areas.png": areas_map(result), "map_hotspots.png": hotspot_map(result)}
    for s in result.verdict_signals:
        figs[f"timeseries_{s}.png"] = timeseries_chart(result, s)
    for name, fig in figs.items():
        paths.append(_save(fig, out / name))
    files = {p.name: p.name for p in paths}
    md = report_markdown(result, files | {"report.pdf": "report.pdf"})
    write_text_atomic(out / "report.md", md)
    paths.append(out / "report.md")
    from matplotlib.backends.backend_pdf import PdfPages

    with atomic_path(out / "report.pdf") as tmp:
        with PdfPages(tmp, metadata={"Title": f"Waterbedanalyse {result.target_name}", "Creator": "geo_tool"}) as pdf:
            for fig in [_text_page(md), *figs.values()]:
                FigureCanvasAgg(fig)
                pdf.savefig(fig)
    paths.append(out / "report.pdf")
    return paths
