"""The README documents every setting and every command (datasette's test_docs)."""
from pathlib import Path

import click
import pytest

from graphsvc.cli import main
from graphsvc.config import DESCRIPTIONS

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _commands(cmd, prefix=()):
    if isinstance(cmd, click.Group):
        for name, sub in cmd.commands.items():
            yield from _commands(sub, (*prefix, name))
    else:
        yield " ".join(prefix)


@pytest.mark.parametrize("key", sorted(DESCRIPTIONS))
def test_setting_is_documented(key):
    assert f"`{key}`" in README, f"add {key} to the README's configuration table"


@pytest.mark.parametrize("command", sorted(_commands(main)))
def test_command_is_documented(command):
    assert f"graphsvc {command}" in README, f"show `graphsvc {command}` in the README"


def test_every_command_has_help():
    for command in _commands(main):
        ctx = click.Context(main)
        cmd = main
        for part in command.split():
            cmd = cmd.get_command(ctx, part)
        assert cmd.help, f"graphsvc {command} has no --help text"
