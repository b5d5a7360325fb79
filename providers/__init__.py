"""Cloud providers behind one contract (``providers.interface``), found through the ``garden.providers``
entry-point group by ``providers.registry``. Providers are independent of each other.
"""
