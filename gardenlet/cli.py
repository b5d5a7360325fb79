"""The ``gardenlet`` command: ``gardenlet --garden-kubeconfig G --seed-kubeconfig S --config FILE`` runs the
gardenlet (:mod:`gardenlet.command`); ``gardenlet extensions ...`` runs the seed's extension and machine controllers
(:mod:`gardenlet.machines.command`)."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["extensions"]:
        from gardenlet.machines.command import main as extensions  # noqa: PLC0415  (kopf and providers load only here)

        return extensions(args[1:])
    from gardenlet.command import main as gardenlet  # noqa: PLC0415

    return gardenlet(args)


if __name__ == "__main__":
    sys.exit(main())
