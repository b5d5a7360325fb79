"""Compute Engine's answers, classified: which failures a retry can cure and which Gardener error code each carries.

Compute reports a failure in one of two places. A request it refuses outright is an HTTP error whose JSON body
carries ``error.errors[].reason`` (``notFound``, ``alreadyExists``, ``rateLimitExceeded``, ``quotaExceeded``,
``resourceInUseByAnotherResource``, ``invalid``...); google-api-core turns it into a ``GoogleAPICallError`` with the
HTTP status in ``code`` and those entries in ``errors``. A request it accepts returns an *operation*, and what goes
wrong later is in the finished operation's ``error.errors[].code`` (``QUOTA_EXCEEDED``,
``ZONE_RESOURCE_POOL_EXHAUSTED``, ``RESOURCE_NOT_FOUND``...), raised here as :class:`OperationError`. Both are
classified by reason/code first and HTTP status second, so an answer never seen before still lands somewhere
sensible: a 5xx is transient, a 4xx is the caller's.
"""

from __future__ import annotations

from collections.abc import Iterable

import requests
from google.api_core import exceptions as api_exceptions
from google.auth import exceptions as auth_exceptions

from garden.api.common import ErrorCode
from providers.interface import ProviderError

#: The project's request-rate quota is spent for now (403 or 429). Back off and try again.
RATE_LIMITED = frozenset({"rateLimitExceeded", "userRateLimitExceeded", "RATE_LIMIT_EXCEEDED", "RESOURCE_EXHAUSTED"})
#: The project has as many of something as it may have (CPUs, addresses, networks...).
QUOTA = frozenset({"quotaExceeded", "QUOTA_EXCEEDED", "limitExceeded"})
#: Google has no capacity of this kind in the zone right now.
DEPLETED = frozenset(
    {"ZONE_RESOURCE_POOL_EXHAUSTED", "ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS", "resourcePoolExhausted"}
)
#: Something else still uses the resource (a subnetwork in the network, an instance in the subnetwork).
DEPENDENCIES = frozenset({"resourceInUseByAnotherResource", "RESOURCE_IN_USE_BY_ANOTHER_RESOURCE"})
NOT_FOUND = frozenset({"notFound", "RESOURCE_NOT_FOUND"})
ALREADY_EXISTS = frozenset({"alreadyExists", "RESOURCE_ALREADY_EXISTS", "ALREADY_EXISTS"})
#: What the user wrote is wrong (a malformed CIDR, an unknown machine type or image...).
CONFIGURATION = frozenset(
    {"invalid", "badRequest", "invalidParameter", "required", "conditionNotMet", "INVALID_USAGE", "INVALID_FIELD_VALUE"}
)
TRANSIENT_CODES = frozenset({"INTERNAL_ERROR", "SERVICE_UNAVAILABLE", "backendError", "internalError"})


class OperationError(Exception):
    """A Compute operation that finished with errors: each entry's ``code`` and ``message`` kept."""

    def __init__(self, operation: str, errors: Iterable[tuple[str, str]], http_status: int = 0) -> None:
        self.errors = tuple(errors)
        self.http_status = http_status
        self.reasons = tuple(code for code, _ in self.errors)
        detail = "; ".join(f"{code}: {message}" for code, message in self.errors) or "failed"
        super().__init__(f"operation {operation}: {detail}")


def reasons(exc: BaseException) -> tuple[str, ...]:
    """The reasons (HTTP error entries) or codes (operation errors) of a Compute failure."""
    if isinstance(exc, OperationError):
        return exc.reasons
    if isinstance(exc, api_exceptions.GoogleAPICallError):
        found = [str(entry.get("reason") or "") for entry in exc.errors or () if isinstance(entry, dict)]
        if exc.reason:
            found.append(str(exc.reason))
        return tuple(r for r in found if r)
    return ()


def http_status(exc: BaseException) -> int:
    if isinstance(exc, OperationError):
        return exc.http_status
    if isinstance(exc, api_exceptions.GoogleAPICallError):
        return int(exc.code or 0)
    return 0


def _any(exc: BaseException, names: frozenset[str]) -> bool:
    return any(r in names for r in reasons(exc))


def is_not_found(exc: BaseException) -> bool:
    return isinstance(exc, api_exceptions.NotFound) or _any(exc, NOT_FOUND)


def is_already_exists(exc: BaseException) -> bool:
    return _any(exc, ALREADY_EXISTS) or (isinstance(exc, api_exceptions.Conflict) and not reasons(exc))


def is_dependency(exc: BaseException) -> bool:
    return _any(exc, DEPENDENCIES)


def is_rate_limited(exc: BaseException) -> bool:
    return isinstance(exc, api_exceptions.TooManyRequests) or _any(exc, RATE_LIMITED)


def is_transient(exc: BaseException) -> bool:
    """True when the same request may well succeed later: rate limits, 5xx, timeouts, dropped connections."""
    if isinstance(exc, (requests.ConnectionError, requests.Timeout, auth_exceptions.TransportError)):
        return True
    if isinstance(exc, (api_exceptions.ServerError, api_exceptions.TooManyRequests)):
        return True
    return is_rate_limited(exc) or _any(exc, TRANSIENT_CODES) or http_status(exc) >= 500


def codes_for(exc: BaseException) -> tuple[ErrorCode, ...]:
    """Gardener's error codes for one Compute failure (empty: unknown, and so retried)."""
    if is_rate_limited(exc):
        return (ErrorCode.INFRA_RATE_LIMITS_EXCEEDED,)
    if _any(exc, QUOTA):
        return (ErrorCode.INFRA_QUOTA_EXCEEDED,)
    if _any(exc, DEPLETED):
        return (ErrorCode.INFRA_RESOURCES_DEPLETED,)
    if isinstance(exc, auth_exceptions.RefreshError) or http_status(exc) == 401:
        return (ErrorCode.INFRA_UNAUTHENTICATED,)
    if http_status(exc) == 403:
        return (ErrorCode.INFRA_UNAUTHORIZED,)
    if is_dependency(exc):
        return (ErrorCode.INFRA_DEPENDENCIES,)
    if _any(exc, CONFIGURATION) or (http_status(exc) == 400 and not is_transient(exc)):
        return (ErrorCode.CONFIGURATION_PROBLEM,)
    return ()


def to_provider_error(exc: BaseException, action: str) -> ProviderError:
    """The :class:`ProviderError` for a failed ``action`` ("creating subnetwork x"), keeping Compute's words."""
    if isinstance(exc, api_exceptions.GoogleAPICallError):
        detail = f"{exc.code} {', '.join(reasons(exc)) or type(exc).__name__}: {exc.message}"
    else:
        detail = f"{type(exc).__name__}: {exc}"
    return ProviderError(f"{action}: {detail}", *codes_for(exc))


__all__ = [
    "OperationError",
    "codes_for",
    "http_status",
    "is_already_exists",
    "is_dependency",
    "is_not_found",
    "is_rate_limited",
    "is_transient",
    "reasons",
    "to_provider_error",
]
