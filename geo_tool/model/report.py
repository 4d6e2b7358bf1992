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
from geo_tool.i18n import format_number
from geo_tool.model.fairness import RATIO_BOUNDS, fairness_audit, visits_per_1000_residents
from geo_tool.model.features import (CATEGORICAL_FEATURES, EXCLUDED_ATTRIBUTES, FEATURE_NAMES, FEATURE_SET_VERSION,
                                     LANDLORD_SMOOTHING_VISITS, WIJK_SMOOTHING_VISITS)
from geo_tool.model.labels import FEATURE_LABELS, GROUP_LABELS
from geo_tool.model.pipeline import numeric_columns
from geo_tool.model.reasons import REASON_GROUPS
from geo_tool.model.selection import candidate_label

RANKERS = ("model", "logistic", "model_v1", "logistic_v1", "model_balanced", "model_ipw", "model_unweighted",
           "complaints_90d", "random", "truth")
RANKER_LABELS = {
    "model": "model (gekozen)", "logistic": "logistische regressie (zelfde kenmerken)",
    "model_v1": "huidig model (kenmerkenset 1)", "logistic_v1": "logistische regressie (kenmerkenset 1)",
    "model_balanced": "boosting, willekeurig+routine gebalanceerd",
    "model_ipw": "boosting, inverse-propensity-gewichten", "model_unweighted": "boosting, ongewogen",
    "complaints_90d": "meeste klachten 90 d", "random": "willekeurig", "truth": "plafond (verborgen risico)",
}
#: Rankers in the comparison table of the model card (issue 11).
COMPARISON = ("model", "logistic", "model_v1", "complaints_90d", "random", "truth")


def _precision_key(prefix: str, kk: str, name: str) -> str:
    return f"{prefix}_precision@{kk}_{'random_expected' if name == 'random' else name}"


def comparison_table(splits: list[dict], capacity: int, n_boot: int = 1000, random_state: int = 0) -> pd.DataFrame:
    """Precision in the top k and 5k over all addresses, mean over the splits with a 95 % bootstrap interval.

    The bootstrap resamples the splits (dates, seeds) and, within each, the top-k addresses (hit or
    not), so it covers both the spread between dates and the luck of a 40-address list. Also the mean
    "days earlier" (Chicago) among the visits after each date. Rows: rankers; empty without truth.
    """
    rng = np.random.default_rng(random_state)
    rows = []
    usable = [s for s in splits if "population_precision@k_model" in s]
    if not usable:
        return pd.DataFrame()
    for name in COMPARISON:
        row = {"ranker": name, "label": RANKER_LABELS[name]}
        for kk, k in (("k", capacity), ("5k", 5 * capacity)):
            p = np.array([s.get(_precision_key("population", kk, name), np.nan) for s in usable], dtype=float)
            if np.isnan(p).all():
                continue
            p = np.nan_to_num(p)
            pick = rng.integers(0, len(p), (n_boot, len(p)))
            boot = rng.binomial(k, p[pick]).sum(axis=1) / (k * len(p))
            row[f"p@{k}"] = float(p.mean())
            row[f"p@{k}_low"], row[f"p@{k}_high"] = (float(v) for v in np.quantile(boot, [0.025, 0.975]))
        de = [s.get(f"days_earlier_{name}", {}).get("mean_days_earlier", np.nan) for s in usable]
        row["days_earlier"] = float(np.nanmean(de)) if not np.isnan(de).all() else float("nan")
        rows.append(row)
    return pd.DataFrame(rows)


PAIRED_LABELS = {"logistic": "logistische regressie (zelfde kenmerken)", "complaints_90d": "meeste klachten 90 d",
                 "model_v1": "huidig model (kenmerkenset 1)"}


