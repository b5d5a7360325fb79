"""``machine.sapcloud.io/v1alpha1``: the machine-controller-manager's kinds, which provider extensions write.

A MachineDeployment rolls MachineSets, a MachineSet keeps its number of Machines, and a Machine is one VM created
from a MachineClass by the provider's machine driver.
"""

GROUP = "machine.sapcloud.io"
VERSION = "v1alpha1"
API_VERSION = f"{GROUP}/{VERSION}"
