"""RBAC rule matching, coverage (escalation checks), the authorizer chain and upstream's 403 wording."""

from __future__ import annotations

import pytest

from kubelite.apiserver.authorization.aggregation import aggregated_rules
from kubelite.apiserver.authorization.attributes import Attributes
from kubelite.apiserver.authorization.authorizer import AlwaysAllow, AlwaysDeny, Chain, parse_modes
from kubelite.apiserver.authorization.bootstrap import reconciled
from kubelite.apiserver.authorization.escalation import uncovered
from kubelite.apiserver.authorization.forbidden import forbidden
from kubelite.apiserver.authorization.rules import Rule
from kubelite.apiserver.user import UserInfo

ALICE = UserInfo("alice", ("devs", "system:authenticated"))


def rule(verbs: str, groups: str = "", resources: str = "", names: str = "", urls: str = "") -> Rule:
    def split(text: str) -> list[str]:
        return text.split(",") if text else []

    raw = {"verbs": split(verbs), "resources": split(resources), "resourceNames": split(names)}
    raw["apiGroups"] = [] if urls else groups.split(",")
    raw["nonResourceURLs"] = split(urls)
    return Rule.of(raw)


def req(verb: str, resource: str, sub: str = "", name: str = "", group: str = "", ns: str = "dev") -> Attributes:
    return Attributes(ALICE, verb, namespace=ns, api_group=group, resource=resource, subresource=sub, name=name)


@pytest.mark.parametrize(
    ("the_rule", "request_", "allowed"),
    [
        (rule("get", "", "pods"), req("get", "pods"), True),
        (rule("get", "", "pods"), req("list", "pods"), False),
        (rule("*", "", "pods"), req("delete", "pods"), True),
        (rule("get", "apps", "pods"), req("get", "pods"), False),
        (rule("get", "*", "pods"), req("get", "pods", group="apps"), True),
        (rule("get", "", "pods"), req("get", "pods", "log"), False),
        (rule("get", "", "pods/log"), req("get", "pods", "log"), True),
        (rule("get", "", "*/log"), req("get", "pods", "log"), True),
        (rule("get", "", "*"), req("get", "pods", "log"), True),
        (rule("get", "", "pods", "web"), req("get", "pods", name="web"), True),
        (rule("get", "", "pods", "web"), req("get", "pods", name="db"), False),
        (rule("list", "", "pods", "web"), req("list", "pods"), False),
        (rule("get", urls="/healthz"), Attributes(ALICE, "get", False, path="/healthz"), True),
        (rule("get", urls="/apis/*"), Attributes(ALICE, "get", False, path="/apis/apps/v1"), True),
        (rule("get", urls="/apis/*"), Attributes(ALICE, "get", False, path="/api"), False),
        (rule("get", urls="*"), req("get", "pods"), False),
        (rule("get", "*", "*"), Attributes(ALICE, "get", False, path="/healthz"), False),
    ],
)
def test_rule_matching(the_rule: Rule, request_: Attributes, allowed: bool) -> None:
    assert the_rule.allows(request_) is allowed


def test_coverage_breaks_rules_into_atoms() -> None:
    owner = [rule("get,list", "", "pods,secrets"), rule("get", "", "configmaps", "a,b")]
    assert uncovered(owner, [rule("get", "", "pods")]) == []
    assert uncovered(owner, [rule("get", "", "configmaps", "a")]) == []
    # A rule without names needs an owner rule without names.
    assert uncovered(owner, [rule("get", "", "configmaps")]) == [rule("get", "", "configmaps")]
    assert uncovered(owner, [rule("get,delete", "", "pods")]) == [rule("delete", "", "pods")]
    # "*" is only covered by "*".
    assert uncovered(owner, [rule("*", "", "pods")]) == [rule("*", "", "pods")]
    assert uncovered([rule("*", "*", "*")], [rule("*", "apps", "deployments/scale")]) == []
    assert uncovered([rule("get", "", "*/status")], [rule("get", "", "pods/status")]) == []
    assert uncovered([rule("get", urls="/logs/*")], [rule("get", urls="/logs/app")]) == []


def test_chain_order_masters_and_modes() -> None:
    deny_all = Chain([AlwaysDeny()], enforcing=True)
    assert not deny_all.authorize(req("get", "pods")).allowed
    master = Attributes(UserInfo("root", ("system:masters",)), "delete", resource="nodes")
    assert deny_all.authorize(master).allowed
    assert Chain([AlwaysAllow(), AlwaysDeny()], enforcing=False).authorize(req("get", "pods")).allowed
    assert parse_modes("Node,RBAC") == ["Node", "RBAC"]
    with pytest.raises(ValueError, match="unknown authorization mode 'Webhook'"):
        parse_modes("RBAC,Webhook")
    with pytest.raises(ValueError, match="given twice"):
        parse_modes("RBAC,RBAC")


def test_forbidden_messages_follow_upstream() -> None:
    error = forbidden(req("get", "secrets", name="db"))
    assert error.code == 403
    assert error.message == (
        'secrets "db" is forbidden: User "alice" cannot get resource "secrets" in API group "" in the namespace "dev"'
    )
    error = forbidden(req("list", "deployments", group="apps", ns=""))
    assert error.message == (
        'deployments.apps is forbidden: User "alice" cannot list resource "deployments" in API group "apps" '
        "at the cluster scope"
    )
    error = forbidden(req("get", "pods", "log", name="web"), 'RBAC: role.rbac.authorization.k8s.io "x" not found')
    assert error.message.startswith('pods "web" is forbidden: User "alice" cannot get resource "pods/log"')
    assert error.message.endswith(': RBAC: role.rbac.authorization.k8s.io "x" not found')
    error = forbidden(Attributes(ALICE, "post", False, path="/metrics"))
    assert error.message == 'forbidden: User "alice" cannot post path "/metrics"'


def test_aggregation_collects_matching_rules_once_in_name_order() -> None:
    label = {"rbac.authorization.k8s.io/aggregate-to-view": "true"}
    selector = {"clusterRoleSelectors": [{"matchLabels": label}]}
    r1 = {"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}
    r2 = {"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["get"]}
    roles = {
        "view": {"metadata": {"name": "view"}, "aggregationRule": selector},
        "b": {"metadata": {"name": "b", "labels": label}, "rules": [r2, r1]},
        "a": {"metadata": {"name": "a", "labels": label}, "rules": [r1]},
        "other": {"metadata": {"name": "other"}, "rules": [{"verbs": ["*"]}]},
    }
    assert aggregated_rules(roles["view"], roles) == [r1, r2]
    assert aggregated_rules(roles["a"], roles) is None


def test_bootstrap_reconcile_adds_what_is_missing_unless_pinned() -> None:
    wanted = {"metadata": {"name": "r", "labels": {"x": "1"}}, "rules": [{"verbs": ["get"]}]}
    current = {"metadata": {"name": "r"}, "rules": [{"verbs": ["list"]}]}
    assert reconciled(current, wanted) == {
        "metadata": {"name": "r", "labels": {"x": "1"}},
        "rules": [{"verbs": ["list"]}, {"verbs": ["get"]}],
    }
    pinned = {"metadata": {"name": "r", "annotations": {"rbac.authorization.kubernetes.io/autoupdate": "false"}}}
    assert reconciled(pinned, wanted) is None
    assert reconciled(wanted, wanted) is None
