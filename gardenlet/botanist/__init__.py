"""The botanist: from a Shoot (and its Seed, CloudProfile, project) to values, extension resources and flows.

Gardener's ``pkg/gardenlet/operation/botanist`` in small parts:

* :mod:`.shoot`: :class:`ShootObjects`, everything read from the garden for one shoot, and the names derived
  from it (technical ID, seed namespace);
* :mod:`.plan`: :class:`Plan`, the few decisions that change the shape of a flow (hibernated, embedded control
  plane, seed-wide machine controller, DNS);
* :mod:`.values`: component values (pure: objects in, frozen values out);
* :mod:`.extensions`: extension resource bodies (pure) and :mod:`.extension_wait`: writing them with the
  operation annotation and waiting for their controllers;
* :mod:`.botanist`: :class:`Botanist`, the task functions, each idempotent;
* :mod:`.flows`: the reconcile (awake or hibernated) and delete graphs.
"""
