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
    parser = _parser()
    parser.parse_args(argv)
    parser.print_help()
    print("\ngardenlet: the shoot controllers are not built yet.", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
