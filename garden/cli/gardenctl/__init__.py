"""gardenctl: the user's CLI for gardens, projects, seeds and shoots, modelled on gardenctl-v2.

``gardenctl = garden.cli.gardenctl:main`` is the console script; :mod:`.app` assembles the verbs.
"""

from garden.cli.gardenctl.app import app, main

__all__ = ["app", "main"]
