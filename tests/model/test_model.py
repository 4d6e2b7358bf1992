"""Rules for the model folder, the ranking and the evaluation measures."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from geo_tool.errors import GeoToolError
from geo_tool.model import (RANKING_COLUMNS, ModelMismatchError, load_model, rank_addresses, train_model,
                            write_ranking)
from geo_tool.model.evaluation import days_earlier, precision_at_k
from geo_tool.model.fairness import fairness_audit
from geo_tool.model.features import FeatureBuilder, to_day
from geo_tool.model.reasons import reason_texts
from geo_tool.model.selection import candidate_label
from geo_tool.model.registry import ESTIMATOR_FILE, META_FILE
from geo_tool.security.modelfolder import UntrustedModelError, sign_folder

AS_OF = "2023-03-01"


@pytest.fixture(scope="module")
def trained(toy, tmp_path_factory):
    """A model folder trained on the toy data with a short evaluation (two dates, small bootstrap)."""
    dataset, truth = toy
    truth_dir = tmp_path_factory.mktemp("truth")
    months = pd.date_range("2019-01-01", "2024-12-01", freq="MS")
    t = truth.dropna()
    rows = [(a, m.strftime("%Y-%m"), "overbewoning") for a, f in zip(t.address_id, t.violation_from) for m in months
            if m >= f.to_period("M").to_timestamp()]
    pd.DataFrame(rows, columns=["address_id", "month", "violations"]).to_csv(truth_dir / "violations_monthly.csv", index=False)
    out = tmp_path_factory.mktemp("model")
    result = train_model(dataset, AS_OF, out, capacity=10, truth_dir=truth_dir, eval_dates=["2022-06-01", "2022-12-01"],
                         fairness_weeks=1, n_boot=10)
    return out, result


def test_precision_at_k_hand_case():
    """precision@k = share of true labels among the k highest scores: [1,0,1,0,0] scored .9,.8,.7,.1,.2 gives 1/2 at k=2,
    2/3 at k=3; k beyond the rows uses all rows."""
    y = [1, 0, 1, 0, 0]
    s = [0.9, 0.8, 0.7, 0.1, 0.2]
    assert precision_at_k(y, s, 1) == 1.0
    assert precision_at_k(y, s, 2) == 0.5
    assert precision_at_k(y, s, 3) == pytest.approx(2 / 3)
    assert precision_at_k(y, s, 10) == pytest.approx(0.4)
    # ties are broken at random, not by row order: all-equal scores do not always pick the first rows
    picks = {precision_at_k([1, 0, 0, 0], [1, 1, 1, 1], 1, seed) for seed in range(20)}
    assert picks == {0.0, 1.0}


def test_days_earlier_hand_case():
    """Re-ordering visits by score: a violation visited on day 10 that the model puts first (day 0) is found 10 days earlier."""
    out = days_earlier(np.array([0.0, 5.0, 10.0]), np.array([0, 0, 1]), np.array([0.1, 0.2, 0.9]))
    assert out["mean_days_earlier"] == 10.0
    assert out["first_half_share_model"] == 1.0 and out["first_half_share_actual"] == 0.0


def test_model_folder_has_every_output(trained):
    """train writes the pipeline, model card (md+json), report, charts, metrics and fairness table."""
    out, result = trained
    for name in (ESTIMATOR_FILE, "manifest.json", "model_card.md", "model_card.json", "report.md", "metrics.json", "fairness.csv",
                 "precision_at_k_population.png", "calibration.png", "visits_per_1000_residents.csv"):
        assert (out / name).exists(), name
    card = json.loads((out / "model_card.json").read_text())
    for field in ("name", "purpose", "legal_basis", "data_sources", "features", "excluded_attributes", "training_window",
                  "metrics", "fairness", "human_oversight", "risks", "versions", "data_file_hashes"):
        assert field in card, field
    assert "nationality_group" in card["excluded_attributes"]
    assert card["human_oversight"].startswith("een planner beslist over elk bezoek")
    metrics = json.loads((out / "metrics.json").read_text())
    assert len(metrics["splits"]) == 2 and "population_precision@k_model" in metrics["splits"][0]
    assert "summary" not in result.summary() and "precisie@10" in result.summary()
    fair = pd.read_csv(out / "fairness.csv")
    assert set(fair["dimension"]) == {"gebied", "wijk", "nationality_group"}
    assert {"selection_rate_ci_low", "precision", "false_discovery_rate", "flag"} <= set(fair.columns)
    assert not list(out.glob(".*tmp*")), "no temporary files left behind"


def test_model_from_other_sklearn_or_feature_set_is_refused(trained, tmp_path):
    """Loading a model saved with another scikit-learn version or feature set raises a GeoToolError naming the cause."""
    out, _ = trained
    assert load_model(out).model is not None
    import shutil

    meta = json.loads((out / META_FILE).read_text())
    for key, value, word in (("sklearn_version", "0.24.2", "scikit-learn"), ("feature_set_version", "0", "feature set")):
        folder = tmp_path / key
        shutil.copytree(out, folder)
        (folder / META_FILE).write_text(json.dumps({**meta, key: value}))
        sign_folder(folder, "fingerprint")  # a correctly signed folder that is merely old
        with pytest.raises(ModelMismatchError, match=word) as info:
            load_model(folder)
        assert isinstance(info.value, GeoToolError)
    junk = tmp_path / "junk"
    shutil.copytree(out, junk)
    (junk / ESTIMATOR_FILE).write_bytes(b"not a model")
    sign_folder(junk, "fingerprint")
    with pytest.raises(UntrustedModelError):
        load_model(junk)


def test_ranking_from_a_saved_model_has_the_contract_columns(trained, toy, tmp_path):
    """The ranking CSV has exactly rank,address_id,score,wijk_code,reason_1..3, ids keep their leading zeros."""
    out, _ = trained
    dataset, _ = toy
    frame = rank_addresses(dataset, "2023-04-01", model_dir=out, top=25)
    path = write_ranking(frame, tmp_path / "ranked.csv")
    back = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(back.columns) == RANKING_COLUMNS == ["rank", "address_id", "score", "wijk_code", "reason_1", "reason_2", "reason_3"]
    assert len(back) == 25 and back["rank"].tolist() == [str(i) for i in range(1, 26)]
    assert back["address_id"].str.fullmatch(r"0\d{15}").all()
    scores = back["score"].astype(float)
    assert scores.between(0, 1).all() and scores.is_monotonic_decreasing
    with pytest.raises(GeoToolError):  # a model trained up to a later date may not rank an earlier one
        rank_addresses(dataset, "2022-01-01", model_dir=out)


DUTCH = re.compile(r"personen|persoon|inschrijving|klacht|vergunning|verhuurder|bezoek|wijk|woning|RNI")


def test_reasons_are_dutch_sentences_with_figures(toy):
    """Every top-ranked address has a first reason; reasons are Dutch and (but for permit status) carry figures."""
    dataset, _ = toy
    frame = rank_addresses(dataset, AS_OF, top=30)
    assert (frame["reason_1"] != "").all()
    for col in ("reason_1", "reason_2", "reason_3"):
        for text in frame[col][frame[col] != ""]:
            assert DUTCH.search(text), text
            assert re.search(r"\d", text) or "vergunning" in text, text


def test_reason_texts_on_a_hand_case(toy):
    """'7 personen ingeschreven op 41 m²' and '3 klachten woonoverlast in 90 dagen' come out with the address's own figures."""
    dataset, _ = toy
    builder = FeatureBuilder(dataset)
    X = builder.features(builder.address_ids[:1].to_numpy(dtype=object), np.array([to_day(AS_OF)]))
    X.loc[0, ["persons_now", "floor_area_m2", "complaints_woonoverlast_90d", "complaints_total_365d"]] = [7, 41.0, 3, 5]
    assert reason_texts("bezetting", X)[0] == "7 personen ingeschreven op 41 m²"
    assert reason_texts("klachten", X)[0].startswith("3 klachten woonoverlast in 90 dagen")
    X["permit_status"] = pd.Categorical(["none"], categories=X["permit_status"].cat.categories)
    assert reason_texts("vergunning", X)[0] == "geen verhuurvergunning bekend"


