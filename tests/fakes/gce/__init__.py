"""A loopback Compute Engine REST fake for the GCP provider's tests (see :mod:`tests.fakes.gce.server`)."""
