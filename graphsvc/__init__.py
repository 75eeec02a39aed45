"""graphsvc: network analysis for civil society and policymakers across the
US-Mexico migration corridor."""

__version__ = "0.1.0"
