"""CredentialsBinding: lets the shoots of a project use credentials (a Secret or a WorkloadIdentity), possibly
from another namespace. Like SecretBinding, its fields sit at the top level of the object, not under a spec."""

from __future__ import annotations

from typing import ClassVar

from garden.api.base import CoreObjectReference, Model, Resource
from garden.api.kind import AGE, KindInfo, PrinterColumn
from garden.api.security import API_VERSION, GROUP, VERSION


class CredentialsBindingProvider(Model):
    """The provider the credentials are for."""

    type: str
    """The provider type (``aws``)."""


class CredentialsBinding(Resource):
    """A binding of cloud credentials to the shoots of a project."""

    API_VERSION: ClassVar[str] = API_VERSION
    KIND: ClassVar[str] = "CredentialsBinding"
    INFO: ClassVar[KindInfo] = KindInfo(
        GROUP,
        VERSION,
        "CredentialsBinding",
        "credentialsbindings",
        short_names=("cb",),
        status=False,
        printer_columns=(
            PrinterColumn("Provider", ".provider.type", description="The provider type of the credentials."),
            PrinterColumn(
                "APIVersion", ".credentialsRef.apiVersion", description="The API version of the referenced credentials."
            ),
            PrinterColumn("Kind", ".credentialsRef.kind", description="The kind of the referenced credentials."),
            PrinterColumn("Credentials", ".credentialsRef.name", description="The name of the referenced credentials."),
            AGE,
        ),
        description="Binds cloud credentials (a Secret or a WorkloadIdentity) to the shoots of a project.",
    )

    provider: CredentialsBindingProvider
    """The provider the credentials are for; immutable."""
    credentials_ref: CoreObjectReference
    """The credentials: a ``v1`` Secret, a ``core.gardener.cloud`` InternalSecret or a
    ``security.gardener.cloud`` WorkloadIdentity, by API version, kind, namespace and name; immutable."""
    quotas: list[CoreObjectReference] | None = None
    """Quotas limiting the shoots that use this binding; immutable."""


__all__ = ["CredentialsBinding", "CredentialsBindingProvider"]
