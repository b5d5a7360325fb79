"""Static bearer tokens, from kube-apiserver's ``--token-auth-file`` CSV format.

Each line is ``token,user,uid[,"group1,group2"]``; blank lines and lines starting with ``#`` are skipped. A
malformed file is an error at start-up naming the line, never a silently smaller set of users.
"""

from __future__ import annotations

import csv
import hmac
import io
from collections.abc import Iterable, Mapping
from pathlib import Path

from kubelite.apiserver.user import UserInfo


class TokenFileError(ValueError):
    pass


def parse_token_file(text: str, source: str = "token file") -> dict[str, UserInfo]:
    users: dict[str, UserInfo] = {}
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
            continue
        if len(row) < 3:
            raise TokenFileError(f"{source}:{number}: want token,user,uid[,groups], got {len(row)} column(s)")
        token, name, uid = (cell.strip() for cell in row[:3])
        if not token or not name:
            raise TokenFileError(f"{source}:{number}: token and user must not be empty")
        groups = tuple(g.strip() for g in row[3].split(",") if g.strip()) if len(row) > 3 else ()
        if token in users:
            raise TokenFileError(f"{source}:{number}: duplicate token")
        users[token] = UserInfo(name, (*groups, "system:authenticated"), uid)
    return users


def load_token_file(path: Path) -> dict[str, UserInfo]:
    return parse_token_file(path.read_text(), str(path))


class TokenAuthenticator:
    def __init__(self, tokens: Mapping[str, UserInfo]) -> None:
        self._tokens = dict(tokens)

    def add(self, token: str, user: UserInfo) -> None:
        self._tokens[token] = user

    def authenticate(self, authorization: str | None) -> UserInfo | None:
        if not authorization:
            return None
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        token = token.strip()
        # Compare in constant time against every token, so timing says nothing about which prefix matched.
        found = None
        for known, user in self._tokens.items():
            if hmac.compare_digest(known.encode(), token.encode()):
                found = user
        return found

    def users(self) -> Iterable[UserInfo]:
        return self._tokens.values()
