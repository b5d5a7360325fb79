"""The ``gardenctl`` command: every verb registered on one typer app (modelled on gardenctl-v2).

Each verb lives in its own module under :mod:`garden.cli.gardenctl.commands`; this module only lists them. The
root command reads ``--config`` and puts the invocation's :class:`~garden.cli.gardenctl.state.Runtime` on the
context; :class:`~garden.cli.gardenctl.errors.ErrorReportingGroup` turns failures into one line on stderr.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from garden.cli.gardenctl.commands import config, create, delete, env, get, info, kubeconfig, logs, ls, operations, wait
from garden.cli.gardenctl.commands import target as target_command
from garden.cli.gardenctl.config import default_config_path
from garden.cli.gardenctl.errors import ErrorReportingGroup
from garden.cli.gardenctl.session import Session
from garden.cli.gardenctl.state import Runtime
from garden.version import VERSION

app = typer.Typer(
    name="gardenctl",
    cls=ErrorReportingGroup,
    help="Target gardens, projects, seeds and shoots, get kubeconfigs for them, and operate shoots.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def root(
    ctx: typer.Context,
    config_file: Annotated[
        Path | None,
        typer.Option("--config", help="configuration file [default: $GCTL_HOME/gardenctl-v2.yaml, ~/.garden/...]"),
    ] = None,
) -> None:
    """gardenctl: the command line of the garden."""
    ctx.obj = Runtime(config_file or default_config_path(), Session.current())


def version() -> None:
    """Print the gardenctl version."""
    typer.echo(f"gardenctl {VERSION}")


app.add_typer(target_command.app, name="target")
app.command("kubeconfig")(kubeconfig.kubeconfig)
app.command("kubectl-env")(env.kubectl_env)
app.command("provider-env")(env.provider_env)
app.command("get")(get.get)
app.add_typer(create.app, name="create")
app.command("hibernate")(operations.hibernate)
app.command("wake-up")(operations.wake_up)
app.command("reconcile")(operations.reconcile)
app.command("maintain")(operations.maintain)
app.command("rotate-credentials")(operations.rotate_credentials)
app.add_typer(delete.app, name="delete")
app.command("wait")(wait.wait)
app.command("info")(info.info)
app.add_typer(ls.app, name="ls")
app.command("logs")(logs.logs)
app.add_typer(config.app, name="config")
app.command("version")(version)


def main() -> None:
    app()
