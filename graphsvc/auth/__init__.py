"""Accounts, roles, API tokens and the audit log.

See :mod:`graphsvc.auth.roles` for the permission table and
:mod:`graphsvc.auth.accounts` for how passwords, tokens and sessions are kept.
"""
from .accounts import Accounts, AuditEntry, LoginLimit, TokenInfo, User, parse_rate_limit
from .audit import export_audit, write_audit
from .roles import PERMISSIONS, PUBLIC, ROLE_PERMISSIONS, ROLES, Principal, can

__all__ = ["Accounts", "AuditEntry", "LoginLimit", "TokenInfo", "User", "parse_rate_limit",
           "export_audit", "write_audit", "PERMISSIONS", "PUBLIC", "ROLE_PERMISSIONS", "ROLES",
           "Principal", "can"]
