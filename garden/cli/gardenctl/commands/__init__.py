"""One module per gardenctl verb; :mod:`garden.cli.gardenctl.app` registers them."""
