"""The planned routes as a layer of the Kaart tab: each team's route for one day, along the streets.

`RouteLayerControl` (a check box and a day list under the layer panel) is enabled once the
Weekplanning tab has a plan; `draw_routes` adds the chosen day's routes to the composed map figure
(the route lines the planner already computed, `geo_tool.planning.routes.route_geometries`), in
the team colours of the day maps and sheets.
"""

from __future__ import annotations

import datetime as dt

from PyQt6.QtCore import pyqtSignal
from PyQt6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QVBoxLayout, QWidget

from geo_tool.ui.i18n import tr



def draw_routes(fig, plan, day: dt.date) -> int:
    """Draw every team's route of `day` on the map axes of `fig` (lines along the streets, numbered stops, start
    points) without changing the map's extent; returns the number of routes drawn."""
    from matplotlib.lines import Line2D

    from geo_tool.network import ATTRIBUTION_NL
    from geo_tool.planning.outputs import day_label, team_colour
    from geo_tool.planning.routes import route_geometries

    ax = fig.axes[0]
    xlim, ylim = ax.get_xlim(), ax.get_ylim()
    inst = plan.instance
    teams = list(dict.fromkeys(inst.team_days["team"]))
    v = plan.visits
    planned = v[(v["status"] == "planned") & (v["day"] == day)]
    handles, along = [], False
    for (team, d), g in route_geometries(plan).items():
        if d != day:
            continue
        colour = team_colour(team, teams)
        ax.plot(g.coords[:, 0], g.coords[:, 1], color="white", linewidth=4.2, alpha=0.8, zorder=20)
        ax.plot(g.coords[:, 0], g.coords[:, 1], color=colour, linewidth=2.4, alpha=0.95, zorder=21)
        stops = planned[planned["team"] == team].sort_values("order")
        ax.scatter(stops["x"], stops["y"], s=70, color=colour, edgecolors="white", linewidths=1.2, zorder=22)
        for r in stops.itertuples():
            ax.annotate(str(r.order), (r.x, r.y), fontsize=6, ha="center", va="center", color="white",
                        fontweight="bold", zorder=23)
        along = along or g.along_streets
        handles.append(Line2D([], [], color=colour, linewidth=2.4, marker="o", markersize=6,
                              label=f"{team}: {len(stops)} {tr('bezoeken')}"))
    if handles:
        ax.scatter(inst.depots["x"], inst.depots["y"], s=140, marker="*", color="black", edgecolors="white", zorder=24)
        handles.append(Line2D([], [], color="black", marker="*", markersize=10, linestyle="",
                              label=tr("start/eindpunt")))
        source = ATTRIBUTION_NL if along else tr("rechte lijnen: geen stratennet")
        # upper left, under the map's title box: the scale bar and the footer keep the lower corners
        from matplotlib.transforms import ScaledTranslation

        margin = 0.08  # inches
        down = margin
        title = next((a for a in ax.artists if a.get_gid() == "title"), None)
        if title is not None:
            down += title.get_window_extent(fig.canvas.get_renderer()).height / fig.dpi + margin
        legend = ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0, 1), borderaxespad=0.0,
                           bbox_transform=ax.transAxes + ScaledTranslation(margin, -down, fig.dpi_scale_trans),
                           fontsize=8, framealpha=0.92, title=f"{tr('Routes')} {day_label(day)}\n{source}",
                           title_fontsize=8, alignment="left")
        legend.get_title().set_fontweight("bold")
        legend.set_zorder(75)
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    return len(handles) - 1 if handles else 0


class RouteLayerControl(QWidget):
    """'Geplande routes' on/off and the day to show; disabled while there is no plan. Emits `changed`."""

    changed = pyqtSignal()

    def __init__(self) -> None:
        super().__init__()
        self.plan = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.show_routes = QCheckBox(tr("Geplande routes"))
        self.show_routes.setToolTip(tr("De routes van elk team op de gekozen dag, langs de straten (Weekplanning)"))
        self.day = QComboBox()
        row.addWidget(self.show_routes)
        row.addWidget(self.day, 1)
        lay.addLayout(row)
        self.show_routes.toggled.connect(lambda _on: self.changed.emit())
        self.day.currentIndexChanged.connect(lambda _i: self.changed.emit() if self.show_routes.isChecked() else None)
        self.sync(None)

    def sync(self, plan) -> bool:
        """Follow the planning tab's plan: the days with planned visits, or disabled without a plan. True when
        the plan changed (the map should be redrawn)."""
        if plan is self.plan and (plan is not None or not self.isEnabled()):
            return False
        from geo_tool.planning.outputs import day_label

        self.plan = plan
        old = self.day.currentData()
        self.day.blockSignals(True)
        self.day.clear()
        if plan is not None:
            v = plan.visits
            for d in sorted(set(v.loc[v["status"] == "planned", "day"])):
                self.day.addItem(day_label(d), d)
            if old is not None and self.day.findData(old) >= 0:
                self.day.setCurrentIndex(self.day.findData(old))
        self.day.blockSignals(False)
        has = plan is not None and self.day.count() > 0
        self.setEnabled(has)
        self.setToolTip("" if has else tr("Maak eerst een weekplanning"))
        return True

    def selection(self):
        """(plan, day) to draw, or None when the layer is off or there is nothing to draw."""
        if self.plan is None or not self.show_routes.isChecked() or self.day.currentData() is None:
            return None
        return self.plan, self.day.currentData()
