"""``seedmanagement.gardener.cloud/v1alpha1``: kinds that turn shoots into seeds and deploy gardenlets."""

GROUP = "seedmanagement.gardener.cloud"
VERSION = "v1alpha1"
API_VERSION = f"{GROUP}/{VERSION}"
