"""The pod network hook: a ``sitecustomize`` the kubelet puts first on a Python workload's ``PYTHONPATH``.

With ``KUBELITE_POD_NETWORK`` naming a per-pod JSON file, the hook patches ``socket`` so the process behaves as
if it ran in its pod's network namespace: it binds its pod address, reaches Services and pods by cluster DNS name,
and uses ports below 1024 unprivileged (10000 higher). See :mod:`.hook` and :mod:`.resolve`.
"""
