"""The shoot scheduler: a chain of pure filters over seeds, then a placement strategy, bound through
``shoots/binding``.

What it does is Gardener's ``gardener-scheduler`` (``pkg/scheduler/controller/shoot``, ``docs/concepts/scheduler.md``):

* only shoots without ``spec.seedName``, not being deleted, whose ``spec.schedulerName`` is unset or
  ``default-scheduler``;
* the filters (:mod:`~garden.scheduler.filters`): usable seeds (not deleting, visible, a last operation,
  ``GardenletReady`` True and, with backups, ``BackupBucketsReady`` True), the CloudProfile's and the shoot's seed
  selectors, provider type (or the CloudProfile's ``seedSelector.providerTypes``), three zones for a control plane
  with failure tolerance ``zone``, access restrictions, disjoint networks, tolerated taints, allocatable shoots;
* the strategy (:mod:`~garden.scheduler.strategy`): ``SameRegion`` (default, no fallback) or ``MinimalDistance``
  (region-config ConfigMaps, else Gardener's name distance: :mod:`~garden.scheduler.regions`); ``purpose:
  testing`` goes to any region of its provider; the least loaded candidate wins;
* reporting: event ``SchedulingSuccessful`` ("Scheduled to seed 'x'"); on failure event ``SchedulingFailed`` and
  ``status.lastOperation`` (Create, Pending, "Failed to schedule Shoot: ..."), and a ``Scheduled`` condition, False
  with the same message (Gardener sets no such condition; it turns True when a once-unschedulable shoot is bound).

Where it differs from Gardener, on purpose:

* a failure names every seed with the reason it was not taken (``0/3 seeds are available: seed-a: provider type
  gcp != aws; seed-b: not ready (GardenletReady Unknown)``), seeds with the same reason grouped; Gardener reports
  only the first filter that left no seed (and per seed only for networks, taints and capacity);
* shoots per seed are counted from watch events (:mod:`~garden.scheduler.cache`), and the filters' outcome is
  cached per shoot requirements (:mod:`~garden.scheduler.core`); Gardener lists every seed and shoot per decision;
* a decision is assumed (the seed's count includes the shoot) until its binding is seen, so concurrent workers do
  not overfill a seed;
* an unschedulable shoot is retried when something it may wait for changes (a seed, a cloud profile, a region
  config, a seed's shoot count going down), besides Gardener's exponential backoff;
* networks must be disjoint, as Gardener long required: recent Gardener lets IPv4 shoots without HA VPN overlap the
  seed's networks (its VPN maps them), and also refuses a few reserved ranges, which are a property of the shoot
  alone (left to shoot admission here).

Modules: :mod:`~garden.scheduler.views` (what is read of seeds and shoots), :mod:`~garden.scheduler.filters`,
:mod:`~garden.scheduler.strategy`, :mod:`~garden.scheduler.regions`, :mod:`~garden.scheduler.cache`,
:mod:`~garden.scheduler.core` (state and decisions), :mod:`~garden.scheduler.workqueue`,
:mod:`~garden.scheduler.events`, :mod:`~garden.scheduler.operator` (the kopf registry) and
:mod:`~garden.scheduler.command` (``garden scheduler``).
"""
