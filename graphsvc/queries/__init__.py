"""Analyses over a NetworkX snapshot (no Flask, no store)."""
