"""Every way a request can say who it is, tried in kube-apiserver's order: client certificate, then bearer token
(static tokens, then bootstrap tokens). The first that recognises the request wins; none means anonymous (or 401).
"""

from __future__ import annotations

from aiohttp import web

from kubelite.apiserver.auth.bootstrap import BootstrapTokenAuthenticator
from kubelite.apiserver.auth.tokens import TokenAuthenticator
from kubelite.apiserver.auth.x509 import user_of_connection
from kubelite.apiserver.user import UserInfo


class Authenticator:
    def __init__(
        self,
        tokens: TokenAuthenticator,
        *,
        client_certificates: bool = False,
        bootstrap: BootstrapTokenAuthenticator | None = None,
    ) -> None:
        self.tokens = tokens
        self.client_certificates = client_certificates
        self.bootstrap = bootstrap

    async def authenticate(self, request: web.Request) -> UserInfo | None:
        if self.client_certificates and request.transport is not None:
            user = user_of_connection(request.transport.get_extra_info("ssl_object"))
            if user is not None:
                return user
        header = request.headers.get("Authorization")
        user = self.tokens.authenticate(header)
        if user is not None or self.bootstrap is None or not header:
            return user
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer":
            return None
        return await self.bootstrap.authenticate(token.strip())
