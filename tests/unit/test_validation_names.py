"""Name rules accept and reject what apimachinery does, with its messages."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from kubelite.apiserver.validation.names import (
    generate_name,
    is_dns1035_label,
    is_dns1123_label,
    is_dns1123_subdomain,
    is_label_value,
    is_path_segment_name,
    is_qualified_name,
    name_is_dns1035_label,
    name_is_dns_label,
    name_is_dns_subdomain,
    name_is_path_segment,
    regex_error,
)

pytestmark = pytest.mark.unit

SUBDOMAIN_MESSAGE = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start "
    "and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
LABEL_MESSAGE = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end "
    "with an alphanumeric character (e.g. 'my-name' or '123-abc', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)
DNS1035_MESSAGE = (
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic "
    "character, and end with an alphanumeric character (e.g. 'my-name' or 'abc-123', regex used for validation is "
    "'[a-z]([-a-z0-9]*[a-z0-9])?')"
)
QUALIFIED_MESSAGE = (
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
    "character (e.g. 'MyName' or 'my.name' or '123-abc', regex used for validation is "
    "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
)


def test_regex_error_without_examples() -> None:
    assert regex_error("bad", "x+") == "bad (regex used for validation is 'x+')"


@pytest.mark.parametrize(
    ("value", "problems"),
    [
        pytest.param("example.com", [], id="dotted"),
        pytest.param("a", [], id="single-char"),
        pytest.param("0-a.b-1", [], id="digits-and-dashes"),
        pytest.param("a" * 253, [], id="max-length"),
        pytest.param("Example.com", [SUBDOMAIN_MESSAGE], id="uppercase"),
        pytest.param("-a", [SUBDOMAIN_MESSAGE], id="leading-dash"),
        pytest.param("a.", [SUBDOMAIN_MESSAGE], id="trailing-dot"),
        pytest.param("a..b", [SUBDOMAIN_MESSAGE], id="empty-label"),
        pytest.param("a_b", [SUBDOMAIN_MESSAGE], id="underscore"),
        pytest.param("", [SUBDOMAIN_MESSAGE], id="empty"),
        pytest.param("a\n", [SUBDOMAIN_MESSAGE], id="trailing-newline"),
        pytest.param("a" * 254, ["must be no more than 253 bytes"], id="too-long"),
    ],
)
def test_dns1123_subdomain(value: str, problems: list[str]) -> None:
    assert is_dns1123_subdomain(value) == problems


@pytest.mark.parametrize(
    ("value", "problems"),
    [
        pytest.param("my-name", [], id="valid"),
        pytest.param("123-abc", [], id="leading-digit"),
        pytest.param("a.b", ["must not contain dots"], id="dots-are-named"),
        pytest.param("My-name", [LABEL_MESSAGE], id="uppercase"),
        pytest.param("a-", [LABEL_MESSAGE], id="trailing-dash"),
        pytest.param("a" * 64, ["must be no more than 63 bytes"], id="too-long"),
        pytest.param("é", [LABEL_MESSAGE], id="non-ascii"),
    ],
)
def test_dns1123_label(value: str, problems: list[str]) -> None:
    assert is_dns1123_label(value) == problems


@pytest.mark.parametrize(
    ("value", "problems"),
    [
        pytest.param("my-svc", [], id="valid"),
        pytest.param("1svc", [DNS1035_MESSAGE], id="leading-digit"),
        pytest.param("svc-", [DNS1035_MESSAGE], id="trailing-dash"),
        pytest.param("a" * 64, ["must be no more than 63 bytes"], id="too-long"),
    ],
)
def test_dns1035_label(value: str, problems: list[str]) -> None:
    assert is_dns1035_label(value) == problems


@pytest.mark.parametrize(
    ("value", "problems"),
    [
        pytest.param("app", [], id="plain"),
        pytest.param("MyName", [], id="mixed-case"),
        pytest.param("my.name_x-1", [], id="dots-underscores"),
        pytest.param("example.com/app", [], id="prefixed"),
        pytest.param("", ["name part must be non-empty", "name part " + QUALIFIED_MESSAGE], id="empty"),
        pytest.param(
            "example.com/", ["name part must be non-empty", "name part " + QUALIFIED_MESSAGE], id="empty-name"
        ),
        pytest.param("/app", ["prefix part must be non-empty"], id="empty-prefix"),
        pytest.param("Example.com/app", ["prefix part " + SUBDOMAIN_MESSAGE], id="bad-prefix"),
        pytest.param("_app", ["name part " + QUALIFIED_MESSAGE], id="leading-underscore"),
        pytest.param("a" * 64, ["name part must be no more than 63 bytes"], id="too-long"),
        pytest.param(
            "a/b/c",
            [
                "a valid label key "
                + QUALIFIED_MESSAGE
                + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
            ],
            id="two-slashes",
        ),
    ],
)
def test_qualified_name(value: str, problems: list[str]) -> None:
    assert is_qualified_name(value) == problems


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        pytest.param("", True, id="empty"),
        pytest.param("v1.2_3-x", True, id="rich"),
        pytest.param("-x", False, id="leading-dash"),
        pytest.param("x y", False, id="space"),
        pytest.param("a" * 63, True, id="max-length"),
        pytest.param("a" * 64, False, id="too-long"),
    ],
)
def test_label_value(value: str, valid: bool) -> None:
    assert (is_label_value(value) == []) is valid


@pytest.mark.parametrize(
    ("value", "problems"),
    [
        pytest.param("system:controller:foo", [], id="colons-are-fine"),
        pytest.param("Admin Role", [], id="spaces-are-fine"),
        pytest.param(".", ["may not be '.'"], id="dot"),
        pytest.param("..", ["may not be '..'"], id="dot-dot"),
        pytest.param("a/b", ["may not contain '/'"], id="slash"),
        pytest.param("100%", ["may not contain '%'"], id="percent"),
        pytest.param("a/%", ["may not contain '/'", "may not contain '%'"], id="both"),
    ],
)
def test_path_segment_name(value: str, problems: list[str]) -> None:
    assert is_path_segment_name(value) == problems


@pytest.mark.parametrize(
    ("rule", "name", "prefix", "valid"),
    [
        pytest.param(name_is_dns_subdomain, "web-", True, True, id="subdomain-prefix-trailing-dash"),
        pytest.param(name_is_dns_subdomain, "web-", False, False, id="subdomain-name-trailing-dash"),
        pytest.param(name_is_dns_subdomain, "a-", True, True, id="subdomain-two-char-prefix"),
        pytest.param(name_is_dns_subdomain, "-", True, False, id="subdomain-dash-only"),
        pytest.param(name_is_dns_label, "ns-", True, True, id="label-prefix"),
        pytest.param(name_is_dns_label, "a.b", False, False, id="label-dots"),
        pytest.param(name_is_dns1035_label, "svc-", True, True, id="dns1035-prefix"),
        pytest.param(name_is_dns1035_label, "9svc", False, False, id="dns1035-digit"),
        pytest.param(name_is_path_segment, "..", True, True, id="path-prefix-may-be-dots"),
        pytest.param(name_is_path_segment, "..", False, False, id="path-name-may-not-be-dots"),
        pytest.param(name_is_path_segment, "a/", True, False, id="path-prefix-slash"),
    ],
)
def test_name_rules(rule: Callable[[str, bool], list[str]], name: str, prefix: bool, valid: bool) -> None:
    assert (rule(name, prefix) == []) is valid


def test_generated_names_use_the_prefix_and_five_safe_characters() -> None:
    name = generate_name("web-", random.Random(7))
    assert name.startswith("web-")
    assert len(name) == 9
    assert set(name[4:]) <= set("bcdfghjklmnpqrstvwxz2456789")
    assert name_is_dns_subdomain(name, False) == []


def test_generated_names_cut_long_prefixes_to_fit_63() -> None:
    name = generate_name("a" * 80, random.Random(1))
    assert len(name) == 63
    assert name.startswith("a" * 58)
