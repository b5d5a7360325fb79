"""The gardenlet: registers its seed in the garden and turns scheduled shoots into running clusters.

* ``gardenlet.flow``: a DAG engine of named tasks (dependencies, skip, retry, timeout, bounded parallelism).
* ``gardenlet.components``: deployable control-plane parts built from plain typed values (never a Shoot).
* ``gardenlet.botanist``: translates a Shoot into component values and builds the reconcile/delete flows.
* ``gardenlet.controllers``: the shoot, care, seed and backup controllers.
* ``gardenlet.machines``: the machine controller (MachineDeployment -> MachineSet -> Machine -> provider).
"""
