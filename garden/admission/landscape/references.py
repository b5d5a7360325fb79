"""ShootReferences: a shoot's namespace belongs to a project, and what the shoot names exists.

Gardener spreads this over its ShootValidator (the project, the name length) and ResourceReferenceManager
(bindings, seed, exposure class, the ``gardener.cloud/created-by`` annotation) plugins. On UPDATE only references
that changed are checked again, so a shoot whose binding was deleted can still be annotated or deleted.
"""

from __future__ import annotations

from garden.admission.errors import FieldError, check, forbidden_request, invalid, refused
from garden.admission.landscape.fields import not_found
from garden.admission.landscape.lookups import (
    BindingRef,
    binding_provider_types,
    binding_ref,
    load_binding,
    project_for_namespace,
)
from garden.admission.landscape.wire import (
    CORE_GROUP,
    CORE_VERSION,
    mapping,
    meta,
    name_of,
    set_child,
    spec,
    terminating,
    text,
    writes,
)
from garden.admission.request import Object, Plugin, Reader, Request

#: The annotation naming the user who created a shoot.
CREATED_BY_ANNOTATION = "gardener.cloud/created-by"
#: Project name plus shoot name may be at most this long (they make up the shoot's technical ID and DNS names).
NAME_LENGTH_LIMIT = 21


def shoot_name(request: Request) -> str:
    """The shoot's name; for a name still to be generated, ``generateName`` plus the 5 characters added to it."""
    obj = request.object
    name = request.name or name_of(obj)
    if name:
        return name
    prefix = text(meta(obj).get("generateName"))
    return prefix + "x" * 5 if prefix else ""


class ShootReferences(Plugin):
    name = "ShootReferences"

    def __init__(self, reader: Reader) -> None:
        self.reader = reader

    async def mutate(self, request: Request) -> None:
        if request.operation != "CREATE" or not writes(request, CORE_GROUP, "shoots"):
            return
        assert request.object is not None
        set_child(set_child(request.object, "metadata"), "annotations")[CREATED_BY_ANNOTATION] = request.user.name

    async def validate(self, request: Request) -> None:
        if not writes(request, CORE_GROUP, "shoots"):
            return
        shoot = request.object
        old = request.old_object if request.operation == "UPDATE" else None
        if old is not None and (meta(shoot).get("deletionTimestamp") or spec(shoot) == spec(old)):
            return
        name = shoot_name(request)
        project = await project_for_namespace(self.reader, request.namespace)
        if project is None:
            raise refused(
                "Shoot",
                CORE_GROUP,
                name,
                [invalid("metadata.namespace", request.namespace, f'no project for namespace "{request.namespace}"')],
            )
        project_name = name_of(project)
        if old is None and terminating(project):
            raise forbidden_request(
                "shoots",
                CORE_GROUP,
                name,
                f'cannot create shoot "{name}" in project "{project_name}" already marked for deletion',
            )
        problems: list[FieldError] = []
        if old is None and len(project_name) + len(name) > NAME_LENGTH_LIMIT:
            problems.append(
                invalid(
                    "metadata.name",
                    name,
                    f"the length of the shoot name and the project name must not exceed {NAME_LENGTH_LIMIT} "
                    f"characters (project: {project_name}; shoot: {name})",
                )
            )
        problems += await self._binding(request, shoot, old)
        seed_problems, seed_deleting = await self._seed(shoot, old)
        problems += seed_problems
        problems += await self._exposure_class(shoot, old)
        check("Shoot", CORE_GROUP, name, problems)
        if seed_deleting:
            seed = text(spec(shoot).get("seedName"))
            raise forbidden_request(
                "shoots", CORE_GROUP, name, f'cannot use seed "{seed}" for shoot "{name}": it is marked for deletion'
            )

    async def _binding(self, request: Request, shoot: Object | None, old: Object | None) -> list[FieldError]:
        ref = binding_ref(shoot)
        if ref is None:
            return []
        provider_type = text(mapping(spec(shoot).get("provider")).get("type"))
        old_provider_type = text(mapping(spec(old).get("provider")).get("type"))
        if old is not None and binding_ref(old) == ref and old_provider_type == provider_type:
            return []
        binding = await load_binding(self.reader, ref, request.namespace)
        if binding is None:
            return [not_found(ref.path, ref.name, f'no {ref.kind} "{ref.name}" in namespace "{request.namespace}"')]
        return _provider_mismatch(ref, binding, provider_type)

    async def _seed(self, shoot: Object | None, old: Object | None) -> tuple[list[FieldError], bool]:
        seed_name = text(spec(shoot).get("seedName"))
        if not seed_name or (old is not None and text(spec(old).get("seedName")) == seed_name):
            return [], False
        seed = await self.reader.get(CORE_GROUP, CORE_VERSION, "seeds", None, seed_name)
        if seed is None:
            return [not_found("spec.seedName", seed_name, f'no Seed "{seed_name}"')], False
        return [], bool(meta(seed).get("deletionTimestamp"))

    async def _exposure_class(self, shoot: Object | None, old: Object | None) -> list[FieldError]:
        class_name = text(spec(shoot).get("exposureClassName"))
        if not class_name or (old is not None and text(spec(old).get("exposureClassName")) == class_name):
            return []
        if await self.reader.get(CORE_GROUP, CORE_VERSION, "exposureclasses", None, class_name) is None:
            return [not_found("spec.exposureClassName", class_name, f'no ExposureClass "{class_name}"')]
        return []


def _provider_mismatch(ref: BindingRef, binding: Object, provider_type: str) -> list[FieldError]:
    types = binding_provider_types(binding)
    if not provider_type or provider_type in types:
        return []
    shown = ", ".join(f'"{t}"' for t in types) or "none"
    return [
        invalid(
            ref.path,
            ref.name,
            f'{ref.kind} "{ref.name}" is for provider type(s) {shown}, not for the shoot\'s provider type '
            f'"{provider_type}" (spec.provider.type)',
        )
    ]


__all__ = ["CREATED_BY_ANNOTATION", "NAME_LENGTH_LIMIT", "ShootReferences", "shoot_name"]
