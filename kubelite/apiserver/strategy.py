"""Per-kind object semantics, as kube-apiserver's ``RESTCreateStrategy``/``RESTUpdateStrategy``.

The generic store (``kubelite.apiserver.store``) does what every kind shares: names, uids, timestamps,
resourceVersions, generation, status/spec separation, finalizers. A :class:`Strategy` adds what one kind needs:
defaults, the status a new object starts with, validation, its schema (for pruning unknown fields and for strategic
merge patch) and a few policy switches. Most built-in kinds use the base class unchanged; a kind subclasses it only
for what differs.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from kubelite.apiserver.errors import FieldError
from kubelite.apiserver.openapi.builtin import builtin_schemas
from kubelite.apiserver.patch.schema import SchemaNode
from kubelite.apiserver.pruning import prune_by_schema
from kubelite.apiserver.validation.names import NameRule, name_is_dns_subdomain

Object = dict[str, Any]

#: When ``metadata.generation`` moves: never (ConfigMap), or whenever anything but metadata and status changes.
GenerationPolicy = Literal["none", "spec"]


class Strategy:
    generation: ClassVar[GenerationPolicy] = "none"
    #: PUT of a missing object creates it.
    allow_create_on_update: ClassVar[bool] = False
    #: PUT without ``metadata.resourceVersion`` overwrites whatever is stored.
    allow_unconditional_update: ClassVar[bool] = True
    #: Subresources whose writes set spec and status together (``pods/binding``: the node and PodScheduled).
    spec_and_status_subresources: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, definition: str | None = None, name_rule: NameRule = name_is_dns_subdomain) -> None:
        #: The OpenAPI definition of the kind (``io.k8s.api.core.v1.ConfigMap``), when it is a built-in.
        self.definition = definition
        self.name_rule = name_rule
        self._schema: SchemaNode | None = None

    def schema(self) -> SchemaNode | None:
        """The kind's schema for pruning, strategic merge patch and managedFields; None when it has none."""
        if self._schema is None and self.definition is not None:
            self._schema = SchemaNode.of(builtin_schemas(), self.definition)
        return self._schema

    def default(self, obj: Object) -> None:
        """Fill defaults into a create or update body (never overwriting what the user set)."""

    def prune(self, obj: Object) -> list[str]:
        """Drop fields the kind does not have; returns their paths (for fieldValidation warnings or errors)."""
        schema = self.schema()
        return prune_by_schema(obj, schema) if schema is not None else []

    def prepare_for_create(self, obj: Object) -> None:
        """Reset what a client may not set on create; called for kinds with a status subresource.

        The default drops ``status`` (custom resources); built-in workloads start from an empty status.
        """
        obj.pop("status", None)

    def prepare_for_update(self, new: Object, old: Object) -> None:
        """Adjust an update before validation (the store already kept the old status when /status is served)."""

    def validate(self, obj: Object) -> list[FieldError]:
        """Kind-specific validation of a create (object metadata is validated by the store)."""
        return []

    def validate_update(self, new: Object, old: Object) -> list[FieldError]:
        """Kind-specific validation of an update; defaults to the create rules on the new object."""
        return self.validate(new)

    def deletion_blocked(self, obj: Object) -> bool:
        """Whether a deleted object must stay although it has no finalizers (a namespace's spec.finalizers)."""
        return False

    def mark_deleting(self, obj: Object) -> None:
        """Adjust an object the moment it gets its deletionTimestamp (a namespace turns Terminating)."""

    def graceful_deletion_seconds(self, obj: Object, requested: int | None) -> int:
        """Seconds an object lingers after DELETE for its owner to shut it down (0: removed at once).

        Only Pods bound to a node are deleted gracefully upstream; everything else goes at once.
        """
        return 0
