"""Label and field selectors parse, match and fail as kube-apiserver's do."""

from __future__ import annotations

from typing import Any

import pytest

from kubelite.apiserver.selectors import (
    FieldSelector,
    LabelSelector,
    Requirement,
    SelectorError,
    escape_value,
    field_values,
    supported_field_labels,
    unescape_value,
    validate_label_selector,
)

pytestmark = pytest.mark.unit


# ------------------------------------------------------------------------------------------------ label selector syntax


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        pytest.param("", "", id="empty"),
        pytest.param("app=web", "app=web", id="equals"),
        pytest.param("app==web", "app==web", id="double-equals"),
        pytest.param("app!=web", "app!=web", id="not-equals"),
        pytest.param("app", "app", id="exists"),
        pytest.param("!app", "!app", id="does-not-exist"),
        pytest.param("tier in (web,db)", "tier in (db,web)", id="in-sorted"),
        pytest.param("tier notin (web)", "tier notin (web)", id="notin"),
        pytest.param("x in (foo,,baz)", "x in (,baz,foo)", id="in-with-empty-value"),
        pytest.param("x in ()", "x in ()", id="in-empty-parens"),
        pytest.param("x in (,)", "x in ()", id="in-only-commas"),
        pytest.param("replicas>1", "replicas>1", id="greater-than"),
        pytest.param("replicas < 5", "replicas<5", id="less-than-spaced"),
        pytest.param("app=", "app=", id="empty-value"),
        pytest.param("  app  =  web  ", "app=web", id="whitespace"),
        pytest.param("\tapp=web,\ntier", "app=web,tier", id="tabs-and-newlines"),
        pytest.param("z=1,a=2,m", "a=2,m,z=1", id="sorted-by-key"),
        pytest.param("in in (in)", "in in (in)", id="keywords-as-key-and-value"),
        pytest.param("example.com/app=v1.2_3", "example.com/app=v1.2_3", id="prefixed-key"),
        pytest.param("a=b,!c,d notin (e)", "a=b,!c,d notin (e)", id="combined"),
    ],
)
def test_label_selector_parses_to_its_canonical_form(text: str, canonical: str) -> None:
    assert str(LabelSelector.parse(text)) == canonical


def test_empty_label_selector_is_empty_and_matches_everything() -> None:
    selector = LabelSelector.parse("")
    assert selector.empty
    assert selector.matches({})
    assert selector.matches({"any": "thing"})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("a=b=c", "found '=', expected: ',' or 'end of string'", id="second-operator"),
        pytest.param("!a=b", "found '=', expected: ',' or 'end of string'", id="negation-with-value"),
        pytest.param("a=b,", "found '', expected: identifier after ','", id="trailing-comma"),
        pytest.param(",a", "found ',', expected: !, identifier, or 'end of string'", id="leading-comma"),
        pytest.param(
            "a b", "unable to parse requirement: found 'b', expected: '=', '!=', '==', 'in', notin'", id="no-operator"
        ),
        pytest.param("a in b", "unable to parse requirement: found 'b' expected: '('", id="in-without-parens"),
        pytest.param("a in (b", "unable to parse requirement: found '', expected: ',' or ')'", id="unclosed-parens"),
        pytest.param("a in (b c)", "unable to parse requirement: found 'c', expected: ',' or ')'", id="space-in-set"),
        pytest.param(
            "a in (b,=)", "unable to parse requirement: found '=', expected: ',', or identifier", id="op-in-set"
        ),
        pytest.param("a in =", "unable to parse requirement: found '=' expected: '('", id="in-then-operator"),
        pytest.param("a=(", "unable to parse requirement: found '(', expected: identifier", id="paren-as-value"),
        pytest.param("!", "unable to parse requirement: found '', expected: identifier", id="bare-negation"),
        pytest.param(
            "a>x",
            'unable to parse requirement: values[0]: Invalid value: "x": '
            "for 'Gt', 'Lt' operators, the value must be an integer",
            id="gt-not-integer",
        ),
        pytest.param(
            "a<99999999999999999999",
            'unable to parse requirement: values[0]: Invalid value: "99999999999999999999": '
            "for 'Gt', 'Lt' operators, the value must be an integer",
            id="lt-beyond-int64",
        ),
    ],
)
def test_label_selector_syntax_errors_read_like_upstream(text: str, message: str) -> None:
    with pytest.raises(SelectorError) as caught:
        LabelSelector.parse(text)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        pytest.param("-app=web", "name part must consist of alphanumeric", id="key-starts-with-dash"),
        pytest.param("App_=web", "name part must consist of alphanumeric", id="key-ends-with-underscore"),
        pytest.param("a/b/c=x", "a valid label key must consist of alphanumeric", id="key-with-two-slashes"),
        pytest.param("/app=x", "prefix part must be non-empty", id="empty-prefix"),
        pytest.param("Example.com/app=x", "prefix part a lowercase RFC 1123 subdomain", id="uppercase-prefix"),
        pytest.param("a" * 64 + "=x", "name part must be no more than 63 bytes", id="key-too-long"),
    ],
)
def test_label_selector_rejects_invalid_keys_at_nil_path(text: str, detail: str) -> None:
    with pytest.raises(SelectorError) as caught:
        LabelSelector.parse(text)
    message = str(caught.value)
    assert message.startswith('unable to parse requirement: <nil>: Invalid value: "')
    assert detail in message


