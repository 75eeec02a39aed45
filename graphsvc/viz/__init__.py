"""Maps of the graph: server-side layout and pyvis networks (no web code)."""
from .layout import layout
from .maps import (
                   COUNTRY_SHAPES,
                   GROUP_COLORS,
                   KIND_COLORS,
                   OTHER_SHAPE,
                   TIE_STYLES,
                   MapFilter,
                   build_network,
                   ego_graph,
                   filter_graph,
                   group_colors,
                   network_data,
                   node_sizes,
                   ordered,
)

__all__ = ["layout", "COUNTRY_SHAPES", "GROUP_COLORS", "KIND_COLORS",
           "OTHER_SHAPE", "TIE_STYLES", "MapFilter", "build_network", "ego_graph",
           "filter_graph", "group_colors", "network_data", "node_sizes", "ordered"]
