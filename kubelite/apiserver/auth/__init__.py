"""Authentication: who a request comes from. Static tokens now; client certificates and service-account tokens
arrive with the security work. Authorization (RBAC) is not enforced yet: every authenticated user may do anything.
"""
