"""Controllers that live inside the API server, as kube-controller-manager's garbage collector and namespace
controller and the apiextensions server's CRD controllers do for a real cluster: ownerReference garbage
collection, namespace termination, and CustomResourceDefinition establishment and cleanup.

They talk to the store directly (as the system user) and follow storage watches, so they see every write,
including their own, in revision order.
"""
