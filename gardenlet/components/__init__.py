"""Control-plane components: each has deploy / destroy / wait / wait_cleanup and sees only typed values.

A component is built from a Kube client (the seed's, or the shoot's for the system components applied into the
shoot) and a frozen values object; it renders its chart from ``charts/controlplane/<name>`` or
``charts/shoot-system/<name>`` and applies every object with server-side apply, so deploying twice changes nothing
the second time. The botanist translates a Shoot into these values; components never see a Shoot.

* ``interface``: the Component contract and its errors.
* ``chart``, ``kinds``, ``apply``, ``readiness``, ``base``: rendering, the kinds we apply, SSA, readiness, and the
  chart-backed base class every component derives from.
* one module per component: ``namespace``, ``etcd``, ``kube_apiserver``, ``kube_controller_manager``,
  ``kube_scheduler``, ``machine_controller``, ``coredns``, ``kube_proxy``, ``metrics_server``.
"""
