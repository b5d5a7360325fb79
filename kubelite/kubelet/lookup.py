"""What pod set-up reads from the API server, behind one small interface (tests hand in a dictionary-backed one)."""

from __future__ import annotations

from typing import Any, Protocol

Object = dict[str, Any]


class Lookup(Protocol):
    def secret(self, namespace: str, name: str) -> Object | None: ...

    def config_map(self, namespace: str, name: str) -> Object | None: ...

    def services(self, namespace: str) -> list[Object]: ...

    def claim(self, namespace: str, name: str) -> Object | None: ...

    def bind_claim(self, claim: Object, capacity: str) -> None: ...

    def token(self, namespace: str, service_account: str, audience: str | None, seconds: int) -> str | None:
        """A token from the TokenRequest API, or None when the server offers none."""
        ...


class ConfigError(Exception):
    """A pod that cannot be set up as specified (a missing Secret, a forbidden hostPath): the message says why."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
