"""Import and export over the web: the upload form, the downloads, and their
JSON twins under ``/api/v1``.

Uploads are saved in a fresh temporary directory under a name made safe by
:func:`werkzeug.utils.secure_filename` (the extension picks the reader; the
name reaches reports and ``source_ref``), then handed to
:meth:`GraphService.import_files`, which checks every row before writing;
the import runs through the principal's view (``run_write``), so it needs
``import`` and is audited. Rejected rows of a ``skip_invalid`` import are
kept as a CSV under a random token in ``IMPORT_REPORT_DIR``, in a folder of
the account that uploaded them, so the page can offer them to that account
only.

Exports are built from the principal's view of the graph (its snapshot and
the introduction records it may see), never from the store, and audited.
"""
from __future__ import annotations

import io
import re
import secrets
import tempfile
import time
import zipfile
from pathlib import Path

from flask import abort, current_app, request, send_file
from flask_babel import gettext as _
from werkzeug.utils import secure_filename

from ..ingest import export as graph_export
from ..service import GraphService
from . import data
from .access import Access
from .errors import InvalidQuery

__all__ = ["UPLOAD_EXTENSIONS", "EXPORT_TYPES", "import_upload", "sheet_upload",
           "export_download",
           "rejected_report", "report_dir", "send_download", "skip_invalid_requested"]

#: Extensions the upload form accepts (the importer reads each by its extension).
UPLOAD_EXTENSIONS = (".csv", ".xlsx", ".json")
#: Export format -> (content type, file extension of the download).
EXPORT_TYPES = {
    "json": ("application/json", "json"),
    "csv": ("application/zip", "zip"),
    "graphml": ("application/graphml+xml", "graphml"),
    "gexf": ("application/gexf+xml", "gexf"),
}
#: Rejected-row reports older than this are deleted when a new one is written.
REPORT_MAX_AGE = 24 * 3600
#: Longest name an upload is saved under (the name is shortened, keeping its extension).
_MAX_NAME = 120
_TOKEN = re.compile(r"^[0-9a-f]{32}$")
_ROLES = ("actors", "ties", "graph")

# --- data functions ---------------------------------------------------------

