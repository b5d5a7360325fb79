"""Simulated kubelets (kwok-style): register Nodes, renew their Leases and report conditions."""
