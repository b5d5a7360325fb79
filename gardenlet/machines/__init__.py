"""The machine controller: MachineDeployment -> MachineSet -> Machine, machines made by a provider."""