def test_fairness_audit_flags_ratios_outside_bounds():
    """A group selected three times as often as the whole is flagged; a group at the overall rate is not."""
    rows = []
    for g, n, sel in (("A", 100, 30), ("B", 100, 10), ("C", 100, 10)):
        for i in range(n):
            rows.append({"gebied": g, "wijk": g, "nationality_group": g, "selected": i < sel, "label": float(i % 2), "weight": 1.0})
    audit = fairness_audit(pd.DataFrame(rows), n_boot=20)
    sel = audit[audit.dimension == "gebied"].set_index("group")
    assert sel.loc["A", "selection_rate"] == pytest.approx(0.3)
    assert sel.loc["A", "flag"] and not sel.loc["B", "selection_rate_ratio"] > 1.25
    assert (sel["selection_rate_ci_low"] <= sel["selection_rate"]).all()


def test_model_card_compares_the_rankers_and_names_the_chosen_estimator(trained):
    """With a truth the model card holds the comparison table (model, logistic regression on the same features,
    today's model, complaints, random, ceiling) and says which estimator the rolling validation chose."""
    out, _ = trained
    card = json.loads((out / "model_card.json").read_text())
    rankers = [r["ranker"] for r in card["evaluation_table"]]
    assert rankers == ["model", "logistic", "model_v1", "complaints_90d", "random", "truth"]
    for r in card["evaluation_table"]:
        assert r["p@10_low"] <= r["p@10"] <= r["p@10_high"]
    md = (out / "model_card.md").read_text()
    assert "## Vergelijking" in md and "huidig model (kenmerkenset 1)" in md and "plafond" in md
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["selection"]["chosen"] in ("logistic", "boosting_balanced", "boosting_ipw", "boosting_unweighted")
    assert candidate_label(metrics["selection"]["chosen"]) in card["model"]["type"]