def test_label_selector_rejects_invalid_values_with_the_key_in_the_path() -> None:
    with pytest.raises(SelectorError) as caught:
        LabelSelector.parse("app=-web")
    assert str(caught.value) == (
        'unable to parse requirement: values[0][app]: Invalid value: "-web": a valid label must be an empty string or '
        "consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character "
        "(e.g. 'MyValue' or 'my_value' or '12345', regex used for validation is "
        "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
    )


def test_gt_with_negative_number_fails_the_label_value_rule_as_upstream() -> None:
    with pytest.raises(SelectorError, match=r"values\[0\]\[a\]: Invalid value: \"-1\""):
        LabelSelector.parse("a>-1")


def test_selector_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="found"):
        LabelSelector.parse("a=b=c")


# ------------------------------------------------------------------------------------------------ label selector match


@pytest.mark.parametrize(
    ("text", "labels", "expected"),
    [
        pytest.param("app=web", {"app": "web"}, True, id="equals-hit"),
        pytest.param("app=web", {"app": "db"}, False, id="equals-miss"),
        pytest.param("app=web", {}, False, id="equals-absent"),
        pytest.param("app=", {"app": ""}, True, id="equals-empty-value"),
        pytest.param("app=", {}, False, id="equals-empty-value-absent"),
        pytest.param("app!=web", {"app": "db"}, True, id="not-equals-other"),
        pytest.param("app!=web", {}, True, id="not-equals-absent-matches"),
        pytest.param("app!=web", {"app": "web"}, False, id="not-equals-same"),
        pytest.param("tier in (a,b)", {"tier": "b"}, True, id="in-hit"),
        pytest.param("tier in (a,b)", {}, False, id="in-absent"),
        pytest.param("tier notin (a,b)", {}, True, id="notin-absent-matches"),
        pytest.param("tier notin (a,b)", {"tier": "a"}, False, id="notin-hit"),
        pytest.param("app", {"app": ""}, True, id="exists"),
        pytest.param("app", {}, False, id="exists-absent"),
        pytest.param("!app", {}, True, id="does-not-exist"),
        pytest.param("!app", {"app": "x"}, False, id="does-not-exist-present"),
        pytest.param("n>1", {"n": "2"}, True, id="gt-hit"),
        pytest.param("n>1", {"n": "1"}, False, id="gt-equal"),
        pytest.param("n>1", {"n": "x"}, False, id="gt-not-a-number"),
        pytest.param("n>1", {}, False, id="gt-absent"),
        pytest.param("n<1", {"n": "-5"}, True, id="lt-negative"),
        pytest.param("n<10", {"n": "9 "}, False, id="lt-no-lenient-int-parsing"),
        pytest.param("a=1,b=2", {"a": "1", "b": "2"}, True, id="conjunction-hit"),
        pytest.param("a=1,b=2", {"a": "1"}, False, id="conjunction-partial"),
    ],
)
def test_label_selector_matches_like_upstream(text: str, labels: dict[str, str], expected: bool) -> None:
    assert LabelSelector.parse(text).matches(labels) is expected


def test_label_selector_treats_missing_labels_as_none() -> None:
    assert LabelSelector.parse("!app").matches(None)


# ---------------------------------------------------------------------------------------------- structured selectors


