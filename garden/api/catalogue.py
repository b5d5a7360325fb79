"""Every kind of the Gardener API this project serves, in the order CRDs and the API reference list them.

The garden serves the core, security and seedmanagement kinds; each seed serves the extension and machine kinds
(the gardenlet installs them there, the provider controllers reconcile them).
"""

from __future__ import annotations

from garden.api.base import Resource
from garden.api.core.backupbucket import BackupBucket as CoreBackupBucket
from garden.api.core.backupentry import BackupEntry as CoreBackupEntry
from garden.api.core.cloudprofile import CloudProfile
from garden.api.core.controllerinstallation import ControllerInstallation
from garden.api.core.controllerregistration import ControllerRegistration
from garden.api.core.exposureclass import ExposureClass
from garden.api.core.namespacedcloudprofile import NamespacedCloudProfile
from garden.api.core.project import Project
from garden.api.core.quota import Quota
from garden.api.core.secretbinding import SecretBinding
from garden.api.core.seed import Seed
from garden.api.core.shoot import Shoot
from garden.api.extensions.backupbucket import BackupBucket
from garden.api.extensions.backupentry import BackupEntry
from garden.api.extensions.cluster import Cluster
from garden.api.extensions.controlplane import ControlPlane
from garden.api.extensions.dnsrecord import DNSRecord
from garden.api.extensions.infrastructure import Infrastructure
from garden.api.extensions.network import Network
from garden.api.extensions.operatingsystemconfig import OperatingSystemConfig
from garden.api.extensions.worker import Worker
from garden.api.machine.machine import Machine
from garden.api.machine.machineclass import MachineClass
from garden.api.machine.machinedeployment import MachineDeployment
from garden.api.machine.machineset import MachineSet
from garden.api.security.credentialsbinding import CredentialsBinding
from garden.api.seedmanagement.managedseed import ManagedSeed

#: Served by the garden API server.
GARDEN_KINDS: tuple[type[Resource], ...] = (
    Shoot,
    Seed,
    CloudProfile,
    NamespacedCloudProfile,
    Project,
    SecretBinding,
    Quota,
    CoreBackupBucket,
    CoreBackupEntry,
    ControllerRegistration,
    ControllerInstallation,
    ExposureClass,
    CredentialsBinding,
    ManagedSeed,
)

#: Served by every seed: the extension resources and the machine controller's kinds.
SEED_KINDS: tuple[type[Resource], ...] = (
    Cluster,
    Infrastructure,
    ControlPlane,
    Worker,
    DNSRecord,
    OperatingSystemConfig,
    Network,
    BackupBucket,
    BackupEntry,
    MachineClass,
    MachineDeployment,
    MachineSet,
    Machine,
)

KINDS = GARDEN_KINDS + SEED_KINDS

__all__ = ["GARDEN_KINDS", "KINDS", "SEED_KINDS"]
