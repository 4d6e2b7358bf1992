"""The street network: travel times, routes and map context from OpenStreetMap data.

Public API: `load_network` (prepare + cache per file hash), `resolve_network` (which file), `snap_points`,
`network_matrices` (many-to-many, scipy.sparse.csgraph), `route_legs` (paths along the streets),
`fetch_network` (`geo-tool network fetch`), and the Dutch texts `ATTRIBUTION_NL` / `no_network_note`.
"""

from geo_tool.network.matrix import NetworkMatrices, RouteLeg, Snapped, network_matrices, route_legs, snap_points
from geo_tool.network.prepare import CROSSINGS, MAIN_CLASSES, MODES, ROAD_CLASSES, PreparedNetwork, load_network
from geo_tool.network.source import (ATTRIBUTION_NL, ENV_NETWORK, NO_NETWORK_NL, fetch_network, fetched_path,
                                     no_network_note, resolve_network)

__all__ = ["ATTRIBUTION_NL", "CROSSINGS", "ENV_NETWORK", "MAIN_CLASSES", "MODES", "NO_NETWORK_NL", "ROAD_CLASSES",
           "NetworkMatrices", "PreparedNetwork", "RouteLeg", "Snapped", "fetch_network", "fetched_path",
           "load_network", "network_matrices", "no_network_note", "resolve_network", "route_legs", "snap_points"]
