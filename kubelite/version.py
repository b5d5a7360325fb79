"""Versions kubelite reports: its own, and the Kubernetes version whose API it serves."""

from importlib.metadata import PackageNotFoundError, version

try:
    VERSION = version("garden")
except PackageNotFoundError:  # running from a source tree that was never installed
    VERSION = "0.0.0+unknown"

#: The Kubernetes minor release whose API kubelite follows (served at /version).
KUBERNETES_MAJOR = "1"
KUBERNETES_MINOR = "37"
