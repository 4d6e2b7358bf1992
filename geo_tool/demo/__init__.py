"""The demo city: a synthetic but realistic Rotterdam dataset folder (contract section 1).

`generate_demo(out_dir, seed=..., size="small"|"city")` writes districts.gpkg, addresses.gpkg, the
register, permits, complaints, inspections and interventions, plus `truth/` (the hidden truth, for
evaluation code only). It uses nothing but the contract: plain files, no geo_tool.dataset.
"""

from geo_tool.demo.generate import DemoSummary, generate_demo

__all__ = ["DemoSummary", "generate_demo"]
