"""Gardener's admission plugins: defaulting and validation of shoots against their CloudProfile, quotas and
references. They run in-process inside kubelite and as an admission webhook on real Kubernetes.
"""
