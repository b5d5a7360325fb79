"""``core.gardener.cloud/v1beta1``: the kinds users and the garden's controllers work with."""

GROUP = "core.gardener.cloud"
VERSION = "v1beta1"
API_VERSION = f"{GROUP}/{VERSION}"
