"""Admission of Shoots themselves: defaulting, static validation, and validation against the cloud profile.

The plugins, in the order they run (mutating first, then validating, as the chain runs them):

1. :class:`~garden.admission.shoot.defaults.ShootDefaulter` (mutating): Gardener's defaults, some from the profile.
2. :class:`~garden.admission.shoot.validation.ShootValidation` (validating): the shoot against its cloud profile
   (:mod:`~garden.admission.shoot.cloudprofile`), what an UPDATE may not change (:mod:`~garden.admission.shoot.update`)
   and the shoot's own rules, all problems in one 422.

Both handle CREATE and UPDATE of ``shoots`` in ``core.gardener.cloud`` only; subresources (status, binding)
and DELETE are left to others.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from garden.admission.shoot.defaults import ShootDefaulter
from garden.admission.shoot.validation import ShootValidation

if TYPE_CHECKING:
    from garden.admission.chain import AdmissionOptions
    from garden.admission.request import Plugin, Reader


def plugins(reader: Reader, options: AdmissionOptions) -> list[Plugin]:
    """This package's plugins in the order they run."""
    return [ShootDefaulter(reader, options), ShootValidation(reader, options)]


__all__ = ["ShootDefaulter", "ShootValidation", "plugins"]
