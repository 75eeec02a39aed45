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

from flask import (Blueprint, abort, current_app, jsonify, render_template, request,
                   send_file, url_for)
from flask_babel import gettext as _
from werkzeug.utils import secure_filename

from ..errors import GraphsvcError, ValidationFailed
from ..ingest import export as graph_export
from ..ingest.export import EXPORT_FORMATS
from ..service import GraphService
from . import data
from .state import get_service
from .access import Access, current_access
from .errors import InvalidQuery
from .openapi import operation

__all__ = ["UPLOAD_EXTENSIONS", "EXPORT_TYPES", "import_upload", "export_download",
           "rejected_report", "report_dir", "bp", "api_bp"]

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
_TOKEN = re.compile(r"^[0-9a-f]{32}$")
_ROLES = ("actors", "ties", "graph")

bp = Blueprint("transfer", __name__)
api_bp = Blueprint("api_transfer", __name__)


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
    access.view.audit_export(f"graph.{fmt}", {"format": fmt, "version": ds["version"]})
    return {"body": body, "mimetype": mimetype, "filename": f"{stem}.{ext}"}


def _send(download: dict):
    return send_file(io.BytesIO(download["body"]), mimetype=download["mimetype"],
                     as_attachment=True, download_name=download["filename"],
                     max_age=0)


def _skip_invalid() -> bool:
    return request.form.get("skip_invalid", "").lower() in ("1", "true", "on", "yes")


# --- HTML pages ---------------------------------------------------------------

@bp.post("/import")
def import_upload_page():
    skip = _skip_invalid()
    try:
        result = import_upload(get_service(), current_access(), request.files,
                               skip_invalid=skip, reports=report_dir(current_access()))
    except ValidationFailed as exc:
        return render_template("import.html", page=data.dataset(get_service(),
                                                                current_access()),
                               problems=exc.details, hint=exc.hint,
                               skip_invalid=skip), 422
    except InvalidQuery as exc:
        return render_template("import.html", page=data.dataset(get_service(),
                                                                current_access()),
                               problems=exc.details, skip_invalid=skip), 400
    except GraphsvcError as exc:  # a file that cannot be read at all
        return render_template("import.html", page=data.dataset(get_service(),
                                                                current_access()),
                               problems=[{"message": exc.message, "hint": exc.hint}],
                               skip_invalid=skip), 400
    return render_template("import.html", page=result, result=result, skip_invalid=skip)


@bp.get("/import/rejected/<token>.csv")
def rejected_csv(token):
    path = rejected_report(report_dir(current_access()), token)
    return send_file(path, mimetype="text/csv", as_attachment=True,
                     download_name="rejected-rows.csv", max_age=0)


@bp.get("/export/<fmt>")
def export_file(fmt):
    return _send(export_download(get_service(), current_access(), fmt))


# --- JSON API -------------------------------------------------------------------

_UPLOAD_BODY = {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "properties": {
        "actors": {"type": "string", "format": "binary",
                   "description": "Actors file (.csv, .xlsx or .json records)."},
        "ties": {"type": "string", "format": "binary", "description": "Ties file."},
        "graph": {"type": "string", "format": "binary", "description": "A full-graph "
                  "JSON export (instead of actors and ties files)."},
        "skip_invalid": {"type": "boolean", "description": "Write the valid rows and "
                         "return the rejected ones (with a CSV link) instead of "
                         "refusing the whole import."}}}}}}


@api_bp.post("/import")
@operation("Import files", "Upload an actors file and/or a ties file. Every row is "
           "checked before anything is written: any problem answers 422 with one "
           "entry per problem (file, row, column, message, hint) and the graph "
           "unchanged, unless `skip_invalid`. Uploads over MAX_CONTENT_LENGTH "
           "answer 413.", schema="ImportResult", body=_UPLOAD_BODY,
           extra_responses=("400", "413", "422"), tag="transfer")
def import_files():
    result = import_upload(get_service(), current_access(), request.files,
                           skip_invalid=_skip_invalid(), reports=report_dir(current_access()))
    token = result.pop("rejected_token")
    result["rejected_csv"] = url_for("transfer.rejected_csv", token=token) if token else None
    return jsonify(result)


@api_bp.get("/export/<fmt>")
@operation("Export the graph", "The whole graph as a file: `json` (lossless, "
           "re-importable), `csv` (a zip of actors.csv and ties.csv), `graphml` or "
           "`gexf`. Formats: " + ", ".join(f"`{f}` ({d})" for f, d in
                                            EXPORT_FORMATS.items()) + ".",
           path_params=["fmt"], extra_responses=("400",), tag="transfer")
def export_graph(fmt):
    return _send(export_download(get_service(), current_access(), fmt))


def init_app(app) -> None:
    app.register_blueprint(bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
