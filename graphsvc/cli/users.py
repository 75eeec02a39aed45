"""``graphsvc users``, ``graphsvc tokens`` and ``graphsvc audit``: accounts at the console.

Whoever runs these commands can open the accounts file anyway, so they act
with an administrator's powers; the audit log names them ``cli:<login>``.
Every command, reads included, writes an audit entry.
"""
from __future__ import annotations

import json
import sys

import click

from ..auth import Accounts
from ..auth.audit import FORMATS, export_audit
from ..auth.roles import ROLES
from .principal import cli_actor, get_accounts


def _accounts() -> Accounts:
    return get_accounts(click.get_current_context())


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        return line[:-1] if line.endswith("\n") else line
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


username_option = click.option("--username", "-u", required=True, help="The account's name.")
password_stdin_option = click.option(
    "--password-stdin", is_flag=True,
    help="Read the password from the first line of standard input instead of prompting.")


@click.group()
def users():
    """Accounts: create, list, change roles, disable.

    Roles, least to most trusted: viewer (public data), analyst (also
    restricted data, exports), editor (imports and edits), admin (accounts).
    """


@users.command("create-admin")
@username_option
@password_stdin_option
def create_admin(username, password_stdin):
    """Create an administrator (the first account of a new installation)."""
    acc = _accounts()
    user = acc.create_user(username, _read_password(password_stdin), "admin", by=cli_actor())
    click.echo(f"Created admin '{user.username}' in {acc.path}.")


@users.command("add")
@username_option
@click.option("--role", required=True, type=click.Choice(ROLES, case_sensitive=False),
              help="What the account may do.")
@password_stdin_option
def add(username, role, password_stdin):
    """Create an account with a role."""
    acc = _accounts()
    user = acc.create_user(username, _read_password(password_stdin), role, by=cli_actor())
    click.echo(f"Created {user.role} '{user.username}'.")


@users.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def list_users(as_json):
    """List accounts with their roles."""
    acc = _accounts()
    people = acc.list_users()
    acc.audit(cli_actor(), "user.list", None, {"count": len(people)})
    if as_json:
        click.echo(json.dumps([u.to_dict() for u in people], indent=1))
        return
    if not people:
        click.echo("No accounts yet. Create the first with: graphsvc users create-admin "
                   "--username NAME")
        return
    rows = [("username", "role", "status", "created", "last login")] + [
        (u.username, u.role, "disabled" if u.disabled else "active", u.created_at,
         u.last_login_at or "-") for u in people]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        click.echo("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())


@users.command("set-role")
@username_option
@click.option("--role", required=True, type=click.Choice(ROLES, case_sensitive=False))
def set_role(username, role):
    """Change an account's role (it takes effect at its next request)."""
    user = _accounts().set_role(username, role, by=cli_actor())
    click.echo(f"'{user.username}' is now {user.role}.")


@users.command("disable")
@username_option
def disable(username):
    """Disable an account: its sessions end and its API tokens stop working."""
    user = _accounts().set_disabled(username, True, by=cli_actor())
    click.echo(f"Disabled '{user.username}'.")


@users.command("enable")
@username_option
def enable(username):
    """Enable a disabled account again (its API tokens work again)."""
    user = _accounts().set_disabled(username, False, by=cli_actor())
    click.echo(f"Enabled '{user.username}'.")


@users.command("set-password")
@username_option
@password_stdin_option
def set_password(username, password_stdin):
    """Set a new password; the account's open sessions end."""
    _accounts().set_password(username, _read_password(password_stdin), by=cli_actor())
    click.echo(f"Password changed for '{username}'.")


@click.group()
def tokens():
    """API tokens for scripts: `Authorization: Bearer <token>`."""


@tokens.command("create")
@click.option("--user", "username", required=True, help="The account the token acts as.")
@click.option("--name", help="What the token is for, e.g. 'nightly export'.")
def create_token(username, name):
    """Issue a token; it is printed once and cannot be shown again."""
    token, info = _accounts().create_token(username, by=cli_actor(), name=name)
    click.echo(token)
    click.echo(f"Token {info.id} for '{info.username}' ({info.prefix}...). Store it now: "
               "it cannot be shown again. Revoke it with: graphsvc tokens revoke "
               f"{info.id}", err=True)


@tokens.command("list")
@click.option("--user", "username", help="Only this account's tokens.")
def list_tokens(username):
    """List tokens (never the tokens themselves)."""
    acc = _accounts()
    found = acc.list_tokens(username)
    acc.audit(cli_actor(), "token.list", None, {"user": username, "count": len(found)})
    for t in found:
        state = f"revoked {t.revoked_at}" if t.revoked_at else "active"
        click.echo(f"{t.id}\t{t.username}\t{t.prefix}...\t{t.name or '-'}\t"
                   f"created {t.created_at} by {t.created_by}\t{state}")


@tokens.command("revoke")
@click.argument("token_id", type=int)
def revoke_token(token_id):
    """Revoke a token by its number (see `graphsvc tokens list`)."""
    info = _accounts().revoke_token(token_id, by=cli_actor())
    click.echo(f"Revoked token {info.id} ({info.prefix}...) of '{info.username}'.")


@click.group()
def audit():
    """The audit log: who did what, when. It can be read, never changed."""


@audit.command("export")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="csv", show_default=True)
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="File to write, or - for standard output.")
@click.option("--since", help="Only entries at or after this ISO time, e.g. 2026-01-31.")
def export(fmt, output, since):
    """Write the audit log as CSV or JSON."""
    acc = _accounts()
    if output == "-":
        n = export_audit(acc, sys.stdout, fmt, by=cli_actor(), since=since)
    else:
        try:
            with open(output, "w", encoding="utf-8", newline="") as fh:
                n = export_audit(acc, fh, fmt, by=cli_actor(), since=since)
        except OSError as exc:
            raise click.ClickException(f"cannot write {output}: {exc.strerror}") from None
        click.echo(f"Wrote {n} audit entries to {output}.")


COMMANDS = [users, tokens, audit]
