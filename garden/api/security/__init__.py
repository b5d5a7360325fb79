"""``security.gardener.cloud/v1alpha1``: the kinds that give shoots access to cloud credentials."""

GROUP = "security.gardener.cloud"
VERSION = "v1alpha1"
API_VERSION = f"{GROUP}/{VERSION}"
