"""The ``garden`` command: runs the garden's processes and the embedded landscape (``garden up``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    name="garden",
    help="Run the garden: the embedded landscape (garden up) and the garden's controllers.",
    no_args_is_help=True,
    add_completion=False,
)


@app.command()
def up() -> None:
    """Start the embedded landscape: garden API server, controllers, a local seed and its gardenlet."""
    typer.echo(
        "garden up: the embedded landscape is not built yet: the gardenlet and the providers that turn shoots into "
        "clusters are still missing. What runs today: `garden apiserver` (the garden API server with Gardener's "
        "API and admission), `garden scheduler` and `garden controller-manager` (see docs/usage/README.md).",
        err=True,
    )
    raise typer.Exit(code=1)


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
    app()
