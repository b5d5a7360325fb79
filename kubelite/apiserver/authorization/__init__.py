"""Authorization: may this user do this verb on this resource (or non-resource path)?

kube-apiserver's model, kept whole: a request becomes :class:`~.attributes.Attributes`; an ordered chain of
authorizers (``--authorization-mode``) each answers allow, deny or no opinion, and the first that is not "no
opinion" decides. ``system:masters`` is allowed everything before any authorizer runs. The RBAC authorizer
(:mod:`.rbac`) evaluates Roles and ClusterRoles bound to the user, kept in memory by :mod:`.cache`; the default
roles come from :mod:`.bootstrap`, ClusterRole aggregation from :mod:`.aggregation`, and writes of roles and
bindings are held to escalation and bind checks by :mod:`.escalation`.
"""
