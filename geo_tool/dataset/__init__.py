"""The contract: schema, readers, validation and rejects, pseudonymisation, cache, the Dataset object.

This package imports nothing else of geo_tool except errors, progress and fileio.
"""

from geo_tool.dataset.dataset import Dataset, FileSummary, ImportReport
from geo_tool.dataset.load import is_cached, load_dataset, locate_files, wijk_of_points
from geo_tool.dataset.pseudonym import looks_like_bsn, pseudonymise_ids
from geo_tool.dataset.report import summary_json, summary_text, write_rejects
from geo_tool.dataset.schema import SCHEMA_VERSION, describe_schema

__all__ = [
    "Dataset",
    "FileSummary",
    "ImportReport",
    "SCHEMA_VERSION",
    "describe_schema",
    "is_cached",
    "load_dataset",
    "locate_files",
    "looks_like_bsn",
    "pseudonymise_ids",
    "summary_json",
    "summary_text",
    "wijk_of_points",
    "write_rejects",
]
