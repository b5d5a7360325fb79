"""Revisioned object storage behind one interface.

The contract (get, list with prefix/limit/continue, create, compare-and-swap update, delete, watch from a revision,
compact) is the one etcd offers to kube-apiserver; ``resourceVersion`` is the storage revision. SQLite is the
default backend; an etcd backend plugs in behind the same interface.
"""
