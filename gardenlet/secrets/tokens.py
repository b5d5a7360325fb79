"""Static bearer tokens in kube-apiserver's ``--token-auth-file`` format: ``token,user,uid[,"group1,group2"]``."""

from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TokenUser:
    """Who a static token authenticates as."""

    name: str
    uid: str
    groups: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for field, value in (("name", self.name), ("uid", self.uid), *(("group", g) for g in self.groups)):
            if not value or any(c in value for c in ',"\n\r'):
                raise ValueError(f"token user {field} {value!r} must be non-empty, without commas, quotes or newlines")


def new_token() -> str:
    """A random bearer token (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def token_file(users: Sequence[TokenUser], tokens: Mapping[str, str]) -> str:
    """The CSV file: one line per user, with the token ``tokens`` holds for the user's name."""
    missing = [user.name for user in users if not tokens.get(user.name)]
    if missing:
        raise ValueError(f"no token for user(s) {', '.join(missing)}")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for user in users:
        row = [tokens[user.name], user.name, user.uid]
        if user.groups:
            row.append(",".join(user.groups))
        writer.writerow(row)
    return out.getvalue()


def parse_token_file(text: str) -> dict[str, str]:
    """User name -> token from a file :func:`token_file` wrote (to keep tokens when the user list changes)."""
    tokens: dict[str, str] = {}
    for row in csv.reader(io.StringIO(text)):
        if len(row) >= 3 and row[0] and row[1]:
            tokens[row[1]] = row[0]
    return tokens


__all__ = ["TokenUser", "new_token", "parse_token_file", "token_file"]
