"""From a municipal export to contract files: import profiles, address normalisation and matching, BAG.

Qt-free. The importer writes contract files into a dataset folder and hands the folder to
`geo_tool.dataset.load_dataset`, which stays the only place that validates and pseudonymises.
"""

from geo_tool.imports.importer import ImportOutcome, import_export
from geo_tool.imports.profile import Profile, load_profile, parse_profile, shipped_profiles

__all__ = ["ImportOutcome", "Profile", "import_export", "load_profile", "parse_profile", "shipped_profiles"]
