"""City-size figures for the ranking model (issue 11 targets, printed, never asserted).

Run: `.venv/bin/python benchmarks/bench_model.py DATASET_DIR [--as-of 2024-02-01] [--skip-train-job]` on a
city demo. Targets: features (every computed feature, set 3) and scores for all ~320,000 addresses < 10 s; training (the
two-stage rolling validation that chooses the estimator and its settings, plus the final fit) < 60 s. Wall
clock and CPU seconds are printed (on a shared machine the wall clock also measures the neighbours). Precision figures:
benchmarks/eval_model.py.
"""

from __future__ import annotations

import argparse
import tempfile
import time

import numpy as np


def main() -> None:
    """Time the feature build + scoring of every address, training, and ranking with reasons."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dataset")
    parser.add_argument("--as-of", default="2024-02-01")
    parser.add_argument("--skip-train-job", action="store_true", help="skip the full `geo-tool train` (evaluation splits)")
    args = parser.parse_args()

    from geo_tool.dataset import load_dataset
    from geo_tool.model.api import fit_final_model, rank_addresses, train_model
    from geo_tool.model.features import FeatureBuilder, to_day

    ds = load_dataset(args.dataset)
    print(f"{len(ds.addresses):,} addresses, {len(ds.brp):,} spells, {len(ds.inspections):,} inspections")
    t = time.perf_counter()
    builder = FeatureBuilder(ds)
    print(f"feature indexes: {time.perf_counter() - t:.1f} s")
    t, c = time.perf_counter(), time.process_time()
    model, _reference, n_rows = fit_final_model(builder, args.as_of)
    fit_s, fit_cpu = time.perf_counter() - t, time.process_time() - c
    t, c = time.perf_counter(), time.process_time()
    ids = builder.address_ids
    X = builder.features(ids.to_numpy(dtype=object), np.full(len(ids), to_day(args.as_of)))
    feat_s = time.perf_counter() - t
    model.predict_proba(X)
    score_s, score_cpu = time.perf_counter() - t, time.process_time() - c
    # CPU seconds next to the wall clock: on a shared, busy machine the wall clock measures the neighbours
    print(f"training: two-stage rolling validation + final fit ({n_rows:,} visits, chosen {model.selection_['chosen']} "
          f"{model.selection_.get('parameters')}): {fit_s:.1f} s wall, {fit_cpu:.1f} s CPU  (target < 60 s)")
    print(f"features and scores for all {len(ids):,} addresses: {score_s:.1f} s wall, {score_cpu:.1f} s CPU "
          f"(features {feat_s:.1f} s)  (target < 10 s)")
    t = time.perf_counter()
    rank_addresses(ds, args.as_of, top=2000, builder=builder)
    print(f"ranking with reasons, top 2,000 (model trained on the fly): {time.perf_counter() - t:.1f} s")
    if args.skip_train_job:
        return
    out = tempfile.mkdtemp(prefix="geo_tool_bench_model_")
    t = time.perf_counter()
    train_model(ds, args.as_of, out)
    print(f"geo-tool train (3 evaluation splits, fairness audit, reports): {time.perf_counter() - t:.1f} s "
          "(target < 120 s)")


if __name__ == "__main__":
    main()
