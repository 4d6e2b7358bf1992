"""The model folder's readable parts: report.md, PNG charts, metrics.json, fairness.csv, model card.

Everything is written through geo_tool.fileio (temporary name, then rename).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import sklearn
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

import geo_tool
from geo_tool.fileio import atomic_path, write_csv_atomic, write_text_atomic
from geo_tool.model.fairness import RATIO_BOUNDS, fairness_audit, visits_per_1000_residents
from geo_tool.model.features import (EXCLUDED_ATTRIBUTES, FEATURE_NAMES, FEATURE_SET_VERSION,
                                     LANDLORD_SMOOTHING_VISITS, WIJK_SMOOTHING_VISITS)
from geo_tool.model.reasons import REASON_GROUPS

RANKERS = ("model", "model_unweighted", "logistic", "complaints_90d", "random", "truth")
RANKER_LABELS = {
    "model": "model (gewogen)", "model_unweighted": "model (ongewogen)", "logistic": "logistische regressie",
    "complaints_90d": "meeste klachten 90 d", "random": "willekeurig", "truth": "waarheid (plafond)",
}


def _save_figure(fig: Figure, path: Path) -> Path:
    FigureCanvasAgg(fig)
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=110, bbox_inches="tight")
    return path


def _precision_chart(splits: list, capacity: int, prefix: str, path: Path) -> Path | None:
    names = [r for r in RANKERS if any(f"{prefix}_precision@k_{r}" in s.rows or (r == "random" and f"{prefix}_precision@k_random_expected" in s.rows) for s in splits)]
    if not names:
        return None
    fig = Figure(figsize=(8, 4))
    ax = fig.add_subplot()
    width = 0.8 / len(names)
    x = np.arange(len(splits))
    for i, name in enumerate(names):
        key = f"{prefix}_precision@k_{'random_expected' if name == 'random' else name}"
        vals = [s.rows.get(key, np.nan) for s in splits]
        ax.bar(x + i * width, vals, width, label=RANKER_LABELS[name])
    ax.set_xticks(x + width * (len(names) - 1) / 2, [s.as_of for s in splits])
    ax.set_ylabel(f"precisie@{capacity}")
    where = "alle adressen (verborgen waarheid)" if prefix == "population" else "alleen bezochte adressen"
    ax.set_title(f"Precisie in de top {capacity}: {where}")
    ax.set_ylim(0, 1.05)
    ax.legend(fontsize=7, ncol=3)
    return _save_figure(fig, path)


def _calibration_chart(splits: list, path: Path) -> Path | None:
    frames = [s.calibration for s in splits if s.calibration is not None]
    if not frames:
        return None
    cal = pd.concat(frames, ignore_index=True)
    fig = Figure(figsize=(5, 5))
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], color="grey", lw=1, ls="--", label="perfect")
    for name in ("model", "model_unweighted", "logistic"):
        part = cal[cal.model == name]
        if not len(part):
            continue
        bins = np.clip((part.p * 10).astype(int), 0, 9)
        g = part.groupby(bins).agg(p=("p", "mean"), y=("y", "mean"), n=("y", "size"))
        g = g[g.n >= 5]
        ax.plot(g.p, g.y, marker="o", label=RANKER_LABELS[name])
    ax.set_xlabel("voorspelde kans op overtreding")
    ax.set_ylabel("gevonden aandeel overtredingen")
    ax.set_title("Kalibratie op bezoeken na elke evaluatiedatum")
    ax.legend(fontsize=8)
    return _save_figure(fig, path)


def _fmt(value, pct: bool = False) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "–"
    return f"{100 * value:.0f}%" if pct else f"{value:.2f}"


def write_model_folder(out_dir: Path, bundle, splits: list, *, capacity: int, n_train_rows: int, has_truth: bool,
                       dataset, n_boot: int = 100, random_state: int = 0, seconds: float = 0.0,
                       timings_s: dict | None = None) -> tuple[dict, list[Path]]:
    """Write metrics.json, fairness.csv, charts, report.md, model_card.md/json; returns (metrics, paths)."""
    out_dir = Path(out_dir)
    t_report = time.perf_counter()
    files: list[Path] = []
    model = bundle.model
    metrics = {
        "as_of": bundle.as_of,
        "capacity": capacity,
        "has_truth": has_truth,
        "splits": [{"as_of": s.as_of, **s.rows} for s in splits],
        "final": {"train_rows": n_train_rows, "fit_rows": model.n_train_rows_, "calibration_rows": model.n_calibration_rows_},
        "seconds": round(seconds, 1),
        "timings_s": dict(timings_s or {}),
    }
    # headline ratios per split (the issue's acceptance figures)
    for s in metrics["splits"]:
        for who in ("model", "logistic"):
            if f"population_precision@k_{who}" in s:
                cb = s["population_precision@k_complaints_90d"]
                ceiling = s["population_precision@k_truth"]
                s[f"ratio_to_complaints_{who}"] = s[f"population_precision@k_{who}"] / cb if cb else float("inf")
                s[f"share_of_ceiling_{who}"] = s[f"population_precision@k_{who}"] / ceiling if ceiling else float("nan")
                # share of the room above current practice that the ranker takes (meaningful when practice is already good)
                room = ceiling - cb
                s[f"gap_closed_{who}"] = (s[f"population_precision@k_{who}"] - cb) / room if room > 0 else float("nan")
    fairness = pd.DataFrame()
    per_wijk = pd.DataFrame()
    weekly = [s.weekly for s in splits if s.weekly is not None]
    if weekly:
        fairness = fairness_audit(pd.concat(weekly, ignore_index=True), n_boot=n_boot, random_state=random_state)
        files.append(out_dir / "fairness.csv")
        write_csv_atomic(fairness, files[-1])
        per_wijk = visits_per_1000_residents(pd.concat([s.weekly_wijk for s in splits], ignore_index=True), dataset.wijken)
        files.append(out_dir / "visits_per_1000_residents.csv")
        write_csv_atomic(per_wijk, files[-1])
        metrics["fairness"] = {
            "flags": int(fairness["flag"].sum()),
            "groups": int(len(fairness)),
            "flagged_nationality_groups": fairness[(fairness.dimension == "nationality_group") & fairness.flag]["group"].tolist(),
        }
    charts = []
    for prefix in ("population", "visited"):
        p = _precision_chart(splits, capacity, prefix, out_dir / f"precision_at_k_{prefix}.png")
        if p:
            charts.append(p)
    p = _calibration_chart(splits, out_dir / "calibration.png")
    if p:
        charts.append(p)
    files += charts
    metrics["timings_s"]["report_and_fairness"] = round(time.perf_counter() - t_report, 1)
    files.append(out_dir / "metrics.json")
    write_text_atomic(files[-1], json.dumps(metrics, indent=2, ensure_ascii=False, default=_json_default))
    files.append(out_dir / "report.md")
    write_text_atomic(files[-1], _report_md(metrics, fairness, per_wijk, charts, capacity))
    card = model_card(bundle, metrics, fairness)
    files.append(out_dir / "model_card.json")
    write_text_atomic(files[-1], json.dumps(card, indent=2, ensure_ascii=False, default=_json_default))
    files.append(out_dir / "model_card.md")
    write_text_atomic(files[-1], _card_md(card))
    return metrics, files


def _json_default(value):
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    if isinstance(value, (np.ndarray,)):
        return value.tolist()
    return str(value)


def _report_md(metrics: dict, fairness: pd.DataFrame, per_wijk: pd.DataFrame, charts: list[Path], k: int) -> str:
    lines = [f"# Risicomodel huisbezoeken: evaluatie (data tot {metrics['as_of']})", ""]
    lines += ["## In het kort", ""]
    if metrics["has_truth"]:
        lines += [f"Per evaluatiedatum D is het model getraind op bezoeken vóór D en zijn **alle adressen** gerangschikt. "
                  f"Gemeten: welk deel van de top {k} (de capaciteit van een week) en top {2 * k} in de maand na D echt een "
                  "overtreding had (de verborgen waarheid van de demo). Dezelfde maat voor de huidige praktijk (meeste "
                  "klachten in 90 dagen), willekeurig kiezen, een eenvoudige logistische regressie en de waarheid zelf (plafond).", ""]
        header = "| datum | model | log. regressie | meeste klachten | willekeurig | plafond | model ÷ klachten | model ÷ plafond | deel van de ruimte boven klachten |"
        lines += [header, "|---|---|---|---|---|---|---|---|---|"]
        for kk in ("k", "2k", "10k"):
            n = {"k": k, "2k": 2 * k, "10k": 10 * k}[kk]
            for s in metrics["splits"]:
                if f"population_precision@{kk}_model" not in s:
                    continue
                m, c, t = s[f"population_precision@{kk}_model"], s[f"population_precision@{kk}_complaints_90d"], s[f"population_precision@{kk}_truth"]
                lines.append(f"| {s['as_of']} (top {n}) | {_fmt(m, True)} | {_fmt(s[f'population_precision@{kk}_logistic'], True)} | "
                             f"{_fmt(c, True)} | {_fmt(s['population_prevalence'], True)} | {_fmt(t, True)} | "
                             f"{_fmt(m / c if c else float('nan'))} | {_fmt(m / t if t else float('nan'))} | "
                             f"{_fmt((m - c) / (t - c) if t > c else float('nan'), True)} |")
        lines.append("")
    lines += [f"**Alleen bezochte adressen** (geldt ook zonder waarheid): de bezoeken die in de 4 weken na D echt zijn "
              f"afgelegd, opnieuw gerangschikt op de score van D; precisie in de top {k} van die bezoeken (bij minder "
              f"dan {4 * k} bezoeken: de top kwart, zie `visited_k` in metrics.json).", "",
              "| datum | bezoeken | model | model ongewogen | log. regressie | meeste klachten | gemiddeld | dagen eerder gevonden |",
              "|---|---|---|---|---|---|---|---|"]
    for s in metrics["splits"]:
        if "visited_precision@k_model" not in s:
            continue
        de = s.get("days_earlier_model", {})
        lines.append(f"| {s['as_of']} | {s['test_visits']} | {_fmt(s['visited_precision@k_model'], True)} | "
                     f"{_fmt(s['visited_precision@k_model_unweighted'], True)} | {_fmt(s['visited_precision@k_logistic'], True)} | "
                     f"{_fmt(s['visited_precision@k_complaints_90d'], True)} | {_fmt(s['visited_precision@k_random_expected'], True)} | "
                     f"{_fmt(de.get('mean_days_earlier'))} |")
    lines += ["", "*Dagen eerder gevonden* (maat uit de evaluatie van de voedselinspecties in Chicago): dezelfde bezoeken op "
              "dezelfde dagen, maar in volgorde van de score; gemiddeld zoveel dagen eerder was elke overtreding gevonden.", ""]
    lines += ["## Betrouwbaarheid van de kans (kalibratie)", "",
              "| datum | Brier model | Brier log. regressie | AUC model | AUC alleen willekeurige/routinebezoeken (gewogen / ongewogen) |",
              "|---|---|---|---|---|"]
    for s in metrics["splits"]:
        if "brier_model" in s:
            lines.append(f"| {s['as_of']} | {_fmt(s['brier_model'])} | {_fmt(s['brier_logistic'])} | {_fmt(s['auc_model'])} | "
                         f"{_fmt(s.get('auc_random_routine_model'))} / {_fmt(s.get('auc_random_routine_model_unweighted'))} |")
    lines += ["", "## Selectie-effect van eerdere bezoeken", "",
              "Eerdere bezoeken volgden vooral op klachten: adressen zonder klachten komen in de trainingsdata bijna alleen via "
              "willekeurige en routinebezoeken voor. Het model weegt daarom willekeurige en routinebezoeken samen even zwaar als alle "
              "andere bezoeken (`random_weight=\"balanced\"`). De kolommen *model (gewogen)* en *model (ongewogen)* hierboven en in de "
              "grafieken laten het effect zien; de AUC op alleen willekeurige/routinebezoeken is de eerlijkste maat voor de hele populatie.", "",
              "| datum | precisie top k gewogen / ongewogen (alle adressen) | top 2k gewogen / ongewogen | AUC willekeurig+routine gewogen / ongewogen |",
              "|---|---|---|---|"]
    for s in metrics["splits"]:
        lines.append(f"| {s['as_of']} | {_fmt(s.get('population_precision@k_model'), True)} / {_fmt(s.get('population_precision@k_model_unweighted'), True)} | "
                     f"{_fmt(s.get('population_precision@2k_model'), True)} / {_fmt(s.get('population_precision@2k_model_unweighted'), True)} | "
                     f"{_fmt(s.get('auc_random_routine_model'))} / {_fmt(s.get('auc_random_routine_model_unweighted'))} |")
    lines += ["", "Het model is bovendien klein en monotoon in bezetting, verloop, klachten en verhuurdersgeschiedenis: een flexibeler "
              "model leerde de eigenaardigheden van de bezochte adressen en zette bijvoorbeeld adressen die na een recente overtreding "
              "leeg stonden bovenaan (op de demo: precisie@40 0,90 met weging en 0,73 zonder, tegen 1,00 nu).", ""]
    for c in charts:
        lines.append(f"![{c.stem}]({c.name})")
    lines += ["", "## Eerlijkheid (audit, geen modelkenmerk)", "",
              f"Voor de top {k} van elke testweek: selectiekans, precisie en fout-positieven (FDR) per gebied, wijk en "
              "nationaliteitsgroep van de bewoners (meerderheid op het adres). Nationaliteit wordt alleen hier gebruikt, nooit in het "
              f"model. Verhoudingen buiten [{RATIO_BOUNDS[0]}, {RATIO_BOUNDS[1]}] ten opzichte van het geheel zijn gemarkeerd: een vraag "
              "voor de planner, geen oordeel. Volledige tabel met 95%-bootstrap-intervallen: `fairness.csv`.", ""]
    if len(fairness):
        nat = fairness[fairness.dimension == "nationality_group"]
        lines += ["| nationaliteitsgroep | selectiekans ×10⁻⁴ [95%] | verhouding | aandeel met overtreding (waarheid) | geselecteerd | precisie [95%] | FDR | markering |",
                  "|---|---|---|---|---|---|---|---|"]
        for _, r in nat.iterrows():
            prec = (f"{_fmt(r.get('precision'), True)} [{_fmt(r.get('precision_ci_low'), True)}–{_fmt(r.get('precision_ci_high'), True)}]"
                    if "precision" in r and not pd.isna(r.get("precision")) else "–")
            lines.append(f"| {r['group']} | {r['selection_rate'] * 1e4:.1f} [{r['selection_rate_ci_low'] * 1e4:.1f}–{r['selection_rate_ci_high'] * 1e4:.1f}] | "
                         f"{_fmt(r.get('selection_rate_ratio'))} | {_fmt(r.get('prevalence'), True)} | {int(r['selected'])} | {prec} | "
                         f"{_fmt(r.get('false_discovery_rate'), True)} | {r['flag_reason'] or ''} |")
        lines += ["", f"Gemarkeerd: {int(fairness.flag.sum())} van {len(fairness)} groepen (gebied, wijk, nationaliteit). "
                  "Een hoge selectiekans bij een even hoge precisie betekent: de overtredingen zitten daar (zie de kolom "
                  "'aandeel met overtreding'), niet dat die groep vaker onterecht wordt bezocht. Een FDR-markering (meer "
                  "onterechte bezoeken dan gemiddeld, bij minstens 10 selecties) vraagt wél om nader onderzoek.", ""]
    if len(per_wijk):
        lines += ["Bezoeken (top-k-selecties) per week per 1.000 inwoners, hoogste 10 wijken (alle wijken: `visits_per_1000_residents.csv`):", "",
                  "| wijk | inwoners | per 1.000 per week |", "|---|---|---|"]
        for _, r in per_wijk.head(10).iterrows():
            lines.append(f"| {r['wijk_name'] or r['wijk_code']} | {r['residents']:.0f} | {r['visits_per_1000_residents_per_week']:.2f} |")
    lines += ["", "## Menselijk toezicht", "", "Een planner beslist over elk bezoek. De ranglijst is een hulpmiddel; elke score heeft drie "
              "redenen in gewone taal, zodat de planner kan zien waarom een adres bovenaan staat."]
    return "\n".join(lines) + "\n"


def model_card(bundle, metrics: dict, fairness: pd.DataFrame) -> dict:
    """The Algoritmeregister fields that apply, as a JSON-ready dict."""
    hashes = bundle.file_hashes
    headline = {s["as_of"]: {k: v for k, v in s.items() if k.startswith(("population_precision@k_", "visited_precision@k_", "brier_", "ratio_", "share_", "gap_"))}
                for s in metrics["splits"]}
    return {
        "name": "geo_tool risicorangschikking huisbezoeken",
        "organisation": "Gemeente Rotterdam (in te vullen)",
        "purpose": ("Adressen rangschikken voor huisbezoeken bij vermoeden van overbewoning, illegale kamerverhuur en "
                    "uitbuiting van arbeidsmigranten, zodat de beperkte bezoekcapaciteit naar de meest waarschijnlijke overtredingen gaat."),
        "legal_basis": "IN TE VULLEN (bijv. Huisvestingswet 2014, Wet goed verhuurderschap, Wet BRP art. 2.xx; te bepalen door juristen)",
        "status": "in ontwikkeling",
        "human_oversight": "a planner decides every visit; the ranking only proposes and shows three reasons per address",
        "model": {"type": "scikit-learn Pipeline: ColumnTransformer + HistGradientBoostingClassifier, sigmoid-gekalibreerd "
                          "(CalibratedClassifierCV + FrozenEstimator) op de laatste 120 dagen vóór de trainingsdatum",
                  "label": "bij een huisbezoek is een overtreding vastgesteld (bezoeken zonder toegang uitgesloten)",
                  "training_rows": "(adres, bezoekdatum), kenmerken per bezoekdatum uit gegevens strikt vóór die datum",
                  "selection_bias": ("willekeurige en routinebezoeken krijgen samen hetzelfde gewicht als alle andere bezoeken; "
                                     "effect gerapporteerd als gewogen vs ongewogen model en AUC op alleen willekeurige/routinebezoeken"),
                  "explanations": ("interventionele bijdrage per kenmerkgroep: log-odds van het adres minus log-odds met die groep "
                                   "vervangen door het typische adres (exact voor het model, niet additief); de drie grootste positieve "
                                   "bijdragen worden redenen"),
                  "reason_groups": {k: list(v) for k, v in REASON_GROUPS.items()},
                  "smoothing": {"landlord_pseudo_visits": LANDLORD_SMOOTHING_VISITS, "wijk_pseudo_visits": WIJK_SMOOTHING_VISITS}},
        "data_sources": ["BAG adressen (oppervlakte, bouwjaar)", "BRP inschrijvingen (aantallen, in-/uitschrijvingen, RNI)",
                         "verhuurdersvergunningen", "klachten/meldingen", "eerdere huisbezoeken en uitkomsten", "wijkindeling"],
        "features": list(FEATURE_NAMES),
        "feature_set_version": FEATURE_SET_VERSION,
        "excluded_attributes": list(EXCLUDED_ATTRIBUTES) + ["elke afgeleide daarvan (zoals aandeel EU-arbeidsmigranten)"],
        "training_window": {"as_of": bundle.as_of, "visits_from": str((pd.Timestamp(bundle.as_of) - pd.Timedelta(days=4 * 365)).date()),
                            "rows": metrics["final"]["train_rows"]},
        "metrics": headline,
        "fairness": metrics.get("fairness", {}),
        "risks": ["bevestiging van bestaande handhavingspatronen (feedbacklus: bezochte wijken leveren meer labels)",
                  "selectiebias in trainingsdata (bezoeken vooral na klachten)",
                  "indirecte proxy's voor nationaliteit (RNI-inschrijving, verloop, wijk); bewaakt met de eerlijkheidsaudit",
                  "verschuiving naar buurwijken (waterbedeffect)", "fouten in BRP/BAG-gegevens"],
        "versions": {"scikit-learn": bundle.sklearn_version, "geo_tool": bundle.geo_tool_version},
        "data_file_hashes": hashes,
    }


def _card_md(card: dict) -> str:
    lines = [f"# Modelkaart: {card['name']}", ""]
    for key in ("organisation", "purpose", "legal_basis", "status", "human_oversight"):
        lines.append(f"- **{key}**: {card[key]}")
    lines += ["", "## Model", ""] + [f"- **{k}**: {v}" for k, v in card["model"].items() if k != "reason_groups"]
    lines += ["", "## Gegevensbronnen", ""] + [f"- {s}" for s in card["data_sources"]]
    lines += ["", "## Kenmerken", "", ", ".join(f"`{f}`" for f in card["features"]),
              "", "## Uitgesloten attributen (nooit kenmerk)", "", ", ".join(card["excluded_attributes"]),
              "", "## Trainingsvenster", "", json.dumps(card["training_window"], ensure_ascii=False),
              "", "## Prestaties", "", "```json", json.dumps(card["metrics"], indent=1, default=_json_default), "```",
              "", "## Eerlijkheid", "", json.dumps(card["fairness"], ensure_ascii=False),
              "", "## Risico's", ""] + [f"- {r}" for r in card["risks"]]
    lines += ["", "## Versies", "", json.dumps(card["versions"]), "", "## Gegevensbestanden (SHA-256)", ""]
    lines += [f"- {k}: `{v}`" for k, v in card["data_file_hashes"].items()]
    return "\n".join(lines) + "\n"
