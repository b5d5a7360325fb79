"""``python -m kubelite.nodes``: one simulated node booted from cloud-init user data (see :mod:`.node`)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from kubelite.nodes.heartbeat import DEFAULT_LEASE_DURATION_SECONDS
from kubelite.nodes.node import NodeConfig, parse_labels, serve
from kubelite.nodes.userdata import UserdataError, parse


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m kubelite.nodes", description="Run one simulated node.")
    p.add_argument("--userdata", type=Path, required=True, help="the machine's cloud-init user data")
    p.add_argument("--name", required=True, help="the Node's name")
    p.add_argument("--provider-id", required=True, help="spec.providerID of the Node (local:///<ns>/<machine>)")
    p.add_argument("--zone", default="", help="topology.kubernetes.io/zone")
    p.add_argument("--region", default="", help="topology.kubernetes.io/region")
    p.add_argument("--instance-type", default="", help="node.kubernetes.io/instance-type")
    p.add_argument("--node-labels", default="", help="more labels, k=v,k2=v2")
    p.add_argument("--address", default="127.0.0.1", help="the node's InternalIP")
    p.add_argument("--lease-duration-seconds", type=int, default=DEFAULT_LEASE_DURATION_SECONDS)
    p.add_argument("--status-interval", type=float, default=60.0, help="seconds between unchanged status posts")
    p.add_argument("--fault-poll", type=float, default=1.0, help="seconds between reads of the fault annotation")
    p.add_argument(
        "--no-pods",
        dest="run_pods",
        action="store_false",
        help="leave the pods bound to this node alone (default: report them running, finish their deletion)",
    )
    p.add_argument("--state-dir", type=Path, help="where the bootstrap kubeconfig is written (default: a temp dir)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        boot = parse(args.userdata.read_text())
        labels = parse_labels(args.node_labels)
    except (OSError, UserdataError, ValueError) as exc:
        print(f"kubelite.nodes: {exc}", file=sys.stderr)
        return 2
    config = NodeConfig(
        name=args.name,
        provider_id=args.provider_id,
        boot=boot,
        zone=args.zone,
        region=args.region,
        instance_type=args.instance_type,
        labels=labels,
        address=args.address,
        lease_duration_seconds=args.lease_duration_seconds,
        status_interval=args.status_interval,
        fault_poll=args.fault_poll,
        run_pods=args.run_pods,
    )
    asyncio.run(serve(config, args.state_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
