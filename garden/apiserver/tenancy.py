"""What the garden API server adds to authorization for multi-tenancy: Gardener's landscape-wide project roles,
bootstrapped at start, and the check that a binding only refers to credentials its author may read.

Project members are bound (by the project controller) to ``gardener.cloud:system:project-member`` and friends in
their project namespace; those ClusterRoles are Gardener's control-plane chart's, written here before the server
serves, so a member's rights exist as soon as the binding does. Aggregated ones are filled by kubelite's
ClusterRole aggregation.

A SecretBinding or CredentialsBinding may name a Secret in another namespace (shared credentials), but only if the
user writing the binding may ``get`` that Secret, as Gardener's ResourceReferenceManager checks: otherwise anyone
could bind, and so use, another project's cloud credentials.
"""

from __future__ import annotations

from garden.controllermanager.project_rbac import system_cluster_roles
from kubelite.apiserver.admission import AdmissionPlugin, AdmissionRequest
from kubelite.apiserver.authorization.attributes import Attributes
from kubelite.apiserver.authorization.authorizer import Chain
from kubelite.apiserver.authorization.bootstrap import ensure_defaults
from kubelite.apiserver.authorization.forbidden import forbidden
from kubelite.apiserver.server import APIServer

#: (group, plural) -> where the referenced secret is named.
BINDINGS = {
    ("core.gardener.cloud", "secretbindings"): "secretRef",
    ("security.gardener.cloud", "credentialsbindings"): "credentialsRef",
}


async def bootstrap_project_roles(server: APIServer) -> None:
    await ensure_defaults(server.store, [("clusterroles", d.body) for d in system_cluster_roles()])


class BindingSecretAccess(AdmissionPlugin):
    name = "BindingSecretAccess"

    def __init__(self, authorizer: Chain) -> None:
        self._authorizer = authorizer

    async def validate(self, request: AdmissionRequest) -> None:
        rt = request.resource
        field = BINDINGS.get((rt.group, rt.plural))
        if field is None or request.operation != "CREATE" or request.object is None:
            return
        ref = request.object.get(field) or {}
        if not isinstance(ref, dict) or ref.get("kind", "Secret") != "Secret" or not ref.get("name"):
            return
        namespace = str(ref.get("namespace") or request.namespace)
        if namespace == request.namespace:
            return
        attributes = Attributes(request.user, "get", namespace=namespace, resource="secrets", name=str(ref["name"]))
        verdict = self._authorizer.authorize(attributes)
        if not verdict.allowed:
            raise forbidden(attributes, verdict.reason)
