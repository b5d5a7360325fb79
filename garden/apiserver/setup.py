"""Turns a kubelite API server into the garden API server."""

from __future__ import annotations

import asyncio
import copy
import logging
from collections.abc import Awaitable, Callable, Iterable

from garden.admission.chain import AdmissionOptions, plugins
from garden.admission.request import Chain
from garden.api import crds
from garden.api.base import Resource
from garden.api.catalogue import GARDEN_KINDS
from garden.apiserver.adminkubeconfig import AdminKubeconfigHandler
from garden.apiserver.admission import GardenAdmission, StoreReader
from garden.apiserver.columns import OVERLAYS
from garden.apiserver.informer import Informer
from garden.apiserver.seed_authorizer import SeedAuthorizer
from garden.apiserver.tenancy import BindingSecretAccess, bootstrap_project_roles
from kubelite.apiserver.errors import APIError
from kubelite.apiserver.server import APIServer, Setup
from kubelite.apiserver.store import RequestContext

log = logging.getLogger(__name__)


def garden_setup(options: AdmissionOptions | None = None, kinds: Iterable[type[Resource]] = GARDEN_KINDS) -> Setup:
    """The setup that installs the Gardener API (CRDs, tables, subresources, admission) into a kubelite server."""
    models = tuple(kinds)

    def setup(server: APIServer) -> None:
        for (group, plural), overlay in OVERLAYS.items():
            server.registry.overlay(group, plural, overlay)
        server.resources.register_subresource(
            "core.gardener.cloud", "shoots", "adminkubeconfig", AdminKubeconfigHandler(server.store)
        )
        informers = {key: Informer(server.storage, f"/registry/{key[0]}/{key[1]}/") for key in INFORMED}
        reader = StoreReader(server.store, informers)
        server.admission.add(GardenAdmission(Chain(plugins(reader, options or AdmissionOptions()))))
        server.admission.add(BindingSecretAccess(server.authorizer))
        server.add_authorizer(
            SeedAuthorizer(
                informers[("core.gardener.cloud", "shoots")],
                informers[("core.gardener.cloud", "secretbindings")],
                informers[("security.gardener.cloud", "credentialsbindings")],
            )
        )
        server.startup_hooks.append(bootstrap_project_roles)
        server.startup_hooks.append(_crd_installer(models))
        server.startup_hooks.append(_informer_starter(informers))

    return setup


#: What admission reads on (nearly) every write, kept in memory.
INFORMED = (
    ("core.gardener.cloud", "cloudprofiles"),
    ("core.gardener.cloud", "namespacedcloudprofiles"),
    ("core.gardener.cloud", "shoots"),
    ("core.gardener.cloud", "projects"),
    ("core.gardener.cloud", "seeds"),
    ("core.gardener.cloud", "secretbindings"),
    ("security.gardener.cloud", "credentialsbindings"),
)


def _informer_starter(informers: dict[tuple[str, str], Informer]) -> Callable[[APIServer], Awaitable[None]]:
    async def start(server: APIServer) -> None:
        for (group, plural), informer in informers.items():
            server.spawn(informer.run(), name=f"informer {plural}.{group}")
        await asyncio.gather(*(informer.synced.wait() for informer in informers.values()))

    return start


def _crd_installer(models: tuple[type[Resource], ...]) -> Callable[[APIServer], Awaitable[None]]:
    async def install(server: APIServer) -> None:
        """Create each CRD, or bring a stored one up to date with this version's types."""
        rt = server.registry.get("apiextensions.k8s.io", "v1", "customresourcedefinitions")
        assert rt is not None
        ctx = RequestContext(field_manager="garden-apiserver")
        for model in models:
            wanted = crds.crd(model)
            name = wanted["metadata"]["name"]
            try:
                current = await server.store.get(rt, None, name)
            except APIError as exc:
                if exc.code != 404:
                    raise
                await server.store.create(rt, None, copy.deepcopy(wanted), ctx)
                log.info("installed CRD %s", name)
                continue
            if _spec_differs(current, wanted):
                body = copy.deepcopy(current)
                body["spec"] = copy.deepcopy(wanted["spec"])
                await server.store.update(rt, None, name, body, ctx)
                log.info("updated CRD %s", name)

    return install


def _spec_differs(current: dict[str, object], wanted: dict[str, object]) -> bool:
    # The stored spec carries server defaults (conversion, listKind...): compare what we set.
    stored = current.get("spec")
    spec = wanted["spec"]
    assert isinstance(spec, dict)
    if not isinstance(stored, dict):
        return True
    return any(stored.get(key) != value for key, value in spec.items() if key != "names") or any(
        (stored.get("names") or {}).get(k) != v for k, v in spec["names"].items()
    )
