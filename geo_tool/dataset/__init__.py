"""The contract: schema, readers, validation and rejects, pseudonymisation, cache, the Dataset object.

This package imports nothing else of geo_tool except errors, progress and fileio.
"""

from geo_tool.dataset.dataset import Dataset, FileSummary, ImportReport

__all__ = ["Dataset", "FileSummary", "ImportReport"]