def paired_table(splits: list[dict], capacity: int, n_boot: int = 2000, random_state: int = 0) -> pd.DataFrame:
    """Model minus each other ranker, paired: mean difference in precision@k and the ratio, with 95 % intervals.

    Per evaluation the two top-k lists are compared address by address (evaluation.paired_counts); the
    bootstrap resamples the evaluations and, within each, the addresses of the union of both lists
    (multinomial over the six kinds: in both / only the model / only the other, hit or miss). Addresses
    in both lists count for both, so the interval is that of the difference itself, narrower than two
    overlapping marginal intervals suggest. Rows: other, k, difference, low, high, ratio, ratio_low, ratio_high.
    """
    rng = np.random.default_rng(random_state)
    rows = []
    for other in PAIRED_LABELS:
        for kk, k in (("k", capacity), ("5k", 5 * capacity)):
            key = f"paired@{kk}_model_vs_{other}"
            counts = np.array([s[key] for s in splits if key in s], dtype=float)
            if not len(counts):
                continue
            n = counts.sum(axis=1)
            probs = counts / np.maximum(n, 1)[:, None]
            pick = rng.integers(0, len(counts), (n_boot, len(counts)))
            boot = rng.multinomial(n[pick].astype(np.int64), probs[pick])  # (n_boot, n_splits, 6)
            a = boot[..., 0] + boot[..., 2]
            b = boot[..., 0] + boot[..., 4]
            diff = (a - b).sum(axis=1) / (k * len(counts))
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = np.where(b.sum(axis=1) > 0, a.sum(axis=1) / b.sum(axis=1), np.nan)
            a0, b0 = counts[:, 0] + counts[:, 2], counts[:, 0] + counts[:, 4]
            rows.append({"other": other, "label": PAIRED_LABELS[other], "k": k, "evaluations": len(counts),
                         "difference": float((a0 - b0).sum() / (k * len(counts))),
                         "low": float(np.quantile(diff, 0.025)), "high": float(np.quantile(diff, 0.975)),
                         "share_boot_above_0": float((diff > 0).mean()),
                         "ratio": float(a0.sum() / b0.sum()) if b0.sum() else float("nan"),
                         "ratio_low": float(np.nanquantile(ratio, 0.025)), "ratio_high": float(np.nanquantile(ratio, 0.975)),
                         "shared_in_top": float(counts[:, :2].sum() / (k * len(counts)))})
    return pd.DataFrame(rows)


def paired_markdown(table: pd.DataFrame) -> list[str]:
    """The paired comparison as Markdown lines (Dutch, decimal comma)."""
    if table.empty:
        return []
    lines = ["| model vergeleken met | top | verschil in precisie [95%] | verhouding [95%] | gedeeld in beide lijsten |",
             "|---|---|---|---|---|"]
    for _, r in table.iterrows():
        lines.append(f"| {r['label']} | {int(r['k'])} | {_signed(r['difference'])} [{_signed(r['low'])} tot {_signed(r['high'])}] | "
                     f"{_fmt(r['ratio'])} [{_fmt(r['ratio_low'])}–{_fmt(r['ratio_high'])}] | {_fmt(r['shared_in_top'], True)} |")
    lines += ["", "Gepaarde bootstrap: per evaluatie worden de twee toplijsten adres voor adres vergeleken; opnieuw "
              "getrokken worden de evaluaties en de adressen in (minstens één van) beide lijsten. Een interval dat 0 "
              "niet bevat betekent een verschil dat niet op toeval van de steekproef berust; de losse intervallen "
              "hierboven kunnen dan nog overlappen, omdat beide lijsten veel dezelfde adressen hebben.", ""]
    return lines


def _signed(value) -> str:
    return "–" if value is None or pd.isna(value) else f"{value:+.2f}".replace(".", ",")


