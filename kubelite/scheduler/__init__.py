"""``kubelite scheduler``: kube-scheduler for clusters kubelite hosts (a shoot's control plane)."""
