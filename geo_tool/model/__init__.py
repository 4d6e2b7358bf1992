"""The address risk-ranking model: features as of a date, pipeline, evaluation, reasons, fairness, model card.

Public entry points (wired into `geo-tool train` / `geo-tool rank` by jobs.py):
`train_model`, `rank_addresses`, `write_ranking`, `load_model`.
"""

from geo_tool.model.api import RANKING_COLUMNS, TrainResult, rank_addresses, train_model, write_ranking
from geo_tool.model.features import EXCLUDED_ATTRIBUTES, FEATURE_NAMES, FeatureBuilder, features_as_of
from geo_tool.model.registry import ModelMismatchError, ModelNotFoundError, load_model

__all__ = [
    "EXCLUDED_ATTRIBUTES", "FEATURE_NAMES", "FeatureBuilder", "ModelMismatchError", "ModelNotFoundError",
    "RANKING_COLUMNS", "TrainResult", "features_as_of", "load_model", "rank_addresses", "train_model", "write_ranking",
]
