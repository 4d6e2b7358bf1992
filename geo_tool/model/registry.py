"""Saving and loading a trained model folder; a model from another scikit-learn or feature set is refused.

MODEL_DIR/model.joblib holds a dict: the fitted `RiskModel`, the reference (typical) address
used for the reasons, the feature names, `feature_set_version`, the scikit-learn and geo_tool
versions, the training `as_of` and the dataset file hashes. Loading checks the versions before
the model is used, so an old model never silently scores with shifted features.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import joblib
import pandas as pd
import sklearn

import geo_tool
from geo_tool.errors import GeoToolError
from geo_tool.fileio import write_bytes_atomic
from geo_tool.model.features import FEATURE_NAMES, FEATURE_SET_VERSION
from geo_tool.model.pipeline import RiskModel

MODEL_FILE = "model.joblib"


class ModelMismatchError(GeoToolError):
    """A saved model was made with another scikit-learn version or feature set: retrain it."""

    exit_code = 2


class ModelNotFoundError(GeoToolError):
    """The model folder has no model file."""

    exit_code = 2


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


def save_model(bundle: ModelBundle, model_dir: str | Path) -> Path:
    """Write MODEL_DIR/model.joblib atomically; returns its path.

    The versions are stored as plain values beside the pickled model, so that they can be
    checked before any scikit-learn object is unpickled.
    """
    meta = {k: v for k, v in bundle.__dict__.items() if k not in ("model", "reference")}
    payload = io.BytesIO()
    joblib.dump({"model": bundle.model, "reference": bundle.reference}, payload, compress=3)
    buffer = io.BytesIO()
    joblib.dump({"meta": meta, "payload": payload.getvalue()}, buffer)
    path = Path(model_dir) / MODEL_FILE
    write_bytes_atomic(path, buffer.getvalue())
    return path


def load_model(model_dir: str | Path) -> ModelBundle:
    """Read a model folder, refusing one made with another scikit-learn version or feature set."""
    path = Path(model_dir) / MODEL_FILE
    if not path.exists():
        raise ModelNotFoundError(f"{path}: no trained model here (run `geo-tool train` first)")
    try:
        data = joblib.load(path)
        meta = data["meta"]
    except Exception as exc:  # a foreign or damaged file
        raise ModelMismatchError(f"{path}: not a geo_tool model file ({type(exc).__name__}); retrain with `geo-tool train`") from None
    check_compatible(meta, str(path))
    objects = joblib.load(io.BytesIO(data["payload"]))
    return ModelBundle(model=objects["model"], reference=objects["reference"], **meta)


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
