"""Rules for the features: nothing from on or after the as-of date, nothing about who the residents are."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pandas.testing as pdt

from geo_tool.model import EXCLUDED_ATTRIBUTES, FEATURE_NAMES, features_as_of, rank_addresses

AS_OF = pd.Timestamp("2023-03-01")


def _with_future_data(dataset):
    """A copy of the dataset plus data dated on or after AS_OF of every kind (and later de-registrations)."""
    ds = copy.deepcopy(dataset)
    ids = ds.addresses["address_id"].iloc[:200].to_numpy()
    n = len(ids)
    days = pd.to_timedelta(np.arange(n) % 300, unit="D")
    brp_new = pd.DataFrame({
        "person_id": pd.array([f"future{i}" for i in range(n)], dtype="string"),
        "address_id": pd.array(ids, dtype="string"),
        "registered_from": AS_OF + days,
        "registered_until": pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]"),
        "nationality_group": pd.array(["EU-MOE"] * n, dtype="string"),
        "birth_year": pd.array([1990] * n, dtype="Int64"),
        "rni": pd.array([True] * n, dtype="boolean"),
    })
    open_now = ds.brp["registered_until"].isna() & (ds.brp["registered_from"] < AS_OF)
    ds.brp.loc[open_now, "registered_until"] = AS_OF + pd.Timedelta(days=10)  # a later export closes spells
    ds.brp = pd.concat([ds.brp, brp_new], ignore_index=True)
    comp = ds.complaints.iloc[:n].copy()
    comp["complaint_id"] = pd.array([f"fc{i}" for i in range(n)], dtype="string")
    comp["address_id"] = pd.array(ids, dtype="string")
    comp["received_on"] = (AS_OF + days).to_numpy()
    ds.complaints = pd.concat([ds.complaints, comp], ignore_index=True)
    insp = pd.DataFrame({
        "inspection_id": pd.array([f"fi{i}" for i in range(n)], dtype="string"),
        "address_id": pd.array(ids, dtype="string"),
        "visited_on": AS_OF + days,
        "outcome": pd.array(["violation"] * n, dtype="string"),
        "violations": pd.array(["overbewoning"] * n, dtype="string"),
        "selected_by": pd.array(["complaint"] * n, dtype="string"),
        "team": pd.array([None] * n, dtype="string"),
    })
    ds.inspections = pd.concat([ds.inspections, insp], ignore_index=True)
    perm = pd.DataFrame({
        "address_id": pd.array(ids, dtype="string"),
        "landlord_id": pd.array(["Lfuture"] * n, dtype="string"),
        "status": pd.array(["revoked"] * n, dtype="string"),
        "valid_from": AS_OF + days,
        "valid_until": pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]"),
    })
    ds.permits = pd.concat([ds.permits, perm], ignore_index=True)
    return ds


def test_no_feature_changes_when_later_data_is_added(toy):
    """Features as of D use data strictly before D: adding spells, complaints, visits and permits dated >= D,
    and closing open spells on a date after D, changes no feature of any address."""
    dataset, _ = toy
    before = features_as_of(dataset, AS_OF)
    after = features_as_of(_with_future_data(dataset), AS_OF)
    pdt.assert_frame_equal(before, after)
    # and the added data is really seen at a later date (the test has teeth)
    later = features_as_of(_with_future_data(dataset), AS_OF + pd.Timedelta(days=400))
    assert not later.equals(features_as_of(dataset, AS_OF + pd.Timedelta(days=400)))


def test_ranking_unchanged_when_later_data_is_added(toy):
    """A ranking as of D (trained on the fly on visits before D) is identical with or without data dated >= D."""
    dataset, _ = toy
    a = rank_addresses(dataset, AS_OF, top=50)
    b = rank_addresses(_with_future_data(dataset), AS_OF, top=50)
    pdt.assert_frame_equal(a, b)


def test_feature_matrix_holds_no_excluded_attribute(toy):
    """No feature is, or is named after, nationality, birth year/age or sex."""
    dataset, _ = toy
    X = features_as_of(dataset, AS_OF)
    assert list(X.columns) == list(FEATURE_NAMES)
    for col in X.columns:
        assert col not in EXCLUDED_ATTRIBUTES
        for word in ("nationality", "birth", "age", "sex", "gender", "eum", "eu_", "moe"):
            assert word not in col.lower().replace("registrations", "").replace("percentage", ""), col


def test_scores_unchanged_when_nationality_and_birth_year_are_shuffled(toy):
    """Shuffling nationality_group and birth_year over the BRP rows leaves every feature and every score unchanged."""
    dataset, _ = toy
    shuffled = copy.deepcopy(dataset)
    rng = np.random.default_rng(7)
    shuffled.brp["nationality_group"] = shuffled.brp["nationality_group"].to_numpy()[rng.permutation(len(shuffled.brp))]
    shuffled.brp["birth_year"] = shuffled.brp["birth_year"].to_numpy()[rng.permutation(len(shuffled.brp))]
    assert not shuffled.brp["nationality_group"].equals(dataset.brp["nationality_group"])
    pdt.assert_frame_equal(features_as_of(dataset, AS_OF), features_as_of(shuffled, AS_OF))
    a = rank_addresses(dataset, AS_OF)
    b = rank_addresses(shuffled, AS_OF)
    pdt.assert_frame_equal(a, b)


def test_features_on_a_hand_case():
    """Counts on paper: 3 persons on 30 m² (1.0 per 10 m²), 2 registrations in 3 months, 1 complaint in 90 days,
    and nothing registered on the as-of day itself."""
    from toydata import make_toy_dataset

    ds, _ = make_toy_dataset(20, seed=1)
    a = ds.addresses["address_id"].iloc[0]
    ds.addresses.loc[0, "floor_area_m2"] = 30.0
    ds.brp = ds.brp[ds.brp.address_id != a]
    ds.complaints = ds.complaints[ds.complaints.address_id != a]
    ds.inspections = ds.inspections[ds.inspections.address_id != a]
    d = pd.Timestamp("2022-06-01")
    spells = pd.DataFrame({
        "person_id": pd.array(["x1", "x2", "x3", "x4", "x5"], dtype="string"),
        "address_id": pd.array([a] * 5, dtype="string"),
        "registered_from": pd.to_datetime(["2020-01-01", "2022-04-01", "2022-05-31", "2022-06-01", "2019-01-01"]),
        "registered_until": pd.to_datetime([None, None, None, None, "2022-01-01"]),
        "nationality_group": pd.array(["NL"] * 5, dtype="string"),
        "birth_year": pd.array([1980] * 5, dtype="Int64"),
        "rni": pd.array([False, True, False, False, False], dtype="boolean"),
    })
    ds.brp = pd.concat([ds.brp, spells], ignore_index=True)
    comp = ds.complaints.iloc[:2].copy()
    comp["address_id"] = pd.array([a, a], dtype="string")
    comp["received_on"] = pd.to_datetime(["2022-05-01", "2022-06-01"]).to_numpy()
    comp["category"] = pd.array(["woonoverlast", "woonoverlast"], dtype="string")
    comp["complaint_id"] = pd.array(["h1", "h2"], dtype="string")
    ds.complaints = pd.concat([ds.complaints, comp], ignore_index=True)
    row = features_as_of(ds, d).loc[a]
    assert row.persons_now == 3
    assert row.persons_per_10m2 == 1.0
    assert row.registrations_3m == 2
    assert row.deregistrations_12m == 1
    assert row.spells_12m == 4  # x1, x2, x3 and x5 (left 2022-01-01) overlap the last 12 months
    assert row.rni_now == 1
    assert row.complaints_woonoverlast_90d == 1
    assert row.days_since_complaint == 31
    assert row.inspections_before == 0


def test_building_neighbourhood_and_landlord_features_on_a_hand_case():
    """Feature set 2 on paper: three flats share a building (pand id); a complaint at flat B and a violation
    at flat C count for flat A's building; a complaint with only a point 10 m from A counts within 25 m;
    the landlord of A had a violation and a no-access visit at another address and one refused permit.
    Only events before the as-of date's quarter start count for the neighbourhood (leak-free snapshot)."""
    from shapely.geometry import Point

    from toydata import make_toy_dataset

    ds, _ = make_toy_dataset(20, seed=1)
    ids = ds.addresses["address_id"].iloc[:4].tolist()
    a, b, c, other = ids
    ds.addresses["building_id"] = pd.array([f"{i:016d}" for i in range(len(ds.addresses))], dtype="string")
    ds.addresses.loc[:2, "building_id"] = "0599100000000001"
    far = [Point(50_000, 50_000), Point(50_000, 50_003), Point(50_000, 50_006), Point(60_000, 60_000)]
    ds.addresses.loc[:3, "geometry"] = far
    for name in ("complaints", "inspections", "permits"):
        frame = getattr(ds, name)
        setattr(ds, name, frame[~frame.address_id.isin(ids)].reset_index(drop=True))
    d = pd.Timestamp("2022-06-01")
    comp = ds.complaints.iloc[:3].copy()
    comp["complaint_id"] = pd.array(["h1", "h2", "h3"], dtype="string")
    comp["address_id"] = pd.array([b, None, None], dtype="string")
    comp["received_on"] = pd.to_datetime(["2022-02-01", "2022-03-01", "2022-04-15"]).to_numpy()
    comp["geometry"] = [far[1], Point(50_010, 50_000), Point(50_010, 50_000)]   # h3 is after the quarter start
    ds.complaints = pd.concat([ds.complaints, comp], ignore_index=True)
    insp = pd.DataFrame({
        "inspection_id": pd.array(["v1", "v2", "v3"], dtype="string"),
        "address_id": pd.array([c, other, other], dtype="string"),
        "visited_on": pd.to_datetime(["2021-05-01", "2021-06-01", "2021-09-01"]),
        "outcome": pd.array(["violation", "violation", "no_access"], dtype="string"),
        "violations": pd.array(["overbewoning", "overbewoning", None], dtype="string"),
        "selected_by": pd.array(["complaint"] * 3, dtype="string"),
        "team": pd.array([None] * 3, dtype="string"),
    })
    ds.inspections = pd.concat([ds.inspections, insp], ignore_index=True)
    perm = pd.DataFrame({
        "address_id": pd.array([a, other, c], dtype="string"),
        "landlord_id": pd.array(["Lx", "Lx", "Lx"], dtype="string"),
        "status": pd.array(["granted", "granted", "refused"], dtype="string"),
        "valid_from": pd.to_datetime(["2021-01-01", "2021-01-01", "2021-02-01"]),
        "valid_until": pd.Series(pd.NaT, index=range(3), dtype="datetime64[ns]"),
    })
    ds.permits = pd.concat([ds.permits, perm], ignore_index=True)
    row = features_as_of(ds, d).loc[a]
    assert row.building_units == 3
    assert row.building_complaints_365d_other == 1
    assert row.building_violations_other == 1
    assert row.building_days_since_violation == (d - pd.Timestamp("2021-05-01")).days
    assert row.near_complaints_365d_25m == 2      # h1 at flat B (3 m) and the point-only h2 (10 m); h3 too late
    assert row.near_findings_730d_25m == 1        # the violation at flat C
    assert row.near_complaints_365d_250m == 2
    assert row.landlord_violations_other == 2     # at `other` (v2) and at flat C (v1), both Lx
    assert row.landlord_no_access_other == 1
    assert row.landlord_refused_revoked == 1
    assert row.landlord_wijken >= 1


