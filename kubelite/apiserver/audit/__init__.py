"""The audit log (``--audit-log-path``, ``--audit-policy-file``): one ``audit.k8s.io/v1`` Event per request stage,
as JSON lines, at the level the policy gives the request."""
