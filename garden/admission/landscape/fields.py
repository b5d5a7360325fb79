"""Field errors and name checks the landscape plugins share, worded as Gardener's validation words them."""

from __future__ import annotations

import re
from typing import Any

from garden.admission.errors import FieldError, invalid

#: RFC 1123 label: what Kubernetes accepts as a namespace or project name.
DNS1123_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
DNS1123_LABEL_MAX = 63
#: RFC 1123 subdomain: dot-separated labels, at most 253 characters.
DNS1123_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
DNS1123_SUBDOMAIN_MAX = 253


def not_found(path: str, value: Any, message: str = "") -> FieldError:
    return FieldError("FieldValueNotFound", path, message, value)


def immutable(path: str, value: Any) -> FieldError:
    return invalid(path, value, "field is immutable")


def label_errors(path: str, value: str) -> list[FieldError]:
    """Why ``value`` is not a DNS-1123 label (empty when it is one)."""
    problems: list[FieldError] = []
    if len(value) > DNS1123_LABEL_MAX:
        problems.append(invalid(path, value, f"must be no more than {DNS1123_LABEL_MAX} characters"))
    if not DNS1123_LABEL.fullmatch(value):
        problems.append(
            invalid(
                path,
                value,
                "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must "
                "start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc')",
            )
        )
    return problems


def subdomain_errors(path: str, value: str) -> list[FieldError]:
    """Why ``value`` is not a DNS-1123 subdomain (empty when it is one)."""
    problems: list[FieldError] = []
    if len(value) > DNS1123_SUBDOMAIN_MAX:
        problems.append(invalid(path, value, f"must be no more than {DNS1123_SUBDOMAIN_MAX} characters"))
    if not DNS1123_SUBDOMAIN.fullmatch(value):
        problems.append(
            invalid(
                path,
                value,
                "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
                "and must start and end with an alphanumeric character (e.g. 'example.com')",
            )
        )
    return problems


def key_with_optional_value(key: str, value: object) -> str:
    """Gardener's identity of a taint or toleration: ``key`` or ``key=value``."""
    return f"{key}={value}" if isinstance(value, str) else key


__all__ = [
    "DNS1123_LABEL",
    "DNS1123_SUBDOMAIN",
    "immutable",
    "key_with_optional_value",
    "label_errors",
    "not_found",
    "subdomain_errors",
]
