"""``gardenctl kubectl-env`` and ``provider-env``: shell exports for kubectl and for the shoot's cloud CLI."""

from __future__ import annotations

from typing import Annotated

import typer

from garden.api.wire import dig
from garden.cli.gardenctl import output, shells
from garden.cli.gardenctl.commands.kubeconfig import DEFAULT_EXPIRATION, ExpirationOption, target_kubeconfig
from garden.cli.gardenctl.kubeconfigs import render
from garden.cli.gardenctl.providerenv import provider_variable_names, provider_variables
from garden.cli.gardenctl.state import runtime

ShellArgument = Annotated[shells.Shell, typer.Argument(help="bash, zsh, fish or powershell")]
UnsetOption = Annotated[bool, typer.Option("-u", "--unset", help="print the commands that unset the variables")]


def kubectl_env(
    ctx: typer.Context,
    shell: ShellArgument,
    unset: UnsetOption = False,
    expiration: ExpirationOption = DEFAULT_EXPIRATION,
) -> None:
    """Point KUBECONFIG at the current target's kubeconfig (written into the session directory)."""
    command = f"gardenctl kubectl-env {shell.value}{' -u' if unset else ''}"
    if unset:
        output.echo(shells.render(shell, command, {}, ["KUBECONFIG"]))
        return
    rt = runtime(ctx)
    path = rt.session.write_kubeconfig(render(target_kubeconfig(rt, expiration)))
    output.echo(shells.render(shell, command, {"KUBECONFIG": str(path)}))


def provider_env(ctx: typer.Context, shell: ShellArgument, unset: UnsetOption = False) -> None:
    """Export the cloud credentials of the targeted shoot's binding (AWS_ACCESS_KEY_ID, GOOGLE_CREDENTIALS, ...)."""
    garden, shoot, _ = runtime(ctx).shoot()
    provider_type = str(dig(shoot, "spec", "provider", "type") or "")
    command = f"gardenctl provider-env {shell.value}{' -u' if unset else ''}"
    if unset:
        output.echo(shells.render(shell, command, {}, provider_variable_names(provider_type)))
        return
    variables = provider_variables(
        provider_type, garden.provider_credentials(shoot), str(dig(shoot, "spec", "region") or "")
    )
    output.echo(shells.render(shell, command, variables))
