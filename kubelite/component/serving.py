"""The secure port of a control-plane component: ``/healthz``, ``/livez`` and ``/readyz`` over HTTPS.

kube-controller-manager and kube-scheduler serve their health on ``--secure-port`` with the certificate of
``--tls-cert-file``/``--tls-private-key-file`` or, without them, a self-signed one they make in ``--cert-dir``, and
the charts probe ``/healthz`` with ``scheme: HTTPS`` (probes do not verify certificates). The health check is a
callable, so a component is healthy only while the parts it names are (its informers running, say). Upstream lets
anyone read ``/healthz`` (``--authorization-always-allow-paths``); so does this.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from kubelite.apiserver.tls import ServingCerts, ensure_serving_certs, server_context

HEALTH_PATHS = ("/healthz", "/livez", "/readyz")


@dataclass(frozen=True, slots=True)
class SecureServing:
    bind_address: str
    port: int
    cert_dir: Path
    tls_cert_file: Path | None = None
    tls_private_key_file: Path | None = None

    def context(self) -> ssl.SSLContext:
        if self.tls_cert_file is not None and self.tls_private_key_file is not None:
            return server_context(ServingCerts(self.tls_cert_file, self.tls_private_key_file, None))
        hosts = ["localhost", "127.0.0.1", self.bind_address]
        return server_context(ensure_serving_certs(self.cert_dir, hosts))


def health_app(check: Callable[[], str]) -> web.Application:
    """``check()`` returns "" when healthy, else why not (served as a 500, as upstream's failed checks are)."""

    async def health(_: web.Request) -> web.Response:
        problem = check()
        if problem:
            return web.Response(status=500, text=f"[-]{problem}\nhealthz check failed\n")
        return web.Response(text="ok")

    app = web.Application()
    for path in HEALTH_PATHS:
        app.router.add_get(path, health)
    return app


async def serve(serving: SecureServing, check: Callable[[], str]) -> web.AppRunner:
    """Start serving (HTTPS); the caller cleans the returned runner up. An unusable port raises OSError."""
    runner = web.AppRunner(health_app(check), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, serving.bind_address, serving.port, ssl_context=serving.context())
    try:
        await site.start()
    except BaseException:
        await runner.cleanup()
        raise
    return runner
