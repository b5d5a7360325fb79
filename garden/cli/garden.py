"""The ``garden`` command: runs the garden's processes and the embedded landscape (``garden up``)."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    name="garden",
    help="Run the garden: the embedded landscape (garden up) and the garden's controllers.",
    no_args_is_help=True,
    add_completion=False,
)


class ProviderChoice(StrEnum):
    local = "local"
    aws = "aws"


class StorageChoice(StrEnum):
    sqlite = "sqlite"
    etcd = "etcd"


STATE_DIR_HELP = "where the landscape keeps its data, ports, kubeconfigs and logs"


@app.command()
def up(
    state_dir: Annotated[Path, typer.Option(help=STATE_DIR_HELP)] = Path("~/.garden/local"),
    provider: Annotated[
        ProviderChoice, typer.Option(help="local (simulated nodes) or aws (against a simulated AWS, moto)")
    ] = ProviderChoice.local,
    foreground: Annotated[
        bool,
        typer.Option("--foreground/--detach", help="stay in the foreground (Ctrl-C stops), or run in the background"),
    ] = True,
    control_plane_storage: Annotated[
        StorageChoice, typer.Option(help="where shoot API servers store: sqlite (light) or etcd (as a real seed)")
    ] = StorageChoice.sqlite,
    identity: Annotated[str, typer.Option(help="the garden's name in gardenctl's configuration")] = "local",
    gardenctl_config: Annotated[
        Path | None, typer.Option(help="gardenctl configuration file (default: $GCTL_HOME/gardenctl-v2.yaml)")
    ] = None,
    detached_child: Annotated[bool, typer.Option(hidden=True)] = False,
) -> None:
    """Start the embedded landscape: garden API server, controllers, a local seed with its kubelet and gardenlet."""
    from rich.console import Console  # noqa: PLC0415  (keeps other commands fast)

    from garden.up import run  # noqa: PLC0415

    options = run.UpOptions(
        state_dir.expanduser(),
        provider.value,
        control_plane_storage.value,
        identity,
        gardenctl_config.expanduser() if gardenctl_config is not None else None,
        detached=detached_child or not foreground,
    )
    console = Console(highlight=False, soft_wrap=True)
    raise typer.Exit(code=run.up(options, console) if foreground else run.up_detached(options, console))


@app.command()
def down(state_dir: Annotated[Path, typer.Option(help=STATE_DIR_HELP)] = Path("~/.garden/local")) -> None:
    """Stop the landscape that `garden up` runs from the state directory, and say what was stopped."""
    from rich.console import Console  # noqa: PLC0415

    from garden.up.run import down as run_down  # noqa: PLC0415

    raise typer.Exit(code=run_down(state_dir.expanduser(), Console(highlight=False, soft_wrap=True)))


@app.command(
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True, "help_option_names": []},
    add_help_option=False,
)
def apiserver(ctx: typer.Context) -> None:
    """Run the garden API server: kubelite with Gardener's API (same flags as `kubelite apiserver`)."""
    from garden.apiserver.command import main as apiserver_main  # noqa: PLC0415  (keeps other commands fast)

    raise typer.Exit(code=apiserver_main(ctx.args))


@app.command(
    name="admission-webhook",
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True, "help_option_names": []},
    add_help_option=False,
)
def admission_webhook(ctx: typer.Context) -> None:
    """Serve Gardener's admission plugins as a Kubernetes admission webhook (for a real Kubernetes garden)."""
    from garden.admission.command import main as webhook_main  # noqa: PLC0415  (keeps other commands fast)

    raise typer.Exit(code=webhook_main(ctx.args))


@app.command(
    name="controller-manager",
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True, "help_option_names": []},
    add_help_option=False,
)
def controller_manager(ctx: typer.Context) -> None:
    """Run the garden's controllers: projects, seed lifecycle, quotas, maintenance, hibernation, housekeeping."""
    from garden.controllermanager.command import main as controller_manager_main  # noqa: PLC0415

    raise typer.Exit(code=controller_manager_main(ctx.args))


@app.command(
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True, "help_option_names": []},
    add_help_option=False,
)
def scheduler(ctx: typer.Context) -> None:
    """Run the shoot scheduler: places each new shoot on a seed."""
    from garden.scheduler.command import main as scheduler_main  # noqa: PLC0415

    raise typer.Exit(code=scheduler_main(ctx.args))


@app.command(name="webhook-manifests")
def webhook_manifests(
    image: Annotated[str, typer.Option(help="image with the `garden` command")],
    ca_file: Annotated[Path, typer.Option(help="PEM CA that signed the webhook's serving certificate")],
    namespace: Annotated[str, typer.Option(help="namespace the webhook runs in")] = "garden",
    tls_secret: Annotated[str, typer.Option(help="kubernetes.io/tls Secret with its cert")] = (
        "garden-admission-webhook-tls"
    ),
    replicas: Annotated[int, typer.Option(help="webhook replicas")] = 2,
) -> None:
    """Print the manifests that run the admission webhook in a real Kubernetes garden (pipe to kubectl apply)."""
    import base64  # noqa: PLC0415

    import yaml  # noqa: PLC0415

    from garden.admission.chart import WebhookChartValues, render_webhook_chart  # noqa: PLC0415

    try:
        ca_bundle = base64.b64encode(ca_file.read_bytes()).decode()
        values = WebhookChartValues(image, ca_bundle, namespace, tls_secret, replicas)
    except (OSError, ValueError) as exc:
        typer.echo(f"garden webhook-manifests: {exc}", err=True)
        raise typer.Exit(code=2) from None
    typer.echo(yaml.safe_dump_all(render_webhook_chart(values), sort_keys=False), nl=False)


def main() -> None:
    """Run the command; a usage mistake (an unknown flag, a bad value) is one line on stderr and exit 2."""
    if len(sys.argv) <= 1:
        app()  # no arguments: the help text, as typer prints it
    try:
        code = app(standalone_mode=False)
    except typer.Abort:
        sys.exit(1)
    except Exception as exc:
        # NB: click's errors (typer vendors click) are told apart by their interface, not by a private import.
        if not (hasattr(exc, "format_message") and isinstance(getattr(exc, "exit_code", None), int)):
            raise
        context = getattr(exc, "ctx", None)
        verb = sys.argv[1] if not sys.argv[1].startswith("-") else ""
        where = context.command_path if context is not None else f"garden {verb}".strip()
        typer.echo(f"{where}: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)  # type: ignore[attr-defined]
    sys.exit(code if isinstance(code, int) else 0)
