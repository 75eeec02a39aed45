"""Writing the audit log out as CSV or JSON, for admins."""
from __future__ import annotations

import json
from typing import IO

from ..ingest.safe_write import write_csv_rows
from .accounts import Accounts, AuditEntry

__all__ = ["AUDIT_COLUMNS", "FORMATS", "write_audit", "export_audit"]

AUDIT_COLUMNS = ("seq", "at", "actor", "action", "target", "details", "ip")
FORMATS = ("csv", "json")


def write_audit(entries: list[AuditEntry], fh: IO[str], fmt: str = "csv") -> int:
    """Write ``entries`` to the text stream ``fh``; return how many.

    CSV has one row per entry with ``details`` as a JSON text; JSON is a
    list of objects with ``details`` as an object.
    """
    if fmt == "csv":
        # A failed sign-in's user name is whatever was typed: the safe writer
        # neutralises formula-looking cells.
        rows = [AUDIT_COLUMNS] + [
            (e.seq, e.at, e.actor, e.action, e.target or "",
             json.dumps(e.details, ensure_ascii=False, sort_keys=True), e.ip or "")
            for e in entries]
        write_csv_rows(fh, rows, lineterminator="\n")
    elif fmt == "json":
        json.dump([e.to_dict() for e in entries], fh, ensure_ascii=False, indent=1)
        fh.write("\n")
    else:
        raise ValueError(f"unknown format '{fmt}': use {' or '.join(FORMATS)}")
    return len(entries)


def export_audit(accounts: Accounts, fh: IO[str], fmt: str, *, by: str,
                 since: str | None = None, ip: str | None = None) -> int:
    """Write the log (from ``since``) and record that ``by`` exported it."""
    entries = accounts.audit_entries(since=since)
    n = write_audit(entries, fh, fmt)
    accounts.audit(by, "audit.export", None, {"format": fmt, "entries": n, "since": since}, ip)
    return n
