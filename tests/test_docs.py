"""The manual in docs/ documents every setting and every command (datasette's
test_docs); its links resolve, every page is reachable from an index, and the
README stays a page."""
import re
from pathlib import Path

import click
import pytest

from graphsvc.cli import main
from graphsvc.config import DESCRIPTIONS

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
README = ROOT / "README.md"
PAGES = sorted(DOCS.rglob("*.md"))
MANUAL = "\n".join(p.read_text(encoding="utf-8") for p in PAGES)

_FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.M | re.S)
_LINK = re.compile(r"\]\(([^)\s]+)\)")


def _prose(path: Path) -> str:
    """The page without its fenced code blocks (no links or headings there)."""
    return _FENCE.sub("", path.read_text(encoding="utf-8"))


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to -."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    seen: dict[str, int] = {}
    out = set()
    for heading in re.findall(r"^#{1,6} +(.+?) *#*$", _prose(path), re.M):
        slug = _slug(heading)
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        out.add(slug if n == 0 else f"{slug}-{n}")
    return out


def _relative_links(path: Path):
    for target in _LINK.findall(_prose(path)):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):  # http:, https:, mailto:
            continue
        yield target


def _resolve(page: Path, target: str) -> tuple[Path, str]:
    file, _, anchor = target.partition("#")
    return ((page.parent / file).resolve() if file else page.resolve()), anchor


def _commands(cmd, prefix=()):
    if isinstance(cmd, click.Group):
        for name, sub in cmd.commands.items():
            yield from _commands(sub, (*prefix, name))
    else:
        yield " ".join(prefix)


@pytest.mark.parametrize("key", sorted(DESCRIPTIONS))
def test_setting_is_documented(key):
    assert f"`{key}`" in MANUAL, f"add {key} to the settings table in docs/deployment.md"


@pytest.mark.parametrize("command", sorted(_commands(main)))
def test_command_is_documented(command):
    assert f"graphsvc {command}" in MANUAL, f"show `graphsvc {command}` in docs/"


def test_every_command_has_help():
    for command in _commands(main):
        ctx = click.Context(main)
        cmd = main
        for part in command.split():
            cmd = cmd.get_command(ctx, part)
        assert cmd.help, f"graphsvc {command} has no --help text"


def test_readme_is_a_page():
    lines = README.read_text(encoding="utf-8").count("\n")
    assert lines < 250, f"README.md has {lines} lines: move detail into docs/"


_LINKS = [(page, target) for page in [README, *PAGES] for target in _relative_links(page)]


@pytest.mark.parametrize("page,target", _LINKS,
                         ids=[f"{p.relative_to(ROOT)}->{t}" for p, t in _LINKS])
def test_relative_link_resolves(page, target):
    path, anchor = _resolve(page, target)
    assert path.exists(), f"{page.relative_to(ROOT)} links to missing {target}"
    if anchor and path.suffix == ".md":
        assert anchor in _anchors(path), (
            f"{page.relative_to(ROOT)} links to #{anchor}, not a heading of {path.name}")


def _reachable(start: Path) -> set[Path]:
    seen, todo = set(), [start.resolve()]
    while todo:
        page = todo.pop()
        if page in seen or page.suffix != ".md" or not page.exists():
            continue
        seen.add(page)
        todo.extend(_resolve(page, t)[0] for t in _relative_links(page))
    return seen


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(DOCS)) for p in PAGES])
def test_page_is_reachable_from_its_index(page):
    spanish = DOCS / "es" in page.parents
    index = DOCS / "es" / "index.md" if spanish else DOCS / "index.md"
    assert page.resolve() in _reachable(index), (
        f"link docs/{page.relative_to(DOCS)} from {index.relative_to(ROOT)} or a page it links")


def test_slugs_follow_github():
    assert _slug("Production: Neo4j with docker compose") == "production-neo4j-with-docker-compose"
    assert _slug("The graph in Neo4j, for Cypher users") == "the-graph-in-neo4j-for-cypher-users"
    assert _slug("Entrar y roles") == "entrar-y-roles"
