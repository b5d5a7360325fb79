"""Labels and names the machine objects carry, shared by the Worker actuator and the machine controller."""

from __future__ import annotations

#: On MachineDeployments and MachineClasses: the Worker that made them.
WORKER_LABEL = "worker.gardener.cloud/name"
#: On nodes (through the MachineDeployment's node template): the pool.
POOL_LABEL = "worker.gardener.cloud/pool"
#: On MachineSets and Machines: their deployment (the selector Gardener uses is ``name: <deployment>``).
DEPLOYMENT_LABEL = "name"
#: On MachineSets and Machines: the hash of the template they were made from.
TEMPLATE_HASH_LABEL = "machine-template-hash"
#: On Machines: their node, once joined (the ``Node`` printer column).
NODE_LABEL = "node"
#: The finalizer on MachineDeployments (kopf's) and Machines (set at creation).
FINALIZER = "machine.sapcloud.io/machine-controller-manager"
#: The key of a MachineClass's Secret holding the user data.
USERDATA_KEY = "userData"
