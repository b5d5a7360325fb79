"""The authorization review APIs (``authorization.k8s.io/v1``), answered and never stored.

* ``selfsubjectaccessreviews``: may *I* do this? (``kubectl auth can-i``)
* ``selfsubjectrulesreviews``: what may I do in a namespace? (``kubectl auth can-i --list``)
* ``subjectaccessreviews``: may *that* user do this? (for components that check on behalf of others)
* ``localsubjectaccessreviews``: the same, limited to the namespace in the path.

The answer is the request with ``status`` filled: ``allowed``, ``denied`` (an authorizer said no, rather than none
said yes), ``reason`` and, for rules reviews, ``resourceRules``, ``nonResourceRules`` and ``incomplete``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from kubelite.apiserver.authorization.attributes import Attributes
from kubelite.apiserver.authorization.authorizer import Chain, RBACAuthorizer
from kubelite.apiserver.authorization.escalation import FULL_AUTHORITY
from kubelite.apiserver.authorization.rules import Rule
from kubelite.apiserver.errors import bad_request, invalid, invalid_object
from kubelite.apiserver.http.bodies import read_object, respond
from kubelite.apiserver.http.routing import RequestInfo
from kubelite.apiserver.user import UserInfo

GROUP = "authorization.k8s.io"
#: A review endpoint: (request, routed info, authenticated user) -> response.
ReviewHandler = Callable[[web.Request, RequestInfo, UserInfo], Awaitable[web.StreamResponse]]


def attributes_of(user: UserInfo, spec: dict[str, Any], kind: str) -> Attributes:
    resource = spec.get("resourceAttributes")
    non_resource = spec.get("nonResourceAttributes")
    if isinstance(resource, dict) and not non_resource:
        return Attributes(
            user,
            str(resource.get("verb", "")),
            namespace=str(resource.get("namespace", "")),
            api_group=str(resource.get("group", "")),
            api_version=str(resource.get("version", "")),
            resource=str(resource.get("resource", "")),
            subresource=str(resource.get("subresource", "")),
            name=str(resource.get("name", "")),
        )
    if isinstance(non_resource, dict) and not resource:
        return Attributes(
            user, str(non_resource.get("verb", "")), resource_request=False, path=str(non_resource.get("path", ""))
        )
    raise invalid_object(
        kind,
        GROUP,
        "",
        [
            invalid(
                "spec.resourceAttributes",
                None,
                "exactly one of nonResourceAttributes or resourceAttributes must be specified",
            )
        ],
    )


async def _body(request: web.Request, kind: str) -> dict[str, Any]:
    body = await read_object(request)
    if not isinstance(body, dict) or body.get("kind") not in (None, kind):
        raise bad_request(f"the request body must be a {kind}")
    if not isinstance(body.get("spec") or {}, dict):
        raise bad_request("spec must be an object")
    return body


def _answer(body: dict[str, Any], kind: str, status: dict[str, Any], namespace: str = "") -> web.Response:
    metadata: dict[str, Any] = {"creationTimestamp": None}
    if namespace:
        metadata["namespace"] = namespace
    answer = {
        "kind": kind,
        "apiVersion": f"{GROUP}/v1",
        "metadata": metadata,
        "spec": body.get("spec") or {},
        "status": status,
    }
    return respond(answer, 201)


class AuthorizationReviews:
    def __init__(self, chain: Chain, rbac: RBACAuthorizer) -> None:
        self._chain = chain
        self._rbac = rbac

    def handlers(self) -> dict[tuple[str, str], ReviewHandler]:
        return {
            (GROUP, "selfsubjectaccessreviews"): self.self_subject_access,
            (GROUP, "selfsubjectrulesreviews"): self.self_subject_rules,
            (GROUP, "subjectaccessreviews"): self.subject_access,
            (GROUP, "localsubjectaccessreviews"): self.local_subject_access,
        }

    def _status(self, attributes: Attributes) -> dict[str, Any]:
        verdict = self._chain.authorize(attributes)
        status: dict[str, Any] = {"allowed": verdict.allowed}
        if verdict.decision == "deny" and verdict.reason:
            status["denied"] = True
        if verdict.reason:
            status["reason"] = verdict.reason
        return status

    async def self_subject_access(self, request: web.Request, info: RequestInfo, user: UserInfo) -> web.Response:
        kind = "SelfSubjectAccessReview"
        body = await _body(request, kind)
        return _answer(body, kind, self._status(attributes_of(user, body.get("spec") or {}, kind)))

    async def subject_access(self, request: web.Request, info: RequestInfo, user: UserInfo) -> web.Response:
        kind = "SubjectAccessReview"
        body = await _body(request, kind)
        spec = body.get("spec") or {}
        subject = _subject(spec, kind)
        return _answer(body, kind, self._status(attributes_of(subject, spec, kind)))

    async def local_subject_access(self, request: web.Request, info: RequestInfo, user: UserInfo) -> web.Response:
        kind = "LocalSubjectAccessReview"
        body = await _body(request, kind)
        spec = body.get("spec") or {}
        namespace = info.namespace or ""
        resource = spec.get("resourceAttributes")
        if not isinstance(resource, dict) or resource.get("namespace", namespace) != namespace:
            raise invalid_object(
                kind,
                GROUP,
                "",
                [
                    invalid(
                        "spec.resourceAttributes.namespace",
                        (resource or {}).get("namespace") if isinstance(resource, dict) else None,
                        "must match metadata.namespace",
                    )
                ],
            )
        subject = _subject(spec, kind)
        return _answer(
            body,
            kind,
            self._status(
                attributes_of(subject, {**spec, "resourceAttributes": {**resource, "namespace": namespace}}, kind)
            ),
            namespace,
        )

    async def self_subject_rules(self, request: web.Request, info: RequestInfo, user: UserInfo) -> web.Response:
        kind = "SelfSubjectRulesReview"
        body = await _body(request, kind)
        namespace = str((body.get("spec") or {}).get("namespace", ""))
        if PRIVILEGED in user.groups or not self._chain.enforcing:
            rules: list[Rule] = list(FULL_AUTHORITY)
            errors: list[str] = []
        else:
            rules, errors = self._rbac.rules_for(Attributes(user, "", namespace=namespace))
        status: dict[str, Any] = {
            "resourceRules": [_resource_rule(r) for r in rules if not r.non_resource_urls],
            "nonResourceRules": [
                {"verbs": sorted(r.verbs), "nonResourceURLs": list(r.non_resource_urls)}
                for r in rules
                if r.non_resource_urls
            ],
            "incomplete": bool(errors) or len(self._chain.authorizers) > 1,
        }
        if errors:
            status["evaluationError"] = "; ".join(errors)
        return _answer(body, kind, status)


PRIVILEGED = "system:masters"


def _resource_rule(rule: Rule) -> dict[str, Any]:
    body: dict[str, Any] = {
        "verbs": sorted(rule.verbs),
        "apiGroups": sorted(rule.api_groups),
        "resources": sorted(rule.resources),
    }
    if rule.resource_names:
        body["resourceNames"] = sorted(rule.resource_names)
    return body


def _subject(spec: dict[str, Any], kind: str) -> UserInfo:
    name = spec.get("user")
    groups = spec.get("groups") or []
    if not name and not groups:
        raise invalid_object(
            kind, GROUP, "", [invalid("spec.user", name, "at least one of user or group must be specified")]
        )
    extra = {str(k): tuple(str(x) for x in v) for k, v in (spec.get("extra") or {}).items() if isinstance(v, list)}
    return UserInfo(str(name or ""), tuple(str(g) for g in groups), str(spec.get("uid", "")), extra)
