"""Loaded by Python at start-up because the kubelet puts this directory first on the workload's ``PYTHONPATH``."""

from kubelite.kubelet.network.netns.hook import install_from_environment

install_from_environment()
