"""The seed controller's loop: register and prepare the seed every sync period, send the heartbeat in between.

The first heartbeat comes before the first sync: registration and the Lease do not wait for the seed's
preparation. Each heartbeat renews the Lease first and only then writes the Seed's status, so the garden never
sees a fresh ``GardenletReady`` without a fresh Lease (the seed lifecycle controller would turn it Unknown). A sync
re-applies the Seed from the configuration, deploys the seed's system components and checks them; a failed sync
is reported in ``lastOperation`` and ``SeedSystemComponentsHealthy`` and retried after a short back-off, while the
heartbeat goes on (the gardenlet runs; its seed is just not ready).

The Kubernetes client blocks, so every round runs in a worker thread; ``stop`` ends the loop between rounds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import time
from dataclasses import dataclass, field

from garden.kube import SEEDS, KubeError
from garden.version import VERSION
from gardenlet.context import GardenletContext
from gardenlet.controllers.seed import heartbeat
from gardenlet.controllers.seed.registration import register
from gardenlet.controllers.seed.status import Preparation, Reporter, seed_status
from gardenlet.controllers.seed.system import deploy_seed_system, system_health

log = logging.getLogger(__name__)

#: After a failed sync, the next one comes after this many seconds (or the sync period, if shorter).
RETRY_SECONDS = 5.0


@dataclass
class SeedReconciler:
    ctx: GardenletContext
    reporter: Reporter = field(default_factory=lambda: Reporter(socket.gethostname(), "gardenlet", VERSION))
    preparation: Preparation = field(default_factory=lambda: Preparation(finished=False))
    kubernetes_version: str | None = None
    _lease_namespace_ready: bool = False

    def sync(self) -> bool:
        """Register the Seed, deploy the seed's system components and check them; whether that worked."""
        try:
            register(self.ctx.garden, self.ctx.config.seed_config)
            deploy_seed_system(self.ctx.seed)
            version = self.ctx.seed.request("GET", "/version").get("gitVersion")
            self.kubernetes_version = str(version) if version else None
            health = system_health(self.ctx.seed)
        except (KubeError, ValueError) as exc:
            log.warning("seed %s: preparing the seed failed: %s", self.ctx.seed_name, exc)
            self.preparation = Preparation(finished=True, error=str(exc))
            return False
        if health.problems:
            log.warning("seed %s: system components unhealthy: %s", self.ctx.seed_name, "; ".join(health.problems))
        elif self.preparation != Preparation(finished=True):
            log.info("seed %s: seed is prepared and its system components are healthy", self.ctx.seed_name)
        self.preparation = Preparation(finished=True, problems=health.problems)
        return True

    def heartbeat(self) -> None:
        """Renew the Lease, then bring the Seed's status up to date (written only when it changed)."""
        garden = self.ctx.garden
        seed = garden.get(SEEDS, None, self.ctx.seed_name)
        if seed is None:
            seed = register(garden, self.ctx.config.seed_config)
        if not self._lease_namespace_ready:
            heartbeat.ensure_lease_namespace(garden)
            self._lease_namespace_ready = True
        now = self.ctx.clock.now()
        heartbeat.renew(garden, seed, now, self.ctx.config.controllers.seed.heartbeat_seconds)
        status = seed_status(
            seed,
            now=now,
            preparation=self.preparation,
            reporter=self.reporter,
            resources=self.ctx.config.resources,
            kubernetes_version=self.kubernetes_version,
        )
        if status == (seed.get("status") or {}):
            return
        patch = {"metadata": {"resourceVersion": seed["metadata"].get("resourceVersion")}, "status": status}
        try:
            garden.patch(SEEDS, None, self.ctx.seed_name, patch, subresource="status")
        except KubeError as exc:
            if not exc.conflict:
                raise
            log.info("seed %s changed meanwhile; its status is written at the next heartbeat", self.ctx.seed_name)


async def _heartbeat(reconciler: SeedReconciler) -> None:
    try:
        await asyncio.to_thread(reconciler.heartbeat)
    except (KubeError, ValueError) as exc:
        log.warning("seed %s: heartbeat failed: %s", reconciler.ctx.seed_name, exc)


async def run_seed_controller(ctx: GardenletContext, stop: asyncio.Event) -> None:
    """Keep the seed registered, prepared and reported until ``stop`` is set."""
    settings = ctx.config.controllers.seed
    reconciler = SeedReconciler(ctx)
    next_sync = 0.0
    log.info("seed %s: seed controller started (heartbeat every %ss)", ctx.seed_name, settings.heartbeat_seconds)
    while not stop.is_set():
        await _heartbeat(reconciler)
        if time.monotonic() >= next_sync:
            ok = await asyncio.to_thread(reconciler.sync)
            delay = settings.sync_period_seconds if ok else min(settings.sync_period_seconds, RETRY_SECONDS)
            next_sync = time.monotonic() + delay
            await _heartbeat(reconciler)  # publish the sync's outcome now, not a heartbeat later
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), settings.heartbeat_seconds)
    log.info("seed %s: seed controller stopped", ctx.seed_name)


__all__ = ["SeedReconciler", "run_seed_controller"]
