"""The ``gardenlet`` command: registers a seed in the garden and runs the shoot controllers for it."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gardenlet",
        description="Register a seed in the garden and reconcile the shoots scheduled onto it.",
    )
    parser.add_argument("--garden-kubeconfig", help="kubeconfig of the garden cluster")
    parser.add_argument("--seed-kubeconfig", help="kubeconfig of the seed cluster")
    parser.add_argument("--config", metavar="FILE", help="gardenlet configuration file")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["extensions"]:
        from gardenlet.machines.command import main as extensions  # noqa: PLC0415  (kopf and providers load only here)

        return extensions(args[1:])
    parser = _parser()
    parser.parse_args(args)
    parser.print_help()
    print("\nsubcommands:\n  extensions   run the extension and machine controllers (gardenlet extensions --help)")
    print("\ngardenlet: the shoot controllers are not built yet.", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
