"""Saving and loading a trained model folder without pickle; a folder that does not check out is refused.

A model folder holds (besides the readable report, card and charts):
- ``estimator.skops``: the fitted `RiskModel`, in skops' format (no pickle); loaded with an explicit
  list of trusted types (`TRUSTED_TYPES`) on top of skops' own scikit-learn/numpy defaults, and
  refused when it names any other type;
- ``reference.parquet``: the reference (typical) address used for the reasons;
- ``model.json``: the feature names, ``feature_set_version``, the scikit-learn and geo_tool
  versions, the training ``as_of`` and the dataset file hashes;
- ``manifest.json``: the SHA-256 of every file above, the training dataset's fingerprint, signed
  with the installation's model-signing key (`geo_tool.security.modelfolder`).

`load_model` verifies the manifest first, then the skops types, then the versions, and only then
deserialises. A model trained on another dataset is refused unless ``allow_other_dataset``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import sklearn

import geo_tool
from geo_tool.errors import GeoToolError, UsageError
from geo_tool.fileio import atomic_path, write_bytes_atomic, write_text_atomic
from geo_tool.model.features import FEATURE_NAMES, FEATURE_SET_VERSION
from geo_tool.model.pipeline import RiskModel
from geo_tool.security.modelfolder import UntrustedModelError, restore_interrupted, verify_folder

ESTIMATOR_FILE = "estimator.skops"
REFERENCE_FILE = "reference.parquet"
META_FILE = "model.json"
MODEL_FILES = (ESTIMATOR_FILE, REFERENCE_FILE, META_FILE)

#: Types trusted beyond skops' defaults (scikit-learn estimators, numpy), each reviewed with
#: `skops.io.get_untrusted_types` on trained RiskModels (boosting and logistic, calibrated or not):
#: our own estimator class, the tree predictors of HistGradientBoosting, the sigmoid calibration's
#: private holders, numpy dtypes, and the `functools.partial(check_array, ...)` a ColumnTransformer
#: keeps (skops checks the partial's function against this list too). Never `trusted=True`.
TRUSTED_TYPES = (
    "geo_tool.model.pipeline.RiskModel",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.utils.validation.check_array",
    "numpy.dtype",
    "functools.partial",
)


class ModelMismatchError(GeoToolError):
    """A saved model was made with another scikit-learn version or feature set: retrain it."""

    exit_code = 2


class ModelNotFoundError(GeoToolError):
    """The model folder has no model file."""

    exit_code = 2


class OtherDatasetError(UsageError):
    """The model was trained on another dataset than the one being ranked (allowed only when asked)."""


@dataclass
class ModelBundle:
    """A fitted model plus what it needs to score and explain, and what it was built from."""

    model: RiskModel
    reference: pd.DataFrame
    as_of: str
    feature_names: list[str] = field(default_factory=lambda: list(FEATURE_NAMES))
    feature_set_version: str = FEATURE_SET_VERSION
    sklearn_version: str = sklearn.__version__
    geo_tool_version: str = geo_tool.__version__
    file_hashes: dict[str, str] = field(default_factory=dict)
    other_dataset: bool = False  # set by load_model: trained on another dataset than the one in use


def save_model(bundle: ModelBundle, model_dir: str | Path) -> list[Path]:
    """Write the estimator (skops), the reference row (Parquet) and the metadata (JSON); returns the paths.

    Call it inside `geo_tool.security.modelfolder.write_folder`, which signs the folder and puts it
    in place as a whole.
    """
    import skops.io as sio

    folder = Path(model_dir)
    meta = {k: v for k, v in bundle.__dict__.items() if k not in ("model", "reference", "other_dataset")}
    paths = [folder / ESTIMATOR_FILE, folder / REFERENCE_FILE, folder / META_FILE]
    write_bytes_atomic(paths[0], sio.dumps(bundle.model))
    with atomic_path(paths[1]) as tmp:
        bundle.reference.to_parquet(tmp, index=False)
    write_text_atomic(paths[2], json.dumps(meta, indent=2, sort_keys=True) + "\n")
    return paths


def load_model(model_dir: str | Path, dataset_fingerprint: str | None = None,
               allow_other_dataset: bool = False) -> ModelBundle:
    """Read a model folder after verifying its signed manifest and the estimator's types.

    Refused (exit 2, one line): an unsigned, re-signed, altered or extended folder; an estimator
    naming an untrusted type; another scikit-learn version or feature set; and, when
    `dataset_fingerprint` is given, a model trained on another dataset unless `allow_other_dataset`.
    """
    import skops.io as sio

    folder = Path(model_dir)
    restore_interrupted(folder.absolute())
    if not folder.is_dir() or not ((folder / ESTIMATOR_FILE).exists() or (folder / "manifest.json").exists()
                                   or (folder / "model.joblib").exists()):
        raise ModelNotFoundError(f"{folder}: no trained model here (run `geo-tool train` first)")
    manifest = verify_folder(folder)
    missing = [name for name in MODEL_FILES if name not in manifest["files"]]
    if missing:
        raise UntrustedModelError(f"{folder}: the signed folder lacks {', '.join(missing)}; retrain with `geo-tool train`")
    try:
        meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise ModelMismatchError(f"{folder / META_FILE}: not a geo_tool model description; retrain") from None
    check_compatible(meta, str(folder))
    other = dataset_fingerprint is not None and manifest.get("dataset_fingerprint") != dataset_fingerprint
    if other and not allow_other_dataset:
        raise OtherDatasetError(f"--model {folder}: trained on another dataset than this one; refused "
                                "(use --allow-other-dataset to rank with it anyway; the audit log records that)")
    data = (folder / ESTIMATOR_FILE).read_bytes()
    try:
        untrusted = sio.get_untrusted_types(data=data)
    except Exception as exc:  # not a skops file at all
        raise UntrustedModelError(f"{folder / ESTIMATOR_FILE}: not a skops model file ({type(exc).__name__}); refused") from None
    unknown = sorted(set(untrusted) - set(TRUSTED_TYPES))
    if unknown:
        raise UntrustedModelError(f"{folder / ESTIMATOR_FILE}: untrusted type(s) {', '.join(unknown)}; refused")
    try:
        model = sio.loads(data, trusted=list(TRUSTED_TYPES))
    except Exception as exc:
        raise UntrustedModelError(f"{folder / ESTIMATOR_FILE}: cannot be read ({type(exc).__name__}); refused") from None
    if not isinstance(model, RiskModel):
        raise UntrustedModelError(f"{folder / ESTIMATOR_FILE}: holds a {type(model).__name__}, not a RiskModel; refused")
    reference = pd.read_parquet(folder / REFERENCE_FILE)
    fields = {k: meta[k] for k in ("as_of", "feature_names", "feature_set_version", "sklearn_version",
                                    "geo_tool_version", "file_hashes") if k in meta}
    return ModelBundle(model=model, reference=reference, other_dataset=other, **fields)


def check_compatible(data: dict, where: str = "model") -> None:
    """Raise ModelMismatchError unless the saved versions and features equal the running ones."""
    problems = []
    if data.get("sklearn_version") != sklearn.__version__:
        problems.append(f"scikit-learn {data.get('sklearn_version')} (running {sklearn.__version__})")
    if data.get("feature_set_version") != FEATURE_SET_VERSION:
        problems.append(f"feature set {data.get('feature_set_version')} (running {FEATURE_SET_VERSION})")
    if list(data.get("feature_names", [])) != list(FEATURE_NAMES):
        problems.append("a different list of features")
    if problems:
        raise ModelMismatchError(f"{where}: trained with {'; '.join(problems)}; retrain with `geo-tool train`")
