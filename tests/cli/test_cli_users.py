"""``graphsvc users``, ``tokens`` and ``audit`` against a real accounts file."""
import csv
import getpass
import json

import pytest
from click.testing import CliRunner

from graphsvc.auth import Accounts
from graphsvc.cli import main

PW = "correct horse battery"
ME = f"cli:{getpass.getuser()}"


@pytest.fixture
def env(tmp_path):
    return {"GRAPHSVC_DB": str(tmp_path / "graph.db"),
            "GRAPHSVC_ACCOUNTS_DB": str(tmp_path / "accounts.db")}


def run(env, *args, input=None):
    return CliRunner().invoke(main, list(args), env=env, input=input,
                              catch_exceptions=False)


def accounts(env) -> Accounts:
    return Accounts(env["GRAPHSVC_ACCOUNTS_DB"])


def test_create_admin_prompts_twice_hidden(env):
    r = run(env, "users", "create-admin", "--username", "root1", input=f"{PW}\n{PW}\n")
    assert r.exit_code == 0, r.output
    assert PW not in r.output  # hidden input is not echoed
    assert r.output.count("Password") == 1 and "Repeat for confirmation" in r.output
    assert f"Created admin 'root1' in {env['GRAPHSVC_ACCOUNTS_DB']}." in r.output
    a = accounts(env)
    assert a.authenticate("root1", PW).role == "admin"
    [e] = a.audit_entries()
    assert (e.actor, e.action, e.target) == (ME, "user.create", "user:root1")


def test_create_admin_prompt_mismatch_asks_again(env):
    r = run(env, "users", "create-admin", "--username", "root1",
            input=f"{PW}\nsomething else\n{PW}\n{PW}\n")
    assert r.exit_code == 0, r.output
    assert "The two entered values do not match." in r.output


def test_password_from_stdin_and_one_line_errors(env):
    r = run(env, "users", "create-admin", "-u", "root1", "--password-stdin", input=PW + "\n")
    assert r.exit_code == 0, r.output
    r = run(env, "users", "add", "-u", "ana", "--role", "viewer", "--password-stdin",
            input="short\n")
    assert r.exit_code == 1
    assert r.output == ("Error: password: must have at least 10 characters. A passphrase of "
                        "a few words is easy to type and hard to guess.\n")
    r = run(env, "users", "add", "-u", "root1", "--role", "viewer", "--password-stdin",
            input=PW + "\n")
    assert r.output.startswith("Error: username: user 'root1' already exists")
    assert len(r.output.strip().splitlines()) == 1
    r = run(env, "users", "set-role", "-u", "nobody", "--role", "viewer")
    assert r.output == "Error: no user 'nobody'. See the names with: graphsvc users list\n"


def test_users_lifecycle_every_command_audited(env):
    run(env, "users", "create-admin", "-u", "root1", "--password-stdin", input=PW + "\n")
    r = run(env, "users", "add", "-u", "ana", "--role", "analyst", "--password-stdin",
            input=PW + "\n")
    assert r.output == "Created analyst 'ana'.\n"
    assert run(env, "users", "set-role", "-u", "ana", "--role", "editor").output == \
        "'ana' is now editor.\n"
    assert run(env, "users", "disable", "-u", "ana").output == "Disabled 'ana'.\n"
    r = run(env, "users", "list")
    lines = r.output.splitlines()
    assert lines[0].split() == ["username", "role", "status", "created", "last", "login"]
    assert lines[1].split()[:3] == ["ana", "editor", "disabled"]
    assert lines[2].split()[:3] == ["root1", "admin", "active"]
    listed = json.loads(run(env, "users", "list", "--json").output)
    assert [u["username"] for u in listed] == ["ana", "root1"]
    assert run(env, "users", "enable", "-u", "ana").exit_code == 0
    assert run(env, "users", "set-password", "-u", "ana", "--password-stdin",
               input="another long passphrase\n").exit_code == 0
    r = run(env, "users", "disable", "-u", "root1")
    assert r.exit_code == 1 and "last admin" in r.output
    actions = [(e.actor, e.action) for e in accounts(env).audit_entries()]
    assert actions == [(ME, a) for a in (
        "user.create", "user.create", "user.set_role", "user.disable", "user.list",
        "user.list", "user.enable", "user.set_password")]


def test_tokens_printed_once_and_revoked(env):
    run(env, "users", "create-admin", "-u", "root1", "--password-stdin", input=PW + "\n")
    run(env, "users", "add", "-u", "bot", "--role", "analyst", "--password-stdin",
        input=PW + "\n")
    r = CliRunner().invoke(main, ["tokens", "create", "--user", "bot", "--name", "nightly"],
                           env=env)
    assert r.exit_code == 0, r.output
    token = r.stdout.strip()
    assert token.startswith("gsk_") and "\n" not in token  # stdout holds only the token
    assert "cannot be shown again" in r.stderr
    assert accounts(env).user_for_token(token).username == "bot"
    listed = run(env, "tokens", "list").output
    assert "bot" in listed and "nightly" in listed and token not in listed
    assert run(env, "tokens", "revoke", "1").output.startswith("Revoked token 1")
    assert accounts(env).user_for_token(token) is None
    assert "revoked" in run(env, "tokens", "list", "--user", "bot").output
    r = run(env, "tokens", "revoke", "42")
    assert r.exit_code == 1 and r.output.startswith("Error: no token 42")
    r = run(env, "tokens", "create", "--user", "ghost")
    assert r.exit_code == 1 and "no user 'ghost'" in r.output
    acts = [e.action for e in accounts(env).audit_entries()][2:]
    assert acts == ["token.create", "token.list", "token.revoke", "token.list"]


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_audit_export(env, tmp_path, fmt):
    run(env, "users", "create-admin", "-u", "root1", "--password-stdin", input=PW + "\n")
    run(env, "users", "add", "-u", "ana", "--role", "viewer", "--password-stdin",
        input=PW + "\n")
    out = tmp_path / f"audit.{fmt}"
    r = run(env, "audit", "export", "--format", fmt, "--output", str(out))
    assert r.output == f"Wrote 2 audit entries to {out}.\n"
    text = out.read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines())) if fmt == "csv" else json.loads(text)
    assert [r["action"] for r in rows] == ["user.create", "user.create"]
    assert [r["target"] for r in rows] == ["user:root1", "user:ana"]
    # the export itself is audited
    last = accounts(env).audit_entries()[-1]
    assert (last.action, last.details["format"], last.details["entries"]) == (
        "audit.export", fmt, 2)
    r = run(env, "audit", "export", "--output", str(tmp_path / "no" / "such" / "dir.csv"))
    assert r.exit_code == 1 and r.output.startswith("Error: cannot write")


def test_commands_write_through_an_audited_view(env):
    """What an import command does with cli_graph_view: the write is audited."""
    import click

    from graphsvc.cli.principal import cli_graph_view
    from graphsvc.model import Actor

    @click.command()
    def fake_import():
        view = cli_graph_view()
        view.upsert([Actor(id="a1", name="Casa Uno", kind="shelter", country="MX")],
                    action="import", source="file:casas.csv")
        click.echo(str(view.counts()))

    r = CliRunner().invoke(fake_import, [], env=env, catch_exceptions=False)
    assert r.output == "{'actors': 1, 'ties': 0}\n"
    [e] = accounts(env).audit_entries()
    assert (e.actor, e.action, e.target, e.details["via"]) == (ME, "import", "file:casas.csv",
                                                               "cli")
    assert e.details["actor_ids"] == ["a1"]
