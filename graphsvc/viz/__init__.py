"""Maps of the graph: server-side layout and pyvis networks (no web code)."""
from .layout import layout
from .maps import (
                   BORDER_DASHES,
                   BORDERS,
                   COUNTRY_SHAPES,
                   GROUP_COLORS,
                   KIND_COLORS,
                   OTHER_SHAPE,
                   SHAPE_OUTLINES,
                   SHAPES,
                   TIE_STYLES,
                   MapFilter,
                   build_network,
                   country_marks,
                   ego_graph,
                   filter_graph,
                   group_colors,
                   network_data,
                   node_sizes,
                   ordered,
)

__all__ = ["layout", "BORDERS", "BORDER_DASHES", "SHAPE_OUTLINES", "SHAPES",
           "country_marks", "COUNTRY_SHAPES", "GROUP_COLORS", "KIND_COLORS",
           "OTHER_SHAPE", "TIE_STYLES", "MapFilter", "build_network", "ego_graph",
           "filter_graph", "group_colors", "network_data", "node_sizes", "ordered"]
