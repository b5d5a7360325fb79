"""The garden's admission chain: which plugins run, in which order, with which options.

The same list runs in-process in the garden API server and behind the admission webhook. Mutating plugins run
first (in this order), then validating ones (in this order), as kube-apiserver runs its chain.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from garden.admission import landscape, shoot
from garden.admission.deletion import DeletionConfirmation
from garden.admission.providerconfigs import ProviderConfigValidation
from garden.admission.request import Plugin, Reader


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class AdmissionOptions:
    #: The clock expiry and lifetime checks use (tests pin it).
    now: Callable[[], datetime] = field(default=_now)


def plugins(reader: Reader, options: AdmissionOptions) -> list[Plugin]:
    """Gardener's plugins in the order they run."""
    return [
        DeletionConfirmation(),
        *shoot.plugins(reader, options),
        ProviderConfigValidation(),
        *landscape.plugins(reader, options),
    ]
