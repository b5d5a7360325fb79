"""CustomResourceDefinitions: checking a CRD and applying its schema to custom resources. Pure functions, no I/O.

* :mod:`~kubelite.apiserver.crd.structural` checks a CRD object (``apiextensions.k8s.io/v1``) and whether each
  version's ``openAPIV3Schema`` is *structural*, as kube-apiserver's apiextensions validation does.
* :mod:`~kubelite.apiserver.crd.schema` applies a structural schema to a custom resource: defaulting, pruning of
  unknown fields, and validation with kube-openapi's messages.

Schemas are plain JSON dicts in the CRD's own spelling (``properties``, ``x-kubernetes-preserve-unknown-fields``).
CEL rules (``x-kubernetes-validations``) are accepted and checked for shape only; they are never evaluated.
"""