def test_structured_selector_combines_match_labels_and_expressions() -> None:
    selector = LabelSelector.from_dict(
        {
            "matchLabels": {"app": "web"},
            "matchExpressions": [
                {"key": "tier", "operator": "In", "values": ["fe", "be"]},
                {"key": "legacy", "operator": "DoesNotExist"},
                {"key": "env", "operator": "NotIn", "values": ["dev"]},
                {"key": "team", "operator": "Exists"},
            ],
        }
    )
    assert str(selector) == "app=web,env notin (dev),!legacy,team,tier in (be,fe)"
    assert selector.matches({"app": "web", "tier": "fe", "team": "x"})
    assert not selector.matches({"app": "web", "tier": "fe", "team": "x", "legacy": "1"})


@pytest.mark.parametrize(
    ("selector", "matches_empty_labels"),
    [
        pytest.param({}, True, id="empty-selects-everything"),
        pytest.param(None, False, id="null-selects-nothing"),
    ],
)
def test_structured_selector_empty_and_null(selector: dict[str, Any] | None, matches_empty_labels: bool) -> None:
    assert LabelSelector.from_dict(selector).matches({}) is matches_empty_labels


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        pytest.param(
            {"key": "a", "operator": "Equals", "values": ["x"]},
            '"Equals" is not a valid label selector operator',
            id="unknown-operator",
        ),
        pytest.param(
            {"key": "a", "operator": "In", "values": []},
            "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty",
            id="in-without-values",
        ),
        pytest.param(
            {"key": "a", "operator": "Exists", "values": ["x"]},
            'values: Invalid value: []string{"x"}: values set must be empty for exists and does not exist',
            id="exists-with-values",
        ),
    ],
)
def test_structured_selector_rejects_bad_expressions(expression: dict[str, Any], message: str) -> None:
    with pytest.raises(SelectorError) as caught:
        LabelSelector.from_dict({"matchExpressions": [expression]})
    assert str(caught.value) == message


def test_structured_selector_aggregates_several_problems() -> None:
    with pytest.raises(SelectorError) as caught:
        LabelSelector.from_dict({"matchLabels": {"a b": "-x"}})
    message = str(caught.value)
    assert message.startswith('[key: Invalid value: "a b": name part')
    assert ', values[0][a b]: Invalid value: "-x": a valid label' in message
    assert message.endswith("]")


def test_requirement_new_rejects_exact_match_with_two_values() -> None:
    with pytest.raises(SelectorError, match="exact-match compatibility requires one single value"):
        Requirement.new("a", "=", ["x", "y"])


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        pytest.param({"matchLabels": {"app": "web"}}, [], id="valid"),
        pytest.param(None, [], id="absent"),
        pytest.param(
            {"matchExpressions": [{"key": "a", "operator": "In"}]},
            [
                "spec.selector.matchExpressions[0].values: Required value: "
                "must be specified when `operator` is 'In' or 'NotIn'"
            ],
            id="in-without-values",
        ),
        pytest.param(
            {"matchExpressions": [{"key": "a", "operator": "Exists", "values": ["x"]}]},
            [
                "spec.selector.matchExpressions[0].values: Forbidden: "
                "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"
            ],
            id="exists-with-values",
        ),
        pytest.param(
            {"matchExpressions": [{"key": "a", "operator": "Gt", "values": ["1"]}]},
            ['spec.selector.matchExpressions[0].operator: Invalid value: "Gt": not a valid selector operator'],
            id="gt-is-not-structured",
        ),
    ],
)
def test_validate_label_selector_inside_an_object(selector: dict[str, Any] | None, expected: list[str]) -> None:
    assert [e.render() for e in validate_label_selector(selector, "spec.selector")] == expected


def test_validate_label_selector_reports_every_bad_key_and_value() -> None:
    errors = validate_label_selector(
        {
            "matchLabels": {"-bad": "ok", "good": "-bad"},
            "matchExpressions": [{"key": "_k", "operator": "In", "values": ["-v"]}],
        },
        "spec.selector",
    )
    assert [(e.path, e.value) for e in errors] == [
        ("spec.selector.matchLabels", "-bad"),
        ("spec.selector.matchLabels", "-bad"),
        ("spec.selector.matchExpressions[0].key", "_k"),
        ("spec.selector.matchExpressions[0].values[0]", "-v"),
    ]


