"""Getting data in and out: readers, column mapping, validation, import, export.

Imports and exports live together because they share the file formats: the
column names and list separator of :mod:`.columns`, and the full-graph JSON
format of :mod:`.importer`, so every export is something the importer reads
back (the round-trip tests hold the two sides together).
"""
from .importer import ImportResult, RejectedRow, import_files, import_graph

__all__ = ["ImportResult", "RejectedRow", "import_files", "import_graph"]
