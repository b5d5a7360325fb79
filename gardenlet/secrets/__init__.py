"""Credentials of a shoot's control plane, kept as Secrets in its seed namespace (Gardener's secrets manager).

* :mod:`~gardenlet.secrets.pki`: pure crypto, values in and PEM out (CAs, certificates, keys, bundles, renewal).
* :mod:`~gardenlet.secrets.tokens` and :mod:`~gardenlet.secrets.kubeconfig`: token files and kubeconfigs.
* :mod:`~gardenlet.secrets.configs`: what can be generated, as frozen values with checksums.
* :mod:`~gardenlet.secrets.rotation`: CA and service-account key rotation phases from operation annotations.
* :mod:`~gardenlet.secrets.manager`: :class:`SecretsManager`, the thin persistence (idempotent, immutable Secrets).
* :mod:`~gardenlet.secrets.controlplane`: the control plane's Secrets with Gardener's names, from plain values.

This package takes plain values (names, SANs, durations, phases), never the Gardener API, so components and the
botanist can both use it.
"""
