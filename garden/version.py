"""The version of this distribution, as installed."""

from importlib.metadata import PackageNotFoundError, version

try:
    VERSION = version("garden")
except PackageNotFoundError:  # a source tree that was never installed
    VERSION = "0.0.0+unknown"
