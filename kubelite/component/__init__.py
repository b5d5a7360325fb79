"""What kubelite's control-plane components share, as upstream's ``k8s.io/component-base`` is for theirs: Go-style
flags and the flags accepted without effect (:mod:`.flags`), leader election on a Lease (:mod:`.leaderelection`),
and the secure port serving ``/healthz`` (:mod:`.serving`). ``kubelite controller-manager`` and
``kubelite scheduler`` are built from them (:mod:`.runner`).
"""