def test_model_card_is_dutch_without_raw_dicts_or_feature_names(trained):
    """The model card the window shows (model_card.md) is Dutch: Dutch field names, no English keys, no raw Python
    dict or JSON, no raw feature identifiers, decimal commas; and it shows the paired difference table."""
    from geo_tool.model.features import FEATURE_NAMES

    out, _ = trained
    md = (out / "model_card.md").read_text()
    for dutch in ("**organisatie**", "**doel**", "**menselijk toezicht**", "**wettelijke grondslag**", "## Gepaard verschil"):
        assert dutch in md, dutch
    english = re.compile(r"\b(organisation|purpose|human_oversight|legal_basis|training_rows|selection_bias|reason_groups|"
                         r"smoothing|explanations|flagged_nationality_groups|a planner decides)\b")
    assert not english.findall(md)
    assert not re.search(r"\{['\"]|['\"]\}|```", md), "a raw dict or JSON block in the card"
    raw = [f for f in FEATURE_NAMES if re.search(rf"(?<![\w/.-]){re.escape(f)}(?![\w/.-])", md)]
    assert not raw, raw
    table = md.split("## Vergelijking", 1)[1]
    assert re.search(r"\| \d,\d\d \[\d,\d\d–\d,\d\d\]", table), "precision with a decimal comma and its interval"
    assert not re.search(r"\b0\.\d\d\b", table.split("## Kenmerken", 1)[0]), "no decimal point in the tables"


def test_paired_counts_and_paired_bootstrap_hand_case():
    """paired_counts splits the union of two top-k lists into both/only-A/only-B x hit/miss; the paired bootstrap's
    difference is (hits only in A - hits only in B) / k, and identical lists give a zero-width interval at 0."""
    from geo_tool.model.evaluation import paired_counts
    from geo_tool.model.report import paired_table

    y = [1, 1, 0, 1, 0, 0]
    a = [6, 5, 4, 3, 2, 1]  # top 3: rows 0, 1, 2
    b = [6, 1, 1, 5, 4, 1]  # top 3: rows 0, 3, 4
    assert paired_counts(y, a, b, 3) == [1, 0, 1, 1, 1, 1]
    split = {"paired@k_model_vs_logistic": [30, 2, 6, 2, 1, 7], "paired@5k_model_vs_logistic": [5, 0, 0, 0, 0, 0]}
    t = paired_table([split, split], 40, n_boot=500).set_index("k")
    assert t.loc[40, "difference"] == pytest.approx((6 - 1) / 40)
    assert t.loc[40, "ratio"] == pytest.approx(36 / 31)
    assert t.loc[40, "low"] < t.loc[40, "difference"] < t.loc[40, "high"]
    assert t.loc[200, "difference"] == t.loc[200, "low"] == t.loc[200, "high"] == 0.0


def test_choose_candidate_takes_the_best_mean_and_the_simplest_on_a_tie():
    """Rolling validation: the best mean precision over the folds wins; a tie goes to the candidate listed first."""
    from geo_tool.model.selection import choose_candidate

    t = pd.DataFrame({"fold_date": ["a", "a", "b", "b"], "candidate": ["logistic", "boosting_balanced"] * 2,
                      "k": 10, "precision": [0.5, 0.6, 0.5, 0.6]})
    assert choose_candidate(t) == "boosting_balanced"
    t["precision"] = 0.5
    assert choose_candidate(t) == "logistic"
    assert choose_candidate(t.iloc[:0]) == "boosting_balanced"


def test_propensity_weights_favour_rows_like_the_random_visits():
    """Inverse-propensity weights: rows of a kind that complaints bring in often weigh less than rows that look
    like the random visits; the weights average 1 and stay within the clip bounds."""
    from geo_tool.model.features import NUMERIC_FEATURES
    from geo_tool.model.pipeline import IPW_CLIP, propensity_weights

    rng = np.random.default_rng(0)
    n = 2000
    complaints = rng.poisson(0.3, n).astype(float)
    random_visit = rng.random(n) < np.where(complaints > 0, 0.02, 0.4)
    X = pd.DataFrame(0.0, index=range(n), columns=list(NUMERIC_FEATURES))
    X["complaints_total_90d"] = complaints
    X["permit_status"] = pd.Categorical(["none"] * n, categories=["none", "granted"])
    w = propensity_weights(X, np.where(random_visit, "random", "complaint"))
    assert abs(w.mean() - 1) < 1e-9
    assert w[complaints > 0].mean() < 0.5 * w[complaints == 0].mean()
    assert w.max() / w.min() <= IPW_CLIP[1] / IPW_CLIP[0] + 1e-9
