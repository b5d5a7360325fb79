"""``kubelite controller-manager``: kube-controller-manager for clusters kubelite hosts (a shoot's control plane)."""
