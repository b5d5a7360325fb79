"""The contract every deployable part of a shoot's control plane keeps (Gardener's ``component.DeployWaiter``).

``deploy`` and ``destroy`` return once the API server took the change; ``wait`` and ``wait_cleanup`` block until the
cluster caught up (workloads rolled out, objects gone) or their timeout passed. The flow engine wraps these calls
with retries; the components do not retry on their own.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable


class ComponentTimeoutError(TimeoutError):
    """``wait`` or ``wait_cleanup`` ran out of time; the message names each object still not where it should be."""

    def __init__(self, component: str, what: str, timeout: float, pending: list[str]) -> None:
        listing = "; ".join(pending) if pending else "nothing reported"
        super().__init__(f"{component}: {what} after {timeout:g} s: {listing}")
        self.component = component
        self.pending = pending


@runtime_checkable
class Component(Protocol):
    """Deployable and removable; waits are separate so a flow can run deploys in parallel and wait after."""

    def deploy(self) -> None: ...

    def destroy(self) -> None: ...

    def wait(self, timeout: float | None = None) -> None: ...

    def wait_cleanup(self, timeout: float | None = None) -> None: ...


@runtime_checkable
class Scalable(Protocol):
    """A component whose workloads can be scaled in place: hibernation scales to 0 and keeps persistent data."""

    def scale(self, replicas: int) -> None: ...
