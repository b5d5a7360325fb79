"""SecretBinding: lets the shoots of a project use a cloud-provider Secret (possibly from another namespace)."""

from __future__ import annotations

from typing import ClassVar

from garden.api.base import Model, ObjectReference, Resource
from garden.api.core import API_VERSION, GROUP, VERSION
from garden.api.kind import AGE, KindInfo, PrinterColumn


class SecretBindingProvider(Model):
    type: str
    """The provider type(s) the Secret is for, comma-separated (``aws``)."""


class SecretBinding(Resource):
    API_VERSION: ClassVar[str] = API_VERSION
    KIND: ClassVar[str] = "SecretBinding"
    INFO: ClassVar[KindInfo] = KindInfo(
        GROUP,
        VERSION,
        "SecretBinding",
        "secretbindings",
        short_names=("sb",),
        status=False,
        printer_columns=(
            PrinterColumn("Secret", ".secretRef.name", description="The Secret the binding refers to."),
            PrinterColumn("Provider", ".provider.type", description="The provider type of the Secret."),
            AGE,
        ),
        description="Binds a cloud-provider Secret to the shoots of a project.",
    )

    secret_ref: ObjectReference
    """The Secret with the cloud credentials (its namespace defaults to the binding's)."""
    quotas: list[ObjectReference] | None = None
    """Quotas limiting what the shoots using this binding may consume."""
    provider: SecretBindingProvider | None = None
    """The provider the Secret is for."""