def comparison_markdown(table: pd.DataFrame, capacity: int, n_splits: int) -> list[str]:
    """The comparison table as Markdown lines (Dutch), with intervals and the ratio to the complaints practice."""
    if table.empty:
        return []
    k1, k2 = capacity, 5 * capacity
    base = table.set_index("ranker")
    lines = [f"| rangschikking | precisie@{k1} [95%] | precisie@{k2} [95%] | ÷ meeste klachten (@{k1}) | dagen eerder gevonden |",
             "|---|---|---|---|---|"]
    c = base.loc["complaints_90d", f"p@{k1}"] if "complaints_90d" in base.index else float("nan")
    for _, r in table.iterrows():
        cells = []
        for k in (k1, k2):
            cells.append(f"{_fmt(r.get(f'p@{k}'))} [{_fmt(r.get(f'p@{k}_low'))}–{_fmt(r.get(f'p@{k}_high'))}]"
                         if not pd.isna(r.get(f"p@{k}")) else "–")
        ratio = r.get(f"p@{k1}") / c if c else float("nan")
        lines.append(f"| {r['label']} | {cells[0]} | {cells[1]} | {_fmt(ratio)} | {_fmt(r.get('days_earlier'))} |")
    lines += ["", f"Gemiddelde over {n_splits} evaluaties (datum × demo); interval: bootstrap over de evaluaties en de "
              f"adressen in de top. *Plafond*: rangschikken op het verborgen maandrisico van de demo (een orakel). "
              "*Dagen eerder* (Chicago): dezelfde bezoeken na elke datum, in volgorde van de score.", ""]
    return lines


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
    return f"{100 * value:.0f}%" if pct else f"{value:.2f}".replace(".", ",")


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
    comparison = comparison_table(metrics["splits"], capacity, random_state=random_state)
    metrics["comparison"] = comparison.to_dict(orient="records")
    metrics["paired"] = paired_table(metrics["splits"], capacity, random_state=random_state).to_dict(orient="records")
    metrics["selection"] = getattr(model, "selection_", {"chosen": "boosting_balanced", "folds": []})
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
    table = pd.DataFrame(metrics.get("comparison", []))
    if len(table):
        lines += ["Alle rangschikkingen naast elkaar (alle adressen, verborgen waarheid van de demo):", ""]
        lines += comparison_markdown(table, k, len(metrics["splits"]))
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
              "Eerdere bezoeken volgden vooral op klachten en controles: adressen zonder klachten komen in de trainingsdata bijna "
              "alleen via willekeurige en routinebezoeken voor. Drie manieren om daarmee om te gaan zijn naast elkaar gezet: "
              "willekeurige en routinebezoeken samen even zwaar als alle andere (*gebalanceerd*), elk bezoek gewogen met de inverse "
              "van zijn geschatte kans om een klacht-/controlebezoek te zijn (*inverse-propensity*, uit `selected_by`), en *ongewogen*. "
              "De AUC op alleen willekeurige/routinebezoeken is de onbevooroordeelde controle. Welke variant het model werd, volgt uit "
              "de rollende validatie (hieronder).", "",
              "| datum | gekozen | precisie top k gebalanceerd / IPW / ongewogen | AUC willekeurig+routine gebalanceerd / IPW / ongewogen |",
              "|---|---|---|---|"]
    for s in metrics["splits"]:
        lines.append(f"| {s['as_of']} | {s.get('chosen', '–')} | {_fmt(s.get('population_precision@k_model_balanced'), True)} / "
                     f"{_fmt(s.get('population_precision@k_model_ipw'), True)} / {_fmt(s.get('population_precision@k_model_unweighted'), True)} | "
                     f"{_fmt(s.get('auc_random_routine_model_balanced'))} / {_fmt(s.get('auc_random_routine_model_ipw'))} / "
                     f"{_fmt(s.get('auc_random_routine_model_unweighted'))} |")
    sel = metrics.get("selection", {})
    if sel.get("folds"):
        folds = pd.DataFrame(sel["folds"])
        mean = folds.groupby("candidate", sort=False)["precision"].mean()
        lines += ["", f"Rollende validatie van het eindmodel (precisie in de top van de bezoeken na elke vouwdatum, "
                  f"{folds.fold_date.nunique()} vouwen): " + "; ".join(f"{c} {_fmt(v)}" for c, v in mean.items())
                  + f". Gekozen: **{sel.get('chosen')}**."]
    lines += ["", "Het boostingmodel is bovendien klein en monotoon in bezetting, verloop, klachten, pand- en "
              "verhuurdersgeschiedenis: een flexibeler model leert de eigenaardigheden van de bezochte adressen.", ""]
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
    used = set(numeric_columns(getattr(bundle.model, "feature_set", "full"))) | set(CATEGORICAL_FEATURES)
    headline = {s["as_of"]: {k: v for k, v in s.items() if k.startswith(("population_precision@k_", "visited_precision@k_", "brier_", "ratio_", "share_", "gap_"))}
                for s in metrics["splits"]}
    return {
        "name": "geo_tool risicorangschikking huisbezoeken",
        "organisation": "Gemeente Rotterdam (in te vullen)",
        "purpose": ("Adressen rangschikken voor huisbezoeken bij vermoeden van overbewoning, illegale kamerverhuur en "
                    "uitbuiting van arbeidsmigranten, zodat de beperkte bezoekcapaciteit naar de meest waarschijnlijke overtredingen gaat."),
        "legal_basis": "IN TE VULLEN (bijv. Huisvestingswet 2014, Wet goed verhuurderschap, Wet BRP art. 2.xx; te bepalen door juristen)",
        "status": "in ontwikkeling",
        "human_oversight": ("een planner beslist over elk bezoek; de ranglijst doet alleen een voorstel en toont per "
                            "adres drie redenen in gewone taal"),
        "model": {"type": (f"scikit-learn Pipeline: ColumnTransformer + {'LogisticRegression' if bundle.model.kind == 'logistic' else 'HistGradientBoostingClassifier'}"
                           f" (gekozen variant: {candidate_label(metrics.get('selection', {}).get('chosen', '?'))}), sigmoid-gekalibreerd "
                           "(CalibratedClassifierCV + FrozenEstimator) op de laatste 120 dagen vóór de trainingsdatum"
                           + _boosting_text(bundle.model)),
                  "selection": ("gekozen uit logistische regressie en gradient boosting (gebalanceerd, "
                                "ongewogen) op dezelfde kenmerken, met rollende validatie in de tijd op precisie bij de "
                                "weekcapaciteit (bezoeken na elke vouwdatum); daarna, als boosting wint, op dezelfde vouwen "
                                "een klein rooster van instellingen (aantal en grootte van de bomen, leersnelheid). Boosting "
                                "gewogen naar selectiekans (inverse-propensity) wordt nog getraind en vergeleken, maar is geen "
                                "kandidaat meer: in de ontwikkeling (andere demo's en datums) was het steeds de zwakste weging"),
                  "label": "bij een huisbezoek is een overtreding vastgesteld (bezoeken zonder toegang uitgesloten)",
                  "training_rows": "(adres, bezoekdatum), kenmerken per bezoekdatum uit gegevens strikt vóór die datum",
                  "selection_bias": ("expliciet: willekeurige+routinebezoeken gebalanceerd (even zwaar als alle andere) of "
                                     "ongewogen, gekozen door de validatie; ter vergelijking ook inverse-propensity-gewichten uit "
                                     "de aanleiding van elk bezoek (kans dat een bezoek een klacht-/controlebezoek is, geschat uit "
                                     "de kenmerken); willekeurige bezoeken zijn de onbevooroordeelde controle (AUC in het rapport)"),
                  "explanations": ("interventionele bijdrage per kenmerkgroep: log-odds van het adres minus log-odds met die groep "
                                   "vervangen door het typische adres (exact voor het model, niet additief); de drie grootste positieve "
                                   "bijdragen worden redenen"),
                  "reason_groups": {GROUP_LABELS.get(k, k): [f for f in v if f in used] for k, v in REASON_GROUPS.items()
                                    if any(f in used for f in v)},
                  "smoothing": {"landlord_pseudo_visits": LANDLORD_SMOOTHING_VISITS, "wijk_pseudo_visits": WIJK_SMOOTHING_VISITS}},
        "data_sources": ["BAG adressen (oppervlakte, bouwjaar)", "BRP inschrijvingen (aantallen, in-/uitschrijvingen, RNI)",
                         "verhuurdersvergunningen", "klachten/meldingen", "eerdere huisbezoeken en uitkomsten", "wijkindeling"],
        "features": {f: FEATURE_LABELS.get(f, f) for f in FEATURE_NAMES if f in used},
        "features_not_used": {f: FEATURE_LABELS.get(f, f) for f in FEATURE_NAMES if f not in used},
        "evaluation_table": metrics.get("comparison", []),
        "paired_table": metrics.get("paired", []),
        "capacity": metrics.get("capacity"),
        "n_evaluations": len(metrics.get("splits", [])),
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


#: Dutch headings of the model card's top-level fields (model_card.json keeps the English keys for programs).
CARD_KEYS_NL = {"organisation": "organisatie", "purpose": "doel", "legal_basis": "wettelijke grondslag",
                "status": "status", "human_oversight": "menselijk toezicht"}
MODEL_KEYS_NL = {"type": "type", "selection": "keuze van het model", "label": "wat het model voorspelt",
                 "training_rows": "trainingsrijen", "selection_bias": "selectiebias", "explanations": "uitleg per adres",
                 "smoothing": "afvlakking"}
SMOOTHING_NL = {"landlord_pseudo_visits": "verhuurder: pseudobezoeken", "wijk_pseudo_visits": "wijk: pseudobezoeken"}
METRIC_NL = {"population_precision@k_": "precisie in de top (alle adressen)", "visited_precision@k_": "precisie in de top (bezochte adressen)",
             "brier_": "Brier-score", "ratio_to_complaints_": "verhouding tot meeste klachten",
             "share_of_ceiling_": "deel van het plafond", "gap_closed_": "deel van de ruimte boven klachten"}
FAIRNESS_NL = {"flags": "gemarkeerde groepen", "groups": "groepen in de audit",
               "flagged_nationality_groups": "gemarkeerde nationaliteitsgroepen"}


def _value_nl(value) -> str:
    """A number with a decimal comma, a list joined with commas, text as is."""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, (int, np.integer)):
        return format_number(int(value), 0, "nl")
    if isinstance(value, (float, np.floating)):
        return _fmt(float(value))
    if isinstance(value, (list, tuple)):
        return ", ".join(_value_nl(v) for v in value) or "geen"
    return str(value)


