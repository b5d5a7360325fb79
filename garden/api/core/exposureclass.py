"""ExposureClass: a way of exposing shoot control planes, and the seeds that offer it."""

from __future__ import annotations

from typing import ClassVar

from garden.api.base import Model, Resource
from garden.api.common import Toleration
from garden.api.core import API_VERSION, GROUP, VERSION
from garden.api.core.cloudprofile import SeedSelector
from garden.api.kind import AGE, KindInfo, PrinterColumn


class ExposureClassScheduling(Model):
    """Which seeds shoots using the exposure class may be scheduled to."""

    seed_selector: SeedSelector | None = None
    """The seeds that support the exposure class."""
    tolerations: list[Toleration] | None = None
    """Seed taints shoots using the exposure class tolerate."""


class ExposureClass(Resource):
    """A control plane exposure strategy shoots can choose, implemented by a handler on the seeds."""

    API_VERSION: ClassVar[str] = API_VERSION
    KIND: ClassVar[str] = "ExposureClass"
    INFO: ClassVar[KindInfo] = KindInfo(
        GROUP,
        VERSION,
        "ExposureClass",
        "exposureclasses",
        namespaced=False,
        short_names=("expclass", "expcls"),
        status=False,
        printer_columns=(
            PrinterColumn("Handler", ".handler", description="The handler that applies the exposure strategy."),
            AGE,
        ),
        description="A strategy for exposing shoot control plane endpoints, and the seeds that support it.",
    )

    handler: str
    """The seed-side handler that applies the exposure strategy; immutable."""
    scheduling: ExposureClassScheduling | None = None
    """Which seeds shoots using the class may run on; immutable."""


__all__ = ["ExposureClass", "ExposureClassScheduling"]
