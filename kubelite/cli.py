"""The ``kubelite`` command: one verb per part of the embedded Kubernetes.

Each verb lives in the module of its part and registers itself here through ``VERBS``; this module only parses
the verb and hands over the rest of the command line, so each part keeps kube-style flags of its own.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from kubelite.version import VERSION

Verb = Callable[[Sequence[str]], int]


def _apiserver(argv: Sequence[str]) -> int:
    from kubelite.apiserver.command import main as apiserver_main  # noqa: PLC0415  (each verb loads only itself)

    return apiserver_main(argv)


def _snapshot(argv: Sequence[str]) -> int:
    from kubelite.apiserver.snapshot_command import snapshot_main  # noqa: PLC0415

    return snapshot_main(argv)


def _migrate(argv: Sequence[str]) -> int:
    from kubelite.apiserver.snapshot_command import migrate_main  # noqa: PLC0415

    return migrate_main(argv)


def _kubelet(argv: Sequence[str]) -> int:
    from kubelite.kubelet.command import main as kubelet_main  # noqa: PLC0415

    return kubelet_main(argv)


def _controller_manager(argv: Sequence[str]) -> int:
    from kubelite.controllermanager.command import main as controller_manager_main  # noqa: PLC0415

    return controller_manager_main(argv)


def _scheduler(argv: Sequence[str]) -> int:
    from kubelite.scheduler.command import main as scheduler_main  # noqa: PLC0415

    return scheduler_main(argv)


#: verb name -> (one-line help, entry point taking the remaining arguments).
VERBS: dict[str, tuple[str, Verb]] = {
    "apiserver": ("run the kube-apiserver-compatible API server", _apiserver),
    "kubelet": ("run the pods bound to this node as local processes", _kubelet),
    "controller-manager": ("run kube-controller-manager's workload controllers against a cluster", _controller_manager),
    "scheduler": ("bind pending pods to Ready, schedulable nodes (kube-scheduler)", _scheduler),
    "snapshot": ("save or restore a snapshot of the API server's storage (sqlite or etcd3)", _snapshot),
    "migrate": ("copy a SQLite data dir's objects into etcd", _migrate),
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kubelite",
        description="kubelite: an embedded Kubernetes (API server, process kubelet, simulated nodes).",
    )
    parser.add_argument("--version", action="version", version=f"kubelite {VERSION}")
    sub = parser.add_subparsers(dest="verb", metavar="VERB")
    for name, (summary, _) in sorted(VERBS.items()):
        sub.add_parser(name, help=summary, add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    parser = _parser()
    if not args or args[0] not in VERBS:
        parsed = parser.parse_args(args)  # prints help / version / an error for an unknown verb
        if parsed.verb is None:
            parser.print_help()
            return 0
    _, entry = VERBS[args[0]]
    return entry(args[1:])


if __name__ == "__main__":
    sys.exit(main())
