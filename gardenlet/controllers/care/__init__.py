"""The care controller: the health conditions and constraints of the shoots on this seed (Gardener's shoot care).

* :mod:`.conditions`: conditions from check results, with thresholds (pure);
* :mod:`.checks`: each health check from what was observed (pure);
* :mod:`.observe`: reading the seed namespace and calling the shoot's API server;
* :mod:`.controller`: :func:`run_care_controller`, the periodic loop and the status writes.
"""

from gardenlet.controllers.care.controller import run_care_controller

__all__ = ["run_care_controller"]
