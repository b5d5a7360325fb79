"""The three patch formats kube-apiserver accepts on PATCH, as pure functions over JSON values.

* :mod:`.merge`: JSON merge patch (RFC 7386), ``application/merge-patch+json``;
* :mod:`.jsonpatch`: JSON patch (RFC 6902), ``application/json-patch+json``;
* :mod:`.strategic`: strategic merge patch, ``application/strategic-merge-patch+json``, which kubectl sends and which
  needs the kind's schema (:mod:`.schema`) to know which lists merge and by which key. kube-apiserver accepts it for
  built-in kinds only: for custom resources it answers 415 Unsupported Media Type.

Nothing here does I/O or mutates its inputs. A patch that cannot be applied raises a :class:`.errors.PatchError`
whose ``code`` and ``reason`` are what kube-apiserver would answer; the HTTP layer turns it into a Status.
"""