def report_dir(access: Access) -> Path:
    """Where the rejected-row reports of this account wait for download
    (a folder per account under ``IMPORT_REPORT_DIR``): a token someone else
    obtained finds nothing."""
    configured = current_app.config.get("IMPORT_REPORT_DIR")
    root = Path(configured) if configured else (
        Path(tempfile.gettempdir()) / "graphsvc-rejected")
    # rejected rows may hold restricted names: readable by this service only
    path = root / f"user-{access.view.principal.user_id}"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _prune(directory: Path) -> None:
    cutoff = time.time() - REPORT_MAX_AGE
    for old in directory.parent.glob("user-*/*.csv"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:
            pass  # another worker removed it first


def _saved_uploads(files, tmp: Path) -> dict[str, Path]:
    """Save each uploaded file under a safe name; report every bad one at once."""
    problems, paths = [], {}
    for role in _ROLES:
        upload = files.get(role)
        if upload is None or not upload.filename:
            continue
        name = secure_filename(upload.filename)
        suffix = Path(name).suffix.lower()
        if len(name) > _MAX_NAME:  # a file system takes 255 bytes at most
            name = Path(name).stem[:_MAX_NAME - len(suffix)] + suffix
        if role == "graph" and suffix != ".json":
            problems.append({"field": role, "value": upload.filename[:100],
                             "message": _("A full-graph export is a .json file "
                                          "(Export, JSON).")})
            continue
        if suffix not in UPLOAD_EXTENSIONS:
            problems.append({"field": role, "value": upload.filename[:100],
                             "message": _("Upload a CSV, XLSX or JSON file (the name must "
                                          "end in .csv, .xlsx or .json).")})
            continue
        if not Path(name).stem:
            name = role + suffix
        folder = tmp / role  # one folder each: two uploads may share a name
        folder.mkdir()
        paths[role] = folder / name
        upload.save(paths[role])
    if "graph" in paths and len(paths) > 1:
        problems.append({"field": "graph", "value": None,
                         "message": _("Upload either a full-graph export or actors "
                                      "and ties files, not both at once.")})
    if not paths and not problems:
        problems.append({"field": "actors", "value": None,
                         "message": _("Choose an actors file, a ties file or both.")})
    if problems:
        raise InvalidQuery(problems)
    return paths


def import_upload(service: GraphService, access: Access, files, *,
                  skip_invalid: bool = False, reports: Path | None = None) -> dict:
    """Import the uploaded actors and/or ties file, or a full-graph JSON
    export (``graph``: actors, ties, introductions and dataset settings).

    Every row is checked first; any problem raises
    :class:`~graphsvc.errors.ValidationFailed` with nothing written, unless
    ``skip_invalid``: then the valid rows are written and the rejected ones
    returned, and kept as a CSV in ``reports`` under ``rejected_token``.
    The write runs through ``access.view.run_write("import", ...)``: it
    needs ``import`` and is audited (a refused import logs nothing).
    """
    with tempfile.TemporaryDirectory(prefix="graphsvc-upload-") as tmp:
        paths = _saved_uploads(files, Path(tmp))
        token = report = None
        if skip_invalid and reports is not None:
            _prune(reports)
            token = secrets.token_hex(16)
            report = reports / f"{token}.csv"

        def write():
            if "graph" in paths:
                return service.import_graph(paths["graph"], skip_invalid=skip_invalid,
                                            report=report)
            return service.import_files(paths.get("actors"), paths.get("ties"),
                                        skip_invalid=skip_invalid, report=report)

        result = access.view.run_write("import", ", ".join(p.name for p in paths.values()),
                                       write, _import_summary)
    if not result.rejected and report is not None:
        report.unlink(missing_ok=True)
        token = None
    w = result.write
    page = data.dataset(service, access)
    return {
        **page,
        "files": {role: p.name for role, p in paths.items()},
        "read": {"actors": result.actors_read, "ties": result.ties_read},
        "written": {"actors_created": w.actors_created, "actors_updated": w.actors_updated,
                    "actors_unchanged": w.actors_unchanged, "ties_created": w.ties_created,
                    "ties_updated": w.ties_updated, "ties_unchanged": w.ties_unchanged},
        "version": w.version,
        "rejected": [{"file": r.file, "row": r.row, "reasons": r.reasons}
                     for r in result.rejected],
        "rejected_token": token,
        "warnings": [p.to_dict() for p in result.warnings],
        "introductions_added": result.introductions_added,
        "settings_changed": list(result.meta_changed),
    }


def sheet_upload(service: GraphService, access: Access, what: str, target: str, files, *,
                 skip_invalid: bool = False, create_missing: bool = False,
                 reports: Path | None = None) -> dict:
    """Import an uploaded attendance sheet into event ``target`` (``what``:
    ``"events"``) or membership list into group ``target`` (``"groups"``):
    the ``sheet`` file, CSV or XLSX (:mod:`graphsvc.ingest.attendance`).
    All or nothing unless ``skip_invalid``; runs through
    ``access.view.run_write("import", ...)`` (needs ``import``, audited)."""
    upload = files.get("sheet")
    name = secure_filename(upload.filename) if upload is not None and upload.filename \
        else ""
    suffix = Path(name).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise InvalidQuery([{"field": "sheet", "value": (upload.filename or "")[:100]
                             if upload is not None else None,
                             "message": _("Upload a CSV or XLSX file (the name must end in "
                                          ".csv or .xlsx).")}])
    if len(name) > _MAX_NAME:
        name = Path(name).stem[:_MAX_NAME - len(suffix)] + suffix
    with tempfile.TemporaryDirectory(prefix="graphsvc-upload-") as tmp:
        path = Path(tmp) / (name if Path(name).stem else "sheet" + suffix)
        assert upload is not None
        upload.save(path)
        token = report = None
        if skip_invalid and reports is not None:
            _prune(reports)
            token = secrets.token_hex(16)
            report = reports / f"{token}.csv"
        run = service.import_attendance if what == "events" else service.import_members
        key = "event" if what == "events" else "group"

        def write():
            return run(path, **{key: target}, skip_invalid=skip_invalid, report=report,
                       create_missing=create_missing)

        result = access.view.run_write("import", f"{key}:{target} {path.name}", write,
                                       lambda r: {"records": sorted(r.listed),
                                                  "actors_created": r.actors_created,
                                                  "rejected": len(r.rejected),
                                                  "change": r.change, "via": "web"})
    if not result.rejected and report is not None:
        report.unlink(missing_ok=True)
        token = None
    return {**data.dataset(service, access), "file": path.name,
            "rows_read": result.rows_read, "listed": result.listed,
            "records_changed": result.records_changed,
            "actors_created": result.actors_created, "change": result.change,
            "rejected": [{"file": r.file, "row": r.row, "reasons": r.reasons}
                         for r in result.rejected],
            "rejected_token": token,
            "warnings": [p.to_dict() for p in result.warnings]}


def _import_summary(result) -> dict:
    """What the audit log keeps of an import."""
    w = result.write
    return {"actors_created": w.actors_created, "actors_updated": w.actors_updated,
            "ties_created": w.ties_created, "ties_updated": w.ties_updated,
            "rejected": len(result.rejected), "introductions": result.introductions_added,
            "version": w.version, "via": "web"}


def rejected_report(reports: Path, token: str) -> Path:
    """The rejected-row CSV kept under ``token``, or 404."""
    path = reports / f"{token}.csv"
    if not _TOKEN.match(token) or not path.is_file():
        abort(404)
    return path


def export_download(service: GraphService, access: Access, fmt: str) -> dict:
    """The whole graph as this access may see it, in ``fmt``: the bytes, the
    content type and a file name saying the version (and if illustrative).

    Needs ``export``; audited once the file is built."""
    if fmt not in EXPORT_TYPES:
        raise InvalidQuery([{"field": "format", "value": fmt[:50],
                             "message": _("Unknown value; use one of: %(values)s.",
                                          values=", ".join(EXPORT_TYPES))}])
    access.view.require("export")
    ds = data.dataset(service, access)["dataset"]
    stem = "graphsvc-" + ("illustrative-" if ds["illustrative"] else "") + \
        f"v{ds['version']}"
    mimetype, ext = EXPORT_TYPES[fmt]
    with tempfile.TemporaryDirectory(prefix="graphsvc-export-") as tmp:
        target = Path(tmp) / (stem if fmt == "csv" else f"{stem}.{ext}")
        written = graph_export.export_graph(access.view.snapshot(), fmt, target,
                                            introductions=access.view.introductions())
        if fmt == "csv":
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
                for p in map(Path, written):
                    zf.write(p, arcname=p.name)
            body = buf.getvalue()
        else:
            body = Path(written[0]).read_bytes()
    access.view.audit_export(f"graph.{fmt}", {"format": fmt, "version": ds["version"],
                                              "as_of": ds["as_of"]})
    return {"body": body, "mimetype": mimetype, "filename": f"{stem}.{ext}"}


def send_download(download: dict):
    return send_file(io.BytesIO(download["body"]), mimetype=download["mimetype"],
                     as_attachment=True, download_name=download["filename"],
                     max_age=0)


def skip_invalid_requested() -> bool:
    return request.form.get("skip_invalid", "").lower() in ("1", "true", "on", "yes")
