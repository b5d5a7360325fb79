"""``garden up``: the embedded landscape on one machine, supervised.

* :mod:`garden.up.state` — the state directory: paths, remembered ports, the lock and pid file, ``status.yaml``;
* :mod:`garden.up.landscape` — which components run, with which flags, in which order;
* :mod:`garden.up.supervisor` — start in waves with readiness waits, restart with back-off, stop in reverse;
* :mod:`garden.up.probes` — the readiness signals;
* :mod:`garden.up.seeding` — CloudProfiles, project ``dev``, credentials and a binding in a fresh garden;
* :mod:`garden.up.access` — the gardenctl entry and the commands to try first;
* :mod:`garden.up.moto_nodes` — with ``--provider aws``: moto's running instances booted as simulated nodes;
* :mod:`garden.up.run` — ``garden up`` (foreground or detached) and ``garden down``.

The pieces are meant to be reused: a test harness can build a :class:`~garden.up.landscape.Landscape` in a temp
directory and drive a :class:`~garden.up.supervisor.Supervisor` itself.
"""
