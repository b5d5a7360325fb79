"""ProjectValidator on DELETE: a project whose namespace still holds shoots cannot be deleted."""

from __future__ import annotations

from typing import Any

import pytest

from garden.admission.landscape.projects import ProjectValidator
from tests.unit.admission.reader import DictReader
from tests.unit.admission.test_landscape_fixtures import admit, chain, project, refused, request, shoot

pytestmark = pytest.mark.unit


def confirmed(body: dict[str, Any]) -> dict[str, Any]:
    body["metadata"]["annotations"] = {"confirmation.gardener.cloud/deletion": "true"}
    return body


async def test_a_project_with_shoots_cannot_be_deleted() -> None:
    dev = confirmed(project())
    reader = DictReader(dev, shoot("web", "garden-dev"))
    error = await refused(ProjectValidator(reader), request("DELETE", None, dev), 403)
    assert error.message == 'projects.core.gardener.cloud "dev" is forbidden: project still contains shoots'
    # the whole chain says the same
    error = await refused(chain(reader), request("DELETE", None, dev), 403)
    assert error.message.endswith("project still contains shoots")


async def test_an_empty_project_can_be_deleted() -> None:
    dev = confirmed(project())
    reader = DictReader(dev, shoot("web", "garden-other"))  # shoots elsewhere do not count
    await admit(ProjectValidator(reader), request("DELETE", None, dev))


async def test_a_project_being_deleted_is_let_be() -> None:
    dev = confirmed(project())
    dev["metadata"]["deletionTimestamp"] = "2026-11-25T12:00:00Z"
    reader = DictReader(dev, shoot("web", "garden-dev"))
    await admit(ProjectValidator(reader), request("DELETE", None, dev))


async def test_without_the_old_object_the_project_is_read() -> None:
    dev = confirmed(project())
    reader = DictReader(dev, shoot("web", "garden-dev"))
    bare = request("DELETE", None, dev)
    bare.old_object = None
    await refused(ProjectValidator(reader), bare, 403)
