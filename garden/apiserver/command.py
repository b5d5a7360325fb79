"""``garden apiserver``: the kubelite API server with the Gardener API installed; the same flags."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from kubelite.apiserver import command
from kubelite.apiserver.server import Setup


def main(argv: Sequence[str]) -> int:
    def make_setup(args: argparse.Namespace) -> Setup | str:
        del args
        from garden.apiserver.setup import garden_setup  # noqa: PLC0415  (keeps `--help` fast)

        return garden_setup()

    return command.main(
        argv,
        prog="garden apiserver",
        description="The garden API server: kubelite with Gardener's API (CRDs, tables, subresources, admission).",
        make_setup=make_setup,
    )