def test_every_feature_has_a_dutch_label_and_one_reason_group():
    """The Dutch label table covers every feature, and every feature belongs to exactly one reason group."""
    from geo_tool.model.labels import FEATURE_LABELS, GROUP_LABELS
    from geo_tool.model.reasons import REASON_GROUPS

    assert set(FEATURE_NAMES) <= set(FEATURE_LABELS)
    grouped = [f for cols in REASON_GROUPS.values() for f in cols]
    assert sorted(grouped) == sorted(FEATURE_NAMES)
    assert set(REASON_GROUPS) <= set(GROUP_LABELS)


def test_register_dynamics_since_the_last_visit_and_finding_on_a_hand_case():
    """Feature set 3 on paper: a violation found at address A on 2022-03-01 (three persons registered then);
    afterwards two of them leave (one on 2022-04-10, one on 2022-05-20) and one newcomer arrives on 2022-05-25.
    A later visit on 2022-05-01 found nothing. As of 2022-06-01: since the last visit 1 arrival and 1 departure;
    since the finding 1 arrival, 2 departures, persons -1; in the last month 1 arrival (05-25) and 1 departure
    (05-20). An address never visited has no since-visit figures (missing, not zero)."""
    from toydata import make_toy_dataset

    ds, _ = make_toy_dataset(20, seed=1)
    a, never = ds.addresses["address_id"].iloc[:2].tolist()
    for name in ("brp", "inspections"):
        frame = getattr(ds, name)
        setattr(ds, name, frame[~frame.address_id.isin([a, never])].reset_index(drop=True))
    brp = pd.DataFrame({
        "person_id": pd.array(["q1", "q2", "q3", "q4"], dtype="string"),
        "address_id": pd.array([a] * 4, dtype="string"),
        "registered_from": pd.to_datetime(["2021-01-01", "2021-01-01", "2021-06-01", "2022-05-25"]),
        "registered_until": pd.to_datetime(["2022-04-10", "2022-05-20", None, None]),
        "nationality_group": pd.array(["NL"] * 4, dtype="string"),
        "birth_year": pd.array([1990] * 4, dtype="Int64"),
        "rni": pd.array([False] * 4, dtype="boolean"),
    })
    ds.brp = pd.concat([ds.brp, brp], ignore_index=True)
    insp = pd.DataFrame({
        "inspection_id": pd.array(["d1", "d2"], dtype="string"),
        "address_id": pd.array([a, a], dtype="string"),
        "visited_on": pd.to_datetime(["2022-03-01", "2022-05-01"]),
        "outcome": pd.array(["violation", "no_violation"], dtype="string"),
        "violations": pd.array(["overbewoning", None], dtype="string"),
        "selected_by": pd.array(["complaint", "other"], dtype="string"),
        "team": pd.array([None, None], dtype="string"),
    })
    ds.inspections = pd.concat([ds.inspections, insp], ignore_index=True)
    X = features_as_of(ds, pd.Timestamp("2022-06-01"))
    row = X.loc[a]
    assert (row.arrivals_since_visit, row.departures_since_visit) == (1, 1)
    assert (row.arrivals_since_finding, row.departures_since_finding) == (1, 2)
    assert row.persons_change_since_finding == -1
    assert (row.registrations_1m, row.deregistrations_1m) == (1, 1)
    assert row.persons_change_3m == 2 - 3        # 3 registered on 2022-03-03, 2 now
    assert np.isnan(X.loc[never, "arrivals_since_visit"]) and np.isnan(X.loc[never, "persons_change_since_finding"])


def test_the_model_feature_set_and_the_ablation_sets():
    """The model uses set 1 plus its chosen groups; '-GROUP' drops a used group, '+GROUP' adds a left-out one;
    nationality and age are in no set."""
    from geo_tool.model.features import MODEL_FEATURES, MODEL_GROUPS, NEW_FEATURE_GROUPS, NUMERIC_FEATURES_V1
    from geo_tool.model.pipeline import numeric_columns

    full = numeric_columns("full")
    assert full == list(MODEL_FEATURES) and set(NUMERIC_FEATURES_V1) <= set(full)
    for group, cols in NEW_FEATURE_GROUPS.items():
        if group in MODEL_GROUPS:
            assert set(cols) <= set(full) and not set(cols) & set(numeric_columns(f"-{group}"))
        else:
            assert not set(cols) & set(full) and set(numeric_columns(f"+{group}")) == set(full) | set(cols)
    for name in ("full", "all", "v1"):
        assert not set(numeric_columns(name)) & set(EXCLUDED_ATTRIBUTES)
