"""Roles and what each may do: one small explicit table.

Roles are ordered; each has every permission of the roles before it and
adds its own:

============  =====================================================
role          adds
============  =====================================================
``viewer``    ``view``: public actors and ties, metrics computed on them
``analyst``   ``view_restricted`` (restricted actors and ties), ``export``
``editor``    ``import`` and ``edit`` (create, change and delete records)
``admin``     ``manage_users`` (accounts, roles, API tokens), ``read_audit``
============  =====================================================

A visitor who is not signed in is the ``public`` principal: it may ``view``
only when the ``PUBLIC_VIEW`` setting publishes the read-only public view,
and then sees what a viewer sees.
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ROLES",
    "PERMISSIONS",
    "ROLE_PERMISSIONS",
    "PUBLIC_ROLE",
    "can",
    "check_role",
    "Principal",
    "PUBLIC",
]

#: Account roles, least to most trusted.
ROLES: tuple[str, ...] = ("viewer", "analyst", "editor", "admin")

#: Every permission, with what it allows.
PERMISSIONS: dict[str, str] = {
    "view": "See public actors and ties and everything computed from them",
    "view_restricted": "Also see restricted actors and ties, and metrics that count them",
    "export": "Download the data the role may see as files",
    "import": "Import files into the graph",
    "edit": "Create, change and delete actors, ties and introductions",
    "manage_users": "Create accounts, change roles, disable accounts, issue and revoke API tokens",
    "read_audit": "Read and export the audit log",
}

#: The pseudo-role of a visitor who is not signed in (the public view).
PUBLIC_ROLE = "public"

_ADDS: dict[str, frozenset[str]] = {
    PUBLIC_ROLE: frozenset({"view"}),
    "viewer": frozenset({"view"}),
    "analyst": frozenset({"view_restricted", "export"}),
    "editor": frozenset({"import", "edit"}),
    "admin": frozenset({"manage_users", "read_audit"}),
}


def _cumulative() -> dict[str, frozenset[str]]:
    out = {PUBLIC_ROLE: _ADDS[PUBLIC_ROLE]}
    acc: frozenset[str] = frozenset()
    for role in ROLES:
        acc = acc | _ADDS[role]
        out[role] = acc
    return out


#: role -> every permission it holds (its own and those of the roles before it).
ROLE_PERMISSIONS: dict[str, frozenset[str]] = _cumulative()


def can(role: str | None, permission: str) -> bool:
    """Whether ``role`` holds ``permission``.

    Examples
    --------
    >>> can("viewer", "view_restricted")
    False
    >>> can("analyst", "view_restricted")
    True
    >>> can("admin", "edit")
    True
    """
    if permission not in PERMISSIONS:
        raise ValueError(f"unknown permission '{permission}'")
    return permission in ROLE_PERMISSIONS.get(role or "", frozenset())


def check_role(role: str) -> str:
    """``role`` normalised, or ValueError saying which roles exist."""
    r = (role or "").strip().lower()
    if r not in ROLES:
        raise ValueError(f"unknown role '{role}': use one of {', '.join(ROLES)}")
    return r


@dataclass(frozen=True)
class Principal:
    """Who is asking: a signed-in user, a script with a user's API token, the
    public view, or the command line (an operator at the machine).

    ``via`` is ``"session"``, ``"token"``, ``"public"`` or ``"cli"``.
    """

    name: str
    role: str
    user_id: int | None = None
    via: str = "session"

    def can(self, permission: str) -> bool:
        return can(self.role, permission)

    @property
    def is_public(self) -> bool:
        return self.role == PUBLIC_ROLE

    @property
    def audit_name(self) -> str:
        """How the audit log names this principal."""
        if self.via == "token":
            return f"{self.name} (token)"
        return self.name


#: The anonymous visitor, allowed in only when the public view is published.
PUBLIC = Principal("anonymous", PUBLIC_ROLE, None, "public")