def _metric_label(key: str) -> str:
    for prefix, label in METRIC_NL.items():
        if key.startswith(prefix):
            who = key[len(prefix):]
            return f"{label}: {RANKER_LABELS.get(who, 'verwacht bij willekeurig kiezen' if who == 'random_expected' else who)}"
    return key


def _metrics_table(metrics: dict) -> list[str]:
    """The per-date figures as one Markdown table: a row per measure and ranker, a column per evaluation date."""
    dates = list(metrics)
    if not dates:
        return ["- geen evaluatiedatums"]
    keys = list(dict.fromkeys(k for values in metrics.values() for k in values))
    lines = ["| maat | " + " | ".join(dates) + " |", "|---|" + "---|" * len(dates)]
    for key in keys:
        cells = [_value_nl(metrics[d][key]) if key in metrics[d] else "–" for d in dates]
        lines.append(f"| {_metric_label(key)} | " + " | ".join(cells) + " |")
    return lines


def _boosting_text(model) -> str:
    """The boosting settings in words (empty for a logistic regression)."""
    if getattr(model, "kind", "boosting") == "logistic":
        return ""
    return (f"; {model.max_iter} bomen van hoogstens {model.max_leaf_nodes} bladeren, minstens {model.min_samples_leaf} "
            f"bezoeken per blad, leersnelheid {_value_nl(float(model.learning_rate))}, L2 {_value_nl(float(model.l2_regularization))}")


