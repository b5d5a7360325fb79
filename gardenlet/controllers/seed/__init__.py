"""The seed controller: registers the gardenlet's Seed in the garden, keeps it so, and sends the heartbeat.

* :mod:`.registration`: the Seed as the configuration wants it, merged over the stored one (pure) and written;
* :mod:`.system`: what the gardenlet deploys into the seed (extension CRDs, priority classes, the ``garden``
  namespace) and how healthy it is;
* :mod:`.heartbeat`: the Lease in the garden the garden controller-manager's seed lifecycle controller watches;
* :mod:`.status`: the Seed's status (conditions, last operation, versions, capacity) from observations (pure);
* :mod:`.controller`: :func:`run_seed_controller`, the loop tying them together.
"""

from gardenlet.controllers.seed.controller import run_seed_controller

__all__ = ["run_seed_controller"]
