"""How gardenctl fails: one clear line on stderr and a non-zero exit, never a traceback.

Commands raise :class:`GardenctlError` for what the user can fix (no target, an unknown shoot, a bad flag). The
root command group (:class:`ErrorReportingGroup`) turns those, and the client errors that reach it (an API server
that is unreachable or refuses a request, a kubeconfig that cannot be loaded), into that one line. Doing it in the
group rather than in ``main`` means typer's test runner sees exactly what a shell sees.
"""

from __future__ import annotations

import contextvars
from typing import Any

import typer
import typer.core

from garden.kube import KubeError

#: The API server the last client was made for, so that "cannot reach" can say which one.
current_server: contextvars.ContextVar[str] = contextvars.ContextVar("current_server", default="the API server")


class GardenctlError(Exception):
    """A failure the user can act on; its message is printed as is, prefixed with ``error:``."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class NotFoundError(GardenctlError):
    """What was named does not exist (``wait --for=deleted`` is content with that)."""


def describe_kube_error(exc: KubeError) -> str:
    """One line for a failed request: unreachable servers by address, refusals with the server's own message."""
    if exc.status == 0:
        detail = str(exc.message).rsplit(":", 1)[-1].strip(" ')\"") or exc.reason
        return f"cannot reach {current_server.get()}: {detail}"
    if exc.status == 401:
        return f"{current_server.get()} did not accept the credentials of the kubeconfig: {exc.message}"
    if exc.status == 403:
        return f"forbidden: {exc.message}"
    return f"{exc.message or exc.reason} ({exc.status} {exc.reason})".strip()


class ErrorReportingGroup(typer.core.TyperGroup):
    """The root command group: reports :class:`GardenctlError` and client errors as one line and exits non-zero."""

    # NB: typer vendors click (typer._click); ``Any`` spares naming its private Context class.
    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except GardenctlError as exc:
            _fail(str(exc), exc.exit_code)
        except KubeError as exc:
            _fail(describe_kube_error(exc), 1)
        except OSError as exc:
            _fail(f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc), 1)
        return None


def _fail(message: str, code: int) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


__all__ = ["ErrorReportingGroup", "GardenctlError", "NotFoundError", "current_server", "describe_kube_error"]