def _card_md(card: dict) -> str:
    """The model card as Dutch Markdown (the window's Model tab shows this file): no raw dicts, no raw feature names."""
    lines = [f"# Modelkaart: {card['name']}", ""]
    for key, label in CARD_KEYS_NL.items():
        lines.append(f"- **{label}**: {card[key]}")
    lines += ["", "## Model", ""]
    for key, value in card["model"].items():
        if key == "reason_groups":
            continue
        if key == "smoothing":
            value = "; ".join(f"{SMOOTHING_NL.get(k, k)} {_value_nl(v)}" for k, v in value.items())
        lines.append(f"- **{MODEL_KEYS_NL.get(key, key)}**: {value}")
    lines += ["", "## Gegevensbronnen", ""] + [f"- {s}" for s in card["data_sources"]]
    table = pd.DataFrame(card.get("evaluation_table", []))
    if len(table):
        lines += ["", "## Vergelijking (alle adressen, verborgen waarheid van de demo)", ""]
        lines += comparison_markdown(table, int(card.get("capacity") or 40), int(card.get("n_evaluations") or 0))
    paired = pd.DataFrame(card.get("paired_table", []))
    if len(paired):
        lines += ["## Gepaard verschil: model min de andere rangschikking", ""] + paired_markdown(paired)
    groups = card["model"].get("reason_groups", {})
    lines += ["", "## Kenmerken", ""]
    if groups:
        for group, feats in groups.items():
            lines.append(f"- **{group}**: " + "; ".join(FEATURE_LABELS.get(f, f.replace("_", " ")) for f in feats))
    else:
        lines += [f"- {label}" for label in card["features"].values()]
    unused = card.get("features_not_used") or {}
    if unused:
        lines += ["", "Berekend maar niet in het model (op de ontwikkeldemo's verlaagden ze de precisie in de top, op "
                  "andere demo's maakten ze geen duidelijk verschil; de evaluatie toont per groep wat toevoegen doet): " + "; ".join(unused.values()) + "."]
    lines += ["", "## Uitgesloten attributen (nooit kenmerk)", "",
              ", ".join(EXCLUDED_NL.get(a, a) for a in card["excluded_attributes"])]
    w = card["training_window"]
    lines += ["", "## Trainingsvenster", "",
              f"Bezoeken van {w['visits_from']} tot {w['as_of']} (peildatum, niet meegeteld): {_value_nl(w['rows'])} bezoeken."]
    lines += ["", "## Prestaties per evaluatiedatum", ""] + _metrics_table(card["metrics"])
    lines += ["", "## Eerlijkheid", ""]
    lines += [f"- {FAIRNESS_NL.get(k, k)}: {_value_nl(v)}" for k, v in card["fairness"].items()] or ["- geen audit (geen testweken)"]
    lines += ["", "## Risico's", ""] + [f"- {r}" for r in card["risks"]]
    lines += ["", "## Versies", ""] + [f"- {k}: {v}" for k, v in card["versions"].items()]
    lines += ["", "## Gegevensbestanden (SHA-256)", ""]
    lines += [f"- {k}: `{v}`" for k, v in card["data_file_hashes"].items()]
    return "\n".join(lines) + "\n"


#: Dutch names of the attributes that never become a feature.
EXCLUDED_NL = {"nationality_group": "nationaliteitsgroep", "nationality": "nationaliteit", "birth_year": "geboortejaar",
               "age": "leeftijd", "sex": "geslacht", "gender": "gender", "eum": "EU-arbeidsmigrant",
               "eum_share": "aandeel EU-arbeidsmigranten"}
