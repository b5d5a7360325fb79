"""Validation shared by every kind: names, labels, annotations and the rest of ``metadata``.

The rules and their messages are apimachinery's (``k8s.io/apimachinery/pkg/util/validation`` and
``pkg/api/validation``), because clients print them verbatim and tests compare them verbatim. A kind's strategy
calls :func:`~kubelite.apiserver.validation.objectmeta.validate_object_meta` with the name rule of that kind
(:mod:`~kubelite.apiserver.validation.names`) and adds the checks of its own spec.

Every validator returns *all* the :class:`~kubelite.apiserver.errors.FieldError` it finds, never just the first.
"""
