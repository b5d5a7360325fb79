"""Every way a request can say who it is, tried in kube-apiserver's order: client certificate, then bearer token
(static tokens, bootstrap tokens, service-account tokens). The first that recognises the request wins; none means
anonymous (or 401).
"""

from __future__ import annotations

from collections.abc import Sequence

from aiohttp import web

from kubelite.apiserver.auth.bootstrap import BootstrapTokenAuthenticator
from kubelite.apiserver.auth.serviceaccounts import ServiceAccountAuthenticator
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
        service_accounts: ServiceAccountAuthenticator | None = None,
        audiences: Sequence[str] = (),
    ) -> None:
        self.tokens = tokens
        self.client_certificates = client_certificates
        self.bootstrap = bootstrap
        self.service_accounts = service_accounts
        #: The API server's own audiences (``--api-audiences``): what tokens without audiences are good for.
        self.audiences = list(audiences)

    async def authenticate(self, request: web.Request) -> UserInfo | None:
        if self.client_certificates and request.transport is not None:
            user = user_of_connection(request.transport.get_extra_info("ssl_object"))
            if user is not None:
                return user
        header = request.headers.get("Authorization")
        if not header:
            return None
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        found = await self.authenticate_token(token.strip())
        return found[0] if found is not None else None

    async def authenticate_token(
        self, token: str, audiences: Sequence[str] | None = None
    ) -> tuple[UserInfo, list[str]] | None:
        """The user a bearer token belongs to and the audiences it is good for (of ``audiences``, default the
        API's), or None. Static and bootstrap tokens are good for the API's own audiences only."""
        wanted = list(audiences) if audiences else self.audiences
        if self.service_accounts is not None and self.service_accounts.ours(token):
            user = await self.service_accounts.authenticate(token, wanted)
            return (user, wanted) if user is not None else None
        api = [a for a in wanted if a in self.audiences] if audiences else self.audiences
        if audiences and not api:
            return None
        user = self.tokens.authenticate(f"Bearer {token}")
        if user is None and self.bootstrap is not None:
            user = await self.bootstrap.authenticate(token)
        return (user, api) if user is not None else None
