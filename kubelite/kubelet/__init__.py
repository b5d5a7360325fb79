"""The kubelite process kubelet: runs Deployments, StatefulSets and Pods of known images as local processes.

An image catalogue maps container images to local commands that accept the same flags; unknown images are
reported as waiting with a clear reason, never silently ignored.
"""
