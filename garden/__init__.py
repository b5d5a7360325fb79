"""Everything that runs in or for the garden cluster.

* ``garden.api``: Gardener's typed API (pydantic v2), one module per kind, and CRD generation; no I/O.
* ``garden.admission``: Gardener's admission plugins (mutate, then validate).
* ``garden.scheduler``: places shoots on seeds.
* ``garden.controllermanager``: projects, quotas, seed lifecycle, maintenance, hibernation and friends.
* ``garden.cli``: the ``garden`` and ``gardenctl`` commands.
"""
