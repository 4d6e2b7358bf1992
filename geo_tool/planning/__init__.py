"""Weekly visit planning: the whole week for all teams as one prize-collecting VRP (PyVRP).

Public API: `plan_week`, `write_plan_outputs`, `read_ranked`, `PlanParams`, `VisitPlan`, `check_plan`,
plus the readers for must-visits, address lists and done visits.
"""

from geo_tool.planning.check import check_plan
from geo_tool.planning.inputs import read_address_list, read_done, read_must_visits, read_ranked
from geo_tool.planning.params import DoneVisit, MustVisit, PlanParams, TravelMode, parse_week
from geo_tool.planning.plan import VisitPlan, plan_week

__all__ = ["DoneVisit", "MustVisit", "PlanParams", "TravelMode", "VisitPlan", "check_plan", "parse_week",
           "plan_week", "read_address_list", "read_done", "read_must_visits", "read_ranked", "write_plan_outputs"]


def write_plan_outputs(plan, dataset, out_dir, *, progress=None):
    """Write plan.csv, plan.gpkg, day maps, the offline week map, visit sheets, GPX files and the report."""
    from geo_tool.planning.outputs import write_plan_outputs as _write

    return _write(plan, dataset, out_dir, progress=progress)
