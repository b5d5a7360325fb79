"""``gardenctl logs COMPONENT``: logs of a shoot's control-plane component, read from its seed.

The control plane of a shoot runs in its seed, in the namespace named by the shoot's technical ID
(``shoot--<project>--<name>``), as pods carrying Gardener's labels (``app=kubernetes,role=apiserver``, ...). gardenctl
reaches the seed as ``target seed`` does (a ``seeds`` entry of the gardenctl configuration, or a ManagedSeed) and
reads each pod's log through the seed's API (``pods/log``).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from garden.cli.gardenctl.commands.operations import ProjectOption
from garden.cli.gardenctl.completion import complete_shoot
from garden.cli.gardenctl.errors import GardenctlError
from garden.cli.gardenctl.kubeconfigs import connect
from garden.cli.gardenctl.landscape import name_of, seed_of, technical_id
from garden.cli.gardenctl.state import runtime
from garden.kube import Kube
from kubelite.client import PODS

#: Component -> the label selector of its pods in the shoot's seed namespace.
COMPONENTS = {
    "kube-apiserver": "app=kubernetes,role=apiserver",
    "kube-controller-manager": "app=kubernetes,role=controller-manager",
    "kube-scheduler": "app=kubernetes,role=scheduler",
    "machine-controller-manager": "app=kubernetes,role=machine-controller-manager",
    "etcd-main": "app=etcd-statefulset,role=main",
    "etcd-events": "app=etcd-statefulset,role=events",
}


def _complete_component(incomplete: str) -> list[str]:
    return [c for c in COMPONENTS if c.startswith(incomplete)]


def pod_log(kube: Kube, namespace: str, pod: str, container: str, tail: int) -> str:
    """The log of one pod, as text (``pods/log`` answers text, not JSON, so this uses the typed API)."""
    import kubernetes  # noqa: PLC0415

    api = kubernetes.client.CoreV1Api(kubernetes.client.ApiClient(kube.configuration))
    try:
        response: Any = api.read_namespaced_pod_log(
            pod,
            namespace,
            container=container or None,
            tail_lines=tail if tail >= 0 else None,
            _preload_content=False,
            _request_timeout=(5, 60),
        )
    except kubernetes.client.ApiException as exc:
        raise GardenctlError(f"cannot read the log of pod {namespace}/{pod}: {exc.status} {exc.reason}") from None
    return bytes(response.data).decode("utf-8", "replace")


def logs(
    ctx: typer.Context,
    component: Annotated[str, typer.Argument(help=", ".join(COMPONENTS), autocompletion=_complete_component)],
    name: Annotated[str, typer.Argument(help="default: the targeted shoot", autocompletion=complete_shoot)] = "",
    project: ProjectOption = "",
    container: Annotated[str, typer.Option("-c", "--container", help="container of the pods")] = "",
    tail: Annotated[int, typer.Option("--tail", help="lines from the end of each log; -1 for all")] = 200,
) -> None:
    """Print the logs of a control-plane component of the shoot (from its seed)."""
    selector = COMPONENTS.get(component)
    if selector is None:
        raise GardenctlError(f'unknown component "{component}": choose one of {", ".join(COMPONENTS)}')
    garden, shoot, found_in = runtime(ctx).shoot(name, project)
    seed = seed_of(shoot)
    if not seed:
        raise GardenctlError(f'shoot "{name_of(shoot)}" is not scheduled to a seed yet: it has no control plane')
    namespace = technical_id(shoot, found_in)
    seed_kube = connect(garden.seed_kubeconfig(seed), f'seed "{seed}"')
    pods = sorted(seed_kube.list(PODS, namespace, label_selector=selector), key=name_of)
    if not pods:
        raise GardenctlError(f'no {component} pods in namespace "{namespace}" of seed "{seed}"')
    for pod in pods:
        if len(pods) > 1:
            typer.echo(f"==> {name_of(pod)} <==")
        typer.echo(pod_log(seed_kube, namespace, name_of(pod), container, tail), nl=False)
