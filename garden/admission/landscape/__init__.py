"""Admission of what surrounds a shoot: references, quotas, projects, DNS, seed binding, seeds and cloud profiles."""

from __future__ import annotations

from typing import TYPE_CHECKING

from garden.admission.landscape.binding import ShootBinding
from garden.admission.landscape.bindings import CredentialsBindingValidator, SecretBindingValidator
from garden.admission.landscape.cloudprofiles import CloudProfileValidator, NamespacedCloudProfileValidator
from garden.admission.landscape.dns import ShootDNS
from garden.admission.landscape.projects import ProjectMutator, ProjectValidator
from garden.admission.landscape.quotas import QuotaValidator, ShootQuotaValidator
from garden.admission.landscape.references import ShootReferences
from garden.admission.landscape.seeds import SeedValidator
from garden.admission.landscape.tolerations import ShootTolerationRestriction

if TYPE_CHECKING:
    from garden.admission.chain import AdmissionOptions
    from garden.admission.request import Plugin, Reader


def plugins(reader: Reader, options: AdmissionOptions) -> list[Plugin]:
    """This package's plugins in the order they run.

    Projects and bindings first (their defaults are what shoots are checked against), then the shoot plugins:
    references before the plugins that follow them (tolerations, DNS, quotas), then the seed binding, and last the
    kinds nothing else here depends on.
    """
    return [
        ProjectMutator(),
        ProjectValidator(reader),
        SecretBindingValidator(reader),
        CredentialsBindingValidator(reader),
        QuotaValidator(),
        ShootReferences(reader),
        ShootTolerationRestriction(reader),
        ShootDNS(reader),
        ShootQuotaValidator(reader, options),
        ShootBinding(reader),
        SeedValidator(),
        CloudProfileValidator(),
        NamespacedCloudProfileValidator(reader, options),
    ]
