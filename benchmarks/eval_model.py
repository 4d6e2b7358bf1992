"""Issue 11 figures: the model against its baselines on several demo seeds x dates (printed, never asserted).

Run (city size is expensive: generate once, then evaluate; best in the background with a log):

    .venv/bin/python benchmarks/eval_model.py --size city --seeds 7,8,9 \\
        --dates 2023-09-04,2024-03-04,2024-10-07 --work /tmp/eval --out eval.md [--ablation]

For every seed a realistic demo is generated (or reused when WORK/sSEED exists), and for every date
`evaluate_split` trains all rankers on the visits before it (the model chosen by rolling temporal
validation, logistic regression on the same features, today's model on feature set 1, the weighting
variants) and measures precision in the top 40 and 200 of all addresses against the hidden truth,
with the ceiling from the latent risk and the Chicago "days earlier" figure. The pooled table has
95 % bootstrap intervals (geo_tool.model.report.comparison_table), the paired bootstrap of the model minus
the logistic regression / complaints practice / today's model (report.paired_table: the difference and the
ratio, resampling the evaluations and the addresses of both top lists together), and the demo targets
(prevalence, complaints p@40, LR on today's features / ceiling). With --ablation every feature group the model
uses is dropped in turn and every group it leaves out is added in turn (boosting, same weighting and settings as
the chosen model), and p@40 reported. The JSON next
to OUT is rewritten after every evaluation, so parallel per-seed runs can be pooled with --merge.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd


def main() -> None:
    """Generate the demos, evaluate every (seed, date), print and write the pooled table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="city", choices=["small", "city"])
    parser.add_argument("--seeds", default="7,8,9")
    parser.add_argument("--dates", default="2023-09-04,2024-03-04,2024-10-07")
    parser.add_argument("--work", default="/tmp/geo_tool_eval")
    parser.add_argument("--out", default=None, help="Markdown file for the pooled table and the ablation")
    parser.add_argument("--capacity", type=int, default=40)
    parser.add_argument("--ablation", action="store_true")
    parser.add_argument("--visible-bound", action="store_true",
                        help="also train on the hidden truth of every address 13 weeks earlier (what the visible features allow)")
    parser.add_argument("--boundaries", default=None)
    parser.add_argument("--grid", default=None)
    parser.add_argument("--merge", nargs="+", default=None,
                        help="pool the JSON files of earlier runs (one per seed, run in parallel) instead of evaluating")
    args = parser.parse_args()
    if args.merge:
        _merge(args.merge, args.capacity, args.out)
        return

    import os

    from geo_tool.dataset import load_dataset
    from geo_tool.demo import generate_demo
    from geo_tool.model.evaluation import evaluate_split, read_truth
    from geo_tool.model.features import NEW_FEATURE_GROUPS, FeatureBuilder
    shared = Path(os.environ.get("GEO_TOOL_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
    boundaries = args.boundaries or (shared / "rotterdam_districts.gpkg")
    grid = args.grid or (shared / "cbs_vk100_2024_rotterdam.gpkg")
    seeds = [int(s) for s in args.seeds.split(",")]
    dates = args.dates.split(",")
    work = Path(args.work)
    splits, ablation, prevalence = [], [], []
    for seed in seeds:
        folder = work / f"{args.size}_s{seed}"
        if not (folder / "truth" / "parameters.json").exists():
            t = time.perf_counter()
            generate_demo(folder, seed=seed, size=args.size, boundaries=boundaries, grid=grid)
            print(f"seed {seed}: demo generated in {time.perf_counter() - t:.0f} s", flush=True)
        ds = load_dataset(folder)
        truth = read_truth(folder / "truth")
        t = time.perf_counter()
        builder = FeatureBuilder(ds)
        print(f"seed {seed}: {len(builder.address_ids):,} addresses, feature indexes {time.perf_counter() - t:.1f} s", flush=True)
        for d in dates:
            t = time.perf_counter()
            r = evaluate_split(builder, d, capacity=args.capacity, truth=truth, fairness_weeks=1)
            rows = {"seed": seed, "as_of": r.as_of, **r.rows}
            splits.append(rows)
            prevalence.append(rows["population_prevalence"])
            k = args.capacity
            print(f"seed {seed} {d} ({time.perf_counter() - t:.0f} s) prevalence {rows['population_prevalence']:.4f} chosen "
                  f"{rows['chosen']} {rows['chosen_parameters']}: p@{k} " + ", ".join(
                      f"{n} {rows.get(f'population_precision@k_{n}', rows.get('population_precision@k_random_expected')):.3f}"
                      for n in ("model", "logistic", "model_v1", "logistic_v1", "model_balanced", "model_ipw", "model_unweighted",
                                "complaints_90d", "truth")) + "; p@" + str(5 * k) + " " + ", ".join(
                      f"{n} {rows.get(f'population_precision@5k_{n}'):.3f}" for n in ("model", "logistic", "model_v1",
                                                                                      "complaints_90d", "truth")),
                  flush=True)
            if args.ablation:
                ablation += _ablation(builder, d, truth, rows["chosen_parameters"], k, NEW_FEATURE_GROUPS, seed)
            if args.visible_bound:
                rows.update(_visible_bound(builder, d, truth, k))
            if args.out:  # after every evaluation, so an interrupted run still leaves what it measured (for --merge)
                from geo_tool.fileio import write_text_atomic

                write_text_atomic(Path(args.out).with_suffix(".json"),
                                  json.dumps({"splits": splits, "ablation": ablation}, indent=1, default=str))
    _write_pooled(splits, ablation, args.capacity, args.out, args.size)


def _merge(paths: list[str], capacity: int, out: str | None) -> None:
    """One pooled table (and ablation) from the JSON files that parallel runs wrote."""
    splits, ablation = [], []
    for p in paths:
        data = json.loads(Path(p).read_text())
        splits += data["splits"]
        ablation += data["ablation"]
    _write_pooled(splits, ablation, capacity, out, "city")


def _write_pooled(splits: list[dict], ablation: list[dict], capacity: int, out: str | None, size: str) -> None:
    """Print (and write to OUT) the pooled comparison, the paired differences, the demo targets and the ablation."""
    from geo_tool.model.report import comparison_markdown, comparison_table, paired_markdown, paired_table

    table = comparison_table(splits, capacity)
    k = capacity
    prev = np.array([s["population_prevalence"] for s in splits])
    ceiling = np.array([s["population_precision@k_truth"] for s in splits])
    lines = [f"# Evaluation on the realistic {size} demo: {len(splits)} evaluations "
             f"(seeds {sorted({s['seed'] for s in splits})}, dates {sorted({s['as_of'] for s in splits})})", "",
             f"Violation prevalence per month (mean over evaluations): {prev.mean():.4f} (range {prev.min():.4f}-{prev.max():.4f}); "
             "estimator chosen by the rolling validation: "
             + ", ".join(f"{c} {n}x" for c, n in pd.Series([s["chosen"] for s in splits]).value_counts().items()), ""]
    lines += comparison_markdown(table, capacity, len(splits))
    lines += ["## Paired differences (model minus the other ranker, same evaluations, same addresses)", ""]
    lines += paired_markdown(paired_table(splits, capacity))
    comp = np.array([s["population_precision@k_complaints_90d"] for s in splits])
    lr1 = np.array([s.get("population_precision@k_logistic_v1", np.nan) for s in splits])
    lines += ["## Demo targets (issue 11)", "",
              f"- prevalence per month: {prev.mean():.4f} (target 0.01-0.03)",
              f"- 'most complaints in 90 days' p@{k}: mean {comp.mean():.3f}, per evaluation {comp.min():.3f}-{comp.max():.3f} (target 0.15-0.35)",
              f"- logistic regression on today's features (set 1) / ceiling at p@{k}: {np.nanmean(lr1) / ceiling.mean():.3f} "
              f"(LR set 1 {np.nanmean(lr1):.3f}, ceiling {ceiling.mean():.3f}; target <= 0.75)", ""]
    extra = ["model_balanced", "model_ipw", "model_unweighted"]
    lines += ["Weighting against selection bias (boosting, full features), p@%d mean over the evaluations: " % capacity
              + ", ".join(f"{n} {np.mean([s[f'population_precision@k_{n}'] for s in splits]):.3f}" for n in extra)
              + "; AUC on random/routine visits only: "
              + ", ".join(f"{n} {np.nanmean([s.get(f'auc_random_routine_{n}', np.nan) for s in splits]):.3f}" for n in extra), ""]
    if any("population_precision@k_visible_bound_full" in s for s in splits):
        vb = [s for s in splits if "population_precision@k_visible_bound_full" in s]
        lines += ["## What the visible features allow (analysis only: trained on the hidden truth of every address)", "",
                  "Boosting on the same features, trained on the truth of all addresses 13 weeks before each date instead of on "
                  "the visits; the model's distance to it is selection bias and learning, its distance to the ceiling is what "
                  "no data of the municipality shows.", "",
                  "| ranker | p@%d mean | p@%d mean | evaluations |" % (k, 5 * k), "|---|---|---|---|"]
        for name, label in (("model", "model (chosen)"), ("visible_bound_full", "bound, model features"),
                            ("visible_bound_all", "bound, every computed feature"), ("truth", "ceiling (hidden risk)")):
            lines.append(f"| {label} | {np.mean([s[f'population_precision@k_{name}'] for s in vb]):.3f} | "
                         f"{np.mean([s[f'population_precision@5k_{name}'] for s in vb]):.3f} | {len(vb)} |")
        lines.append("")
    if ablation:
        ab = pd.DataFrame(ablation).groupby("dropped", sort=False)["precision"].agg(["mean", "std", "count"])
        lines += ["## Ablation (boosting with the chosen weighting; -GROUP: the model without a group it uses, +GROUP: with "
                  "a group it leaves out; retrained; p@%d over all addresses)" % capacity,
                  "", "| feature set | p@k mean | sd | evaluations |", "|---|---|---|---|"]
        lines += [f"| {g} | {r['mean']:.3f} | {r['std']:.3f} | {int(r['count'])} |" for g, r in ab.iterrows()]
    names = ["model", "logistic", "model_v1", "logistic_v1", "complaints_90d", "visible_bound_full", "truth"]
    lines += ["", f"## Per evaluation (p@{k}; chosen = the rolling validation's pick, with its grid settings)", "",
              "| seed | date | prevalence | chosen | model | LR same features | today's model | LR set 1 | complaints "
              "| bound (visible features) | ceiling |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for s in splits:
        extra = {key: value for key, value in s.get("chosen_parameters", {}).items() if key not in ("kind", "random_weight")}
        values = " | ".join(f"{s[f'population_precision@k_{n}']:.3f}" if f"population_precision@k_{n}" in s else "–"
                            for n in names)
        lines.append(f"| {s['seed']} | {s['as_of']} | {s['population_prevalence']:.4f} | {s['chosen']} {extra or ''} | {values} |")
    text = "\n".join(lines) + "\n"
    print(text)
    if out:
        from geo_tool.fileio import write_text_atomic

        write_text_atomic(Path(out), text)


def _visible_bound(builder, as_of, truth, k: int, lead_days: int = 91, negative_share: float = 0.1) -> dict:
    """What the visible features allow: boosting trained on the hidden truth of every address (not only the
    visited ones) as of `lead_days` before as_of, scored as of as_of. An analysis yardstick (it reads the truth,
    which the tool never does): the gap between it and the model is selection bias and learning; the gap between
    it and the ceiling is what no feature of the data shows."""
    from geo_tool.model.evaluation import precision_at_k
    from geo_tool.model.features import to_day
    from geo_tool.model.pipeline import make_boosting_pipeline, numeric_columns

    ids = builder.address_ids
    earlier = pd.Timestamp(as_of) - pd.Timedelta(days=lead_days)
    X0 = builder.features(ids.to_numpy(dtype=object), np.full(len(ids), to_day(earlier)))
    y0 = truth.labels_at(ids, earlier)
    keep = (y0 == 1) | (np.random.default_rng(0).random(len(y0)) < negative_share)
    weight = np.where(y0[keep] == 1, 1.0, 1.0 / negative_share)
    X1 = builder.features(ids.to_numpy(dtype=object), np.full(len(ids), to_day(as_of)))
    y1 = truth.labels_at(ids, as_of)
    out = {}
    for name in ("full", "all"):
        pipe = make_boosting_pipeline(0, numeric_columns(name))
        pipe.fit(X0[keep], y0[keep], boosting__sample_weight=weight)
        s = pipe.decision_function(X1)
        out[f"population_precision@k_visible_bound_{name}"] = precision_at_k(y1, s, k)
        out[f"population_precision@5k_visible_bound_{name}"] = precision_at_k(y1, s, 5 * k)
    print("  visible-feature bound p@%d: " % k + ", ".join(f"{n} {v:.3f}" for n, v in out.items() if "@k_" in n), flush=True)
    return out


def _ablation(builder, as_of, truth, chosen_params: dict, k: int, groups: dict, seed: int) -> list[dict]:
    """p@k of the boosting model with its features, each group it uses dropped, each group it leaves out added."""
    from geo_tool.model.evaluation import precision_at_k
    from geo_tool.model.features import to_day, training_rows
    from geo_tool.model.pipeline import RiskModel
    from geo_tool.model.selection import CANDIDATES

    params = dict(chosen_params)
    if params["kind"] == "logistic":
        params = dict(CANDIDATES["boosting_balanced"])
    rows = training_rows(builder.dataset, before=as_of, start=pd.Timestamp(as_of) - pd.Timedelta(days=4 * 365))
    X = builder.features(rows.address_id, rows.day)
    ids = builder.address_ids
    X_all = builder.features(ids.to_numpy(dtype=object), np.full(len(ids), to_day(as_of)))
    y = truth.labels_at(ids, as_of)
    out = []
    from geo_tool.model.features import MODEL_GROUPS

    # groups the model uses are dropped one at a time, groups it leaves out are added one at a time
    names = ["none", *(("-" if g in MODEL_GROUPS else "+") + g for g in groups), "all (every group)", "v1 (no new group)"]
    for name in names:
        fs = {"none": "full", "all (every group)": "all", "v1 (no new group)": "v1"}.get(name, name)
        m = RiskModel(feature_set=fs, **params).fit(X, rows.label, visit_day=rows.day, selected_by=rows.selected_by)
        out.append({"seed": seed, "as_of": str(as_of), "dropped": name,
                    "precision": precision_at_k(y, m.decision_function(X_all), k)})
    print("  ablation " + ", ".join(f"{o['dropped']} {o['precision']:.3f}" for o in out), flush=True)
    return out


if __name__ == "__main__":
    main()
