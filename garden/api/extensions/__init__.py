"""``extensions.gardener.cloud/v1alpha1``: the seed-side kinds the gardenlet writes for provider extensions to act on.

Every kind but Cluster shares the :class:`~garden.api.extensions.common.DefaultSpec` (type, class, providerConfig) and
the :class:`~garden.api.extensions.common.DefaultStatus` (lastOperation, lastError, conditions, state and the rest).
"""

GROUP = "extensions.gardener.cloud"
VERSION = "v1alpha1"
API_VERSION = f"{GROUP}/{VERSION}"
