"""The shoot controller: turns the Shoots scheduled to this seed into running clusters and keeps them so.

* :mod:`.decision`: which operation a Shoot needs, and whether now (pure);
* :mod:`.status`: the status patches (pure);
* :mod:`.reconciler`: one operation on one shoot (flow, progress, errors, back-off, finalizer);
* :mod:`.controller`: the watch, the queue and the bounded concurrency.

``run_shoot_controller(ctx, stop)`` is what the gardenlet command runs.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gardenlet.context import GardenletContext


async def run_shoot_controller(ctx: GardenletContext, stop: asyncio.Event) -> None:
    """Run the shoot controller until ``stop`` is set (see :mod:`.controller`)."""
    from gardenlet.controllers.shoot.controller import run_shoot_controller as run  # noqa: PLC0415

    await run(ctx, stop)


__all__ = ["run_shoot_controller"]
