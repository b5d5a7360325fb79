"""The Storage contract suite, run against every storage backend."""
