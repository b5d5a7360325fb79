"""Shared pieces of the shoot admission unit tests (a Gardener-docs Shoot, requests, running the plugins), and the
tests of what both plugins share: which requests they handle and the order they run in."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest

from garden.admission.chain import AdmissionOptions
from garden.admission.chain import plugins as chain_plugins
from garden.admission.request import Chain, Operation, Reader, Request
from garden.admission.shoot import ShootDefaulter, ShootValidation, plugins
from kubelite.apiserver.errors import APIError
from kubelite.apiserver.user import UserInfo
from tests.unit.admission.reader import DictReader, cloud_profile

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 25, tzinfo=UTC)
OPTIONS = AdmissionOptions(now=lambda: NOW)
NAMESPACE = "garden-dev"
GROUP = "core.gardener.cloud"


def shoot(name: str = "dev", **spec: Any) -> dict[str, Any]:
    """A Shoot as Gardener's documentation writes one (before defaulting); ``spec`` entries replace top-level keys."""
    obj: dict[str, Any] = {
        "apiVersion": "core.gardener.cloud/v1beta1",
        "kind": "Shoot",
        "metadata": {"name": name, "namespace": NAMESPACE},
        "spec": {
            "cloudProfile": {"name": "aws"},
            "region": "eu-central-1",
            "secretBindingName": "aws",
            "provider": {
                "type": "aws",
                "workers": [
                    {
                        "name": "worker-1",
                        "machine": {"type": "m5.large"},
                        "minimum": 1,
                        "maximum": 3,
                        "volume": {"type": "gp3", "size": "50Gi"},
                        "zones": ["eu-central-1a", "eu-central-1b"],
                    }
                ],
            },
            "kubernetes": {"version": "1.36"},
            "networking": {"type": "calico", "nodes": "10.250.0.0/16"},
        },
    }
    obj["spec"].update(spec)
    return obj


def worker(obj: dict[str, Any], index: int = 0) -> dict[str, Any]:
    found: dict[str, Any] = obj["spec"]["provider"]["workers"][index]
    return found


#: The real catalogues, read once (DictReader copies what it is given).
PROFILES = {name: cloud_profile(name) for name in ("aws", "local")}


def garden(*extra: dict[str, Any]) -> DictReader:
    """The real aws and local catalogues, plus ``extra`` objects."""
    return DictReader(*PROFILES.values(), *extra)


def request(
    obj: dict[str, Any] | None,
    old: dict[str, Any] | None = None,
    operation: Operation | None = None,
    subresource: str = "",
    namespace: str = NAMESPACE,
) -> Request:
    found = obj if obj is not None else old
    name = str(((found or {}).get("metadata") or {}).get("name") or "")
    return Request(
        operation=operation or ("UPDATE" if old is not None else "CREATE"),
        group=GROUP,
        version="v1beta1",
        resource="shoots",
        kind="Shoot",
        namespace=namespace,
        name=name,
        object=obj,
        old_object=old,
        user=UserInfo(name="alice"),
        subresource=subresource,
    )


async def defaulted(obj: dict[str, Any], old: dict[str, Any] | None = None, reader: Reader | None = None) -> Any:
    """The object after the ShootDefaulter (changed in place, and returned)."""
    await ShootDefaulter(reader or garden(), OPTIONS).mutate(request(obj, old))
    return obj


async def admit(
    obj: dict[str, Any], old: dict[str, Any] | None = None, reader: Reader | None = None, namespace: str = NAMESPACE
) -> dict[str, Any]:
    """Mutate and validate with the shoot plugins; returns the admitted object."""
    await Chain(plugins(reader or garden(), OPTIONS)).admit(request(obj, old, namespace=namespace))
    return obj


async def refusal(
    obj: dict[str, Any], old: dict[str, Any] | None = None, reader: Reader | None = None, namespace: str = NAMESPACE
) -> APIError:
    """The error the chain refuses the object with (fails the test when it is admitted)."""
    with pytest.raises(APIError) as caught:
        await admit(obj, old, reader, namespace)
    return caught.value


def paths(error: APIError) -> list[str]:
    return [cause.path for cause in error.causes]


def cause(error: APIError, path: str) -> Any:
    """The one cause at ``path``."""
    found = [c for c in error.causes if c.path == path]
    assert len(found) == 1, f"expected one cause at {path}, got {[c.render() for c in error.causes]}"
    return found[0]


async def created(obj: dict[str, Any], reader: Reader | None = None) -> dict[str, Any]:
    """A shoot admitted on CREATE, ready to be the old object of an UPDATE."""
    return copy.deepcopy(await admit(obj, reader=reader))


# --- what both plugins share -----------------------------------------------------------------------------------


def test_the_plugins_and_their_order() -> None:
    found = plugins(garden(), OPTIONS)
    assert [type(p) for p in found] == [ShootDefaulter, ShootValidation]
    names = [p.name for p in chain_plugins(garden(), OPTIONS)]
    assert names.index("ShootDefaulter") < names.index("ShootValidation")


async def test_subresources_other_groups_and_deletes_are_left_alone() -> None:
    chain = Chain(plugins(garden(), OPTIONS))
    broken: dict[str, Any] = {"metadata": {"name": "x"}, "spec": {"region": "nowhere", "kubernetes": {}}}
    for req in (
        request(copy.deepcopy(broken), copy.deepcopy(broken), subresource="status"),
        request(copy.deepcopy(broken), copy.deepcopy(broken), subresource="binding"),
        request(None, copy.deepcopy(broken), operation="DELETE"),
    ):
        before = copy.deepcopy(req.object)
        await chain.admit(req)
        assert req.object == before
    other = request(copy.deepcopy(broken))
    other.group = "example.com"
    await chain.admit(other)
    assert other.object == broken


async def test_a_gardener_docs_shoot_is_admitted() -> None:
    obj = await admit(shoot())
    assert obj["spec"]["kubernetes"]["version"] == "1.36.2"
    assert worker(obj)["machine"]["image"] == {"name": "gardenlinux", "version": "1877.3"}