# --------------------------------------------------------------------------------------------------- field selectors


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        pytest.param("", [], id="empty"),
        pytest.param("metadata.name=a", [("metadata.name", "a", False)], id="equals"),
        pytest.param("metadata.name==a", [("metadata.name", "a", False)], id="double-equals"),
        pytest.param("status.phase!=Running", [("status.phase", "Running", True)], id="not-equals"),
        pytest.param("b=2,a=1", [("a", "1", False), ("b", "2", False)], id="sorted"),
        pytest.param("a=1,,b=2", [("a", "1", False), ("b", "2", False)], id="empty-term-skipped"),
        pytest.param(r"a=x\,y", [("a", "x,y", False)], id="escaped-comma"),
        pytest.param(r"a=x\=y", [("a", "x=y", False)], id="escaped-equals"),
        pytest.param(r"a=x\\", [("a", "x\\", False)], id="escaped-backslash"),
        pytest.param("a=", [("a", "", False)], id="empty-value"),
        pytest.param("a!b=c", [("a!b", "c", False)], id="bang-in-field-name"),
    ],
)
def test_field_selector_parses(text: str, terms: list[tuple[str, str, bool]]) -> None:
    parsed = FieldSelector.parse(text)
    assert [(t.field, t.value, t.negated) for t in parsed.terms] == terms


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "metadata.name", "invalid selector: 'metadata.name'; can't understand 'metadata.name'", id="no-op"
        ),
        pytest.param("a=b,c", "invalid selector: 'a=b,c'; can't understand 'c'", id="second-term-no-op"),
        pytest.param("a=b=c", "invalid field selector: unescaped character in value: =", id="unescaped-equals"),
        pytest.param(r"a=\x", r"invalid field selector: invalid escape sequence: \x", id="unknown-escape"),
        pytest.param("a=b\\", "invalid field selector: invalid escape sequence: \\", id="trailing-backslash"),
    ],
)
def test_field_selector_errors(text: str, message: str) -> None:
    with pytest.raises(SelectorError) as caught:
        FieldSelector.parse(text)
    assert str(caught.value) == message


def test_field_selector_round_trips_escapes() -> None:
    value = "a,b=c\\d"
    assert unescape_value(escape_value(value)) == value
    assert str(FieldSelector.parse(f"x={escape_value(value)},y!=z")) == r"x=a\,b\=c\\d,y!=z"


@pytest.mark.parametrize(
    ("text", "fields", "expected"),
    [
        pytest.param("metadata.name=a", {"metadata.name": "a"}, True, id="equals-hit"),
        pytest.param("metadata.name=a", {"metadata.name": "b"}, False, id="equals-miss"),
        pytest.param("spec.nodeName=", {}, True, id="missing-reads-as-empty"),
        pytest.param("spec.nodeName!=", {"spec.nodeName": "n1"}, True, id="not-empty"),
        pytest.param("a=1,b!=2", {"a": "1", "b": "3"}, True, id="conjunction"),
        pytest.param("a=1,b!=2", {"a": "1", "b": "2"}, False, id="conjunction-miss"),
        pytest.param("", {}, True, id="empty-matches-all"),
    ],
)
def test_field_selector_matches(text: str, fields: dict[str, str], expected: bool) -> None:
    selector = FieldSelector.parse(text)
    assert selector.matches(fields) is expected
    assert selector.matches(fields.get) is expected


def test_field_selector_validate_rejects_unsupported_labels() -> None:
    selector = FieldSelector.parse("metadata.name=a,spec.foo=b")
    with pytest.raises(SelectorError) as caught:
        selector.validate(supported_field_labels(("", "ConfigMap"), namespaced=True))
    assert str(caught.value) == "field label not supported: spec.foo"
    assert selector.fields == {"metadata.name", "spec.foo"}


@pytest.mark.parametrize(
    ("kind_group", "namespaced", "field", "supported"),
    [
        pytest.param(("", "Pod"), True, "spec.nodeName", True, id="pod-node-name"),
        pytest.param(("", "Pod"), True, "status.podIP", True, id="pod-ip"),
        pytest.param(("", "Pod"), True, "spec.containers", False, id="pod-containers"),
        pytest.param(("", "Node"), False, "spec.unschedulable", True, id="node-unschedulable"),
        pytest.param(("", "Node"), False, "metadata.namespace", False, id="node-has-no-namespace-label"),
        pytest.param(("", "Namespace"), False, "status.phase", True, id="namespace-phase"),
        pytest.param(("", "Secret"), True, "type", True, id="secret-type"),
        pytest.param(("", "Service"), True, "spec.clusterIP", True, id="service-cluster-ip"),
        pytest.param(("", "Event"), True, "involvedObject.uid", True, id="core-event-involved-object"),
        pytest.param(("", "Event"), True, "regarding.uid", False, id="core-event-not-regarding"),
        pytest.param(("events.k8s.io", "Event"), True, "regarding.name", True, id="events-regarding"),
        pytest.param(("events.k8s.io", "Event"), True, "reportingController", True, id="events-reporting-controller"),
        pytest.param(("events.k8s.io", "Event"), True, "involvedObject.name", False, id="events-not-involved-object"),
        pytest.param(("batch", "Job"), True, "status.successful", True, id="job-successful"),
        pytest.param(("example.com", "Widget"), True, "metadata.namespace", True, id="custom-namespaced"),
        pytest.param(("example.com", "Widget"), False, "metadata.namespace", False, id="custom-cluster-scoped"),
        pytest.param(("example.com", "Widget"), True, "spec.size", False, id="custom-spec"),
    ],
)
def test_supported_field_labels(kind_group: tuple[str, str], namespaced: bool, field: str, supported: bool) -> None:
    assert (field in supported_field_labels(kind_group, namespaced=namespaced)) is supported


