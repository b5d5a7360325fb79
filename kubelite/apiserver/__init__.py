"""The kubelite API server: what real kubectl, kopf and the kubernetes client talk to.

One generic store plus a strategy per kind, like kube-apiserver's registry; HTTP, discovery, OpenAPI, watch,
tables and the admission chain live in modules of their own beside it.
"""
