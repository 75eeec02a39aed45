"""Data flows one way: ingest -> store -> snapshot -> queries -> viz/web.

Every import of every module (at the top or inside a function) is read with
``ast``, so a lower layer reaching up fails here however it is written.
"""
import ast
from pathlib import Path

import pytest

import graphsvc

PACKAGE = Path(graphsvc.__file__).parent

#: What analyses may import from graphsvc; everything else of ours is a layer
#: above them (or the store below the snapshot).
QUERIES_MAY_USE = ("graphsvc.model", "graphsvc.errors", "graphsvc.snapshot",
                   "graphsvc.queries")
#: Outside graphsvc: no web framework or templating in analyses.
QUERIES_NEVER = ("flask", "flask_babel", "jinja2", "markupsafe", "werkzeug")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path) -> list[tuple[int, str]]:
    """``(line, absolute module name)`` of every import in the file; for
    ``from x import y`` both ``x`` and ``x.y`` (``y`` may be a module)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            out.append((node.lineno, target))
            out += [(node.lineno, f"{target}.{a.name}") for a in node.names if a.name != "*"]
    return out


def within(name: str, prefixes) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def offences(layer: str, allowed=None, forbidden=()) -> list[str]:
    """Imports from the modules under ``graphsvc/<layer>`` that break the
    rule: inside graphsvc, anything not ``allowed`` (when given) or
    ``forbidden``; outside, anything ``forbidden``."""
    found = []
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        for line, name in imports(path):
            ours = within(name, ("graphsvc",))
            if ours and allowed is not None:
                # ``from graphsvc import model`` names the package itself.
                bad = name != "graphsvc" and not within(name, allowed)
            else:
                bad = within(name, forbidden)
            if bad:
                found.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {name}")
    return found


def test_the_import_reader_sees_relative_and_nested_imports(tmp_path, monkeypatch):
    # The rule below is only as good as this reader: a relative import two
    # levels up inside a function must come out as the absolute module.
    fake = tmp_path / "graphsvc" / "queries" / "sub"
    fake.mkdir(parents=True)
    f = fake / "mod.py"
    f.write_text("def g():\n    from ...web import pages\n    import flask\n")
    monkeypatch.setattr(f"{__name__}.PACKAGE", tmp_path / "graphsvc")
    assert imports(f) == [(2, "graphsvc.web"), (2, "graphsvc.web.pages"), (3, "flask")]
    assert offences("queries", QUERIES_MAY_USE, QUERIES_NEVER) == [
        "graphsvc/queries/sub/mod.py:2 imports graphsvc.web",
        "graphsvc/queries/sub/mod.py:2 imports graphsvc.web.pages",
        "graphsvc/queries/sub/mod.py:3 imports flask"]


def test_queries_import_only_the_model_errors_snapshot_and_each_other():
    assert offences("queries", QUERIES_MAY_USE, QUERIES_NEVER) == []


@pytest.mark.parametrize("layer, forbidden", [
    ("stores", ("graphsvc.web", "graphsvc.cli", "graphsvc.queries")),
    ("ingest", ("graphsvc.web",)),
])
def test_lower_layers_never_reach_up(layer, forbidden):
    assert offences(layer, forbidden=forbidden) == []