POD = {
    "metadata": {"name": "web-0", "namespace": "prod"},
    "spec": {"nodeName": "n1", "restartPolicy": "Always", "schedulerName": "default-scheduler", "hostNetwork": True},
    "status": {"phase": "Running", "podIPs": [{"ip": "10.0.0.7"}], "podIP": "10.0.0.7"},
}


@pytest.mark.parametrize(
    ("kind_group", "obj", "expected"),
    [
        pytest.param(
            ("", "Pod"),
            POD,
            {
                "metadata.name": "web-0",
                "metadata.namespace": "prod",
                "spec.nodeName": "n1",
                "spec.restartPolicy": "Always",
                "spec.schedulerName": "default-scheduler",
                "spec.serviceAccountName": "",
                "spec.hostNetwork": "true",
                "status.phase": "Running",
                "status.podIP": "10.0.0.7",
                "status.nominatedNodeName": "",
            },
            id="pod",
        ),
        pytest.param(
            ("", "Node"),
            {"metadata": {"name": "n1"}, "spec": {}},
            {"metadata.name": "n1", "metadata.namespace": "", "spec.unschedulable": "false"},
            id="node-defaults-unschedulable-false",
        ),
        pytest.param(
            ("", "Secret"),
            {"metadata": {"name": "s", "namespace": "d"}, "type": "kubernetes.io/tls"},
            {"metadata.name": "s", "metadata.namespace": "d", "type": "kubernetes.io/tls"},
            id="secret",
        ),
        pytest.param(
            ("batch", "Job"),
            {"metadata": {"name": "j", "namespace": "d"}, "status": {"succeeded": 3}},
            {"metadata.name": "j", "metadata.namespace": "d", "status.successful": "3"},
            id="job",
        ),
        pytest.param(
            ("example.com", "Widget"),
            {"metadata": {"name": "w"}, "spec": {"size": 3}},
            {"metadata.name": "w", "metadata.namespace": ""},
            id="custom-resource",
        ),
    ],
)
def test_field_values(kind_group: tuple[str, str], obj: dict[str, Any], expected: dict[str, str]) -> None:
    assert field_values(kind_group, obj) == expected


def test_core_event_field_values_fall_back_to_the_reporting_controller_for_source() -> None:
    event = {
        "metadata": {"name": "e", "namespace": "d"},
        "involvedObject": {"kind": "Pod", "name": "web-0", "namespace": "d", "uid": "u1"},
        "reason": "Started",
        "type": "Normal",
        "reportingComponent": "kubelet",
    }
    values = field_values(("", "Event"), event)
    assert values["involvedObject.kind"] == "Pod"
    assert values["involvedObject.fieldPath"] == ""
    assert values["source"] == "kubelet"
    assert values["reportingComponent"] == "kubelet"
    assert FieldSelector.parse("involvedObject.name=web-0,type=Normal").matches(values)


def test_events_k8s_io_field_values_use_regarding_names() -> None:
    event = {
        "metadata": {"name": "e", "namespace": "d"},
        "regarding": {"kind": "Node", "name": "n1"},
        "reportingController": "kubelite/nodes",
        "deprecatedSource": {"component": "legacy"},
        "reason": "Ready",
        "type": "Normal",
    }
    values = field_values(("events.k8s.io", "Event"), event)
    assert values["regarding.kind"] == "Node"
    assert values["reportingController"] == "kubelite/nodes"
    assert values["source"] == "legacy"
    assert "involvedObject.kind" not in values
