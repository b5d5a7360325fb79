"""The garden API server: kubelite with Gardener's CRDs installed, Gardener's tables and subresources, and the
admission plugins running in-process (``garden apiserver``)."""
