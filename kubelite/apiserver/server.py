"""The kubelite API server process: storage, registry, controllers and the HTTPS listener, started and stopped
as one.

Two ways in: :func:`serve` (an async context manager: the server runs in the caller's event loop, for tests and for
embedding) and :func:`run` (a blocking main that stops cleanly on SIGTERM or SIGINT, for the command line).
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import secrets
import signal
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from kubelite.apiserver import kubeconfig
from kubelite.apiserver.admission import AdmissionChain, NamespaceLifecycle
from kubelite.apiserver.audit.log import AuditLog
from kubelite.apiserver.audit.policy import METADATA_ALL, load_policy
from kubelite.apiserver.auth.bootstrap import BootstrapTokenAuthenticator
from kubelite.apiserver.auth.chain import Authenticator
from kubelite.apiserver.auth.jwt import Signer, generate_key, load_private_key, load_public_keys
from kubelite.apiserver.auth.reviews import AuthenticationReviews
from kubelite.apiserver.auth.serviceaccounts import DEFAULT_ISSUER, ServiceAccountAuthenticator, TokenIssuer
from kubelite.apiserver.auth.tokenrequest import TokenRequestHandler
from kubelite.apiserver.auth.tokens import TokenAuthenticator, load_token_file
from kubelite.apiserver.authorization.aggregation import AggregationController
from kubelite.apiserver.authorization.authorizer import Authorizer, RBACAuthorizer, build_chain, parse_modes
from kubelite.apiserver.authorization.bootstrap import defaults as rbac_defaults
from kubelite.apiserver.authorization.bootstrap import ensure_defaults
from kubelite.apiserver.authorization.cache import RBACCache
from kubelite.apiserver.authorization.escalation import RBACEscalation
from kubelite.apiserver.authorization.reviews import AuthorizationReviews
from kubelite.apiserver.builtins import builtin_resources
from kubelite.apiserver.builtins.pods import BindingHandler, EvictionHandler, LogHandler
from kubelite.apiserver.controllers.crds import CRDController
from kubelite.apiserver.controllers.gc import GarbageCollector
from kubelite.apiserver.controllers.namespaces import NamespaceController
from kubelite.apiserver.discovery import Discovery
from kubelite.apiserver.encryption.config import load_config
from kubelite.apiserver.encryption.storage import EncryptedStorage
from kubelite.apiserver.errors import APIError
from kubelite.apiserver.http.app import HTTPApp
from kubelite.apiserver.http.resources import ResourceHandler
from kubelite.apiserver.objects import Object
from kubelite.apiserver.openapi.documents import OpenAPIDocuments
from kubelite.apiserver.registry import Overlay, Registry
from kubelite.apiserver.resources import ResourceType
from kubelite.apiserver.storage import EtcdOptions, Storage, open_storage
from kubelite.apiserver.store import RequestContext, Store
from kubelite.apiserver.store.namespaces import run_forever as run_namespace_cache
from kubelite.apiserver.store.watches import BOOKMARK_INTERVAL
from kubelite.apiserver.strategy import Strategy
from kubelite.apiserver.tls import ServingCerts, ensure_serving_certs, server_context
from kubelite.apiserver.user import UserInfo

log = logging.getLogger(__name__)

#: The namespaces every cluster starts with.
INITIAL_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")
ADMIN = UserInfo("kubelite-admin", ("system:masters", "system:authenticated"))


@dataclass(slots=True)
class ServerConfig:
    data_dir: Path
    bind_address: str = "127.0.0.1"
    #: 0 picks a free port.
    secure_port: int = 0
    storage_backend: str = "sqlite"
    #: Where the ``etcd3`` backend keeps its data (servers, key prefix, TLS files).
    etcd: EtcdOptions | None = None
    tls_cert_file: Path | None = None
    tls_private_key_file: Path | None = None
    token_auth_file: Path | None = None
    #: Clients may authenticate with certificates this CA signed (CN = user, O = groups).
    client_ca_file: Path | None = None
    #: Bootstrap tokens (``kube-system/bootstrap-token-<id>`` Secrets) authenticate joining nodes.
    enable_bootstrap_token_auth: bool = False
    #: Where Service cluster IPs come from (kube-apiserver's ``--service-cluster-ip-range``).
    service_cluster_ip_range: str = "10.96.0.0/12"
    write_kubeconfig: Path | None = None
    anonymous_auth: bool = False
    #: Extra names for the generated serving certificate.
    tls_sans: list[str] = field(default_factory=list)
    #: How often history older than the previous tick is compacted (kube-apiserver: 5 minutes).
    compaction_interval: float = 300.0
    #: How often a quiet watch that allows bookmarks gets one.
    bookmark_interval: float = BOOKMARK_INTERVAL
    #: ``--authorization-mode``: comma-separated AlwaysAllow (default), AlwaysDeny, RBAC, Node.
    authorization_mode: str = "AlwaysAllow"
    #: Sign service-account tokens with this key (default: one generated into the data dir's pki/).
    service_account_signing_key_file: Path | None = None
    #: Further keys that verify service-account tokens (the signing key's public half always does).
    service_account_key_files: list[Path] = field(default_factory=list)
    #: Issuers: the first is written into new tokens, all are accepted.
    service_account_issuers: list[str] = field(default_factory=list)
    #: Audiences the API accepts in tokens (default: the first issuer).
    api_audiences: list[str] = field(default_factory=list)
    #: Check that a token's service account (and bound object) still exist.
    service_account_lookup: bool = True
    #: Upper bound of a requested token lifetime, in seconds (None: 2^32).
    service_account_max_token_expiration: int | None = None
    #: An EncryptionConfiguration: resources encrypted at rest.
    encryption_provider_config: Path | None = None
    #: Where audit events go (``-``: stdout); None: no audit log.
    audit_log_path: str | None = None
    #: The audit policy (default with a log path: everything at Metadata).
    audit_policy_file: Path | None = None


class APIServer:
    """A running server; build with :func:`serve`."""

    def __init__(self, config: ServerConfig, storage: Storage) -> None:
        self.config = config
        self.storage = storage
        self.registry = Registry()
        self.registry.register_all(builtin_resources(ipaddress.ip_network(config.service_cluster_ip_range)))
        self.admission = AdmissionChain([NamespaceLifecycle(self._get_namespace)])
        self.store = Store(storage, self.registry, self.admission)
        self.resources = ResourceHandler(self.store, self.registry, bookmark_interval=config.bookmark_interval)
        self.openapi = OpenAPIDocuments(self.registry)
        tokens = TokenAuthenticator(load_token_file(config.token_auth_file) if config.token_auth_file else {})
        self.admin_token = _admin_token(config.data_dir)
        tokens.add(self.admin_token, ADMIN)
        signing_key = (
            load_private_key(config.service_account_signing_key_file)
            if config.service_account_signing_key_file
            else generate_key(config.data_dir / "pki" / "service-account.key")
        )
        issuers = config.service_account_issuers or [DEFAULT_ISSUER]
        audiences = config.api_audiences or [issuers[0]]
        verify_keys = [signing_key.public_key()]
        for path in config.service_account_key_files:
            verify_keys += load_public_keys(path)
        self.token_issuer = TokenIssuer(Signer(signing_key), issuers[0], audiences)
        self.authenticator = Authenticator(
            tokens,
            client_certificates=config.client_ca_file is not None,
            bootstrap=BootstrapTokenAuthenticator(self._kube_system_secret)
            if config.enable_bootstrap_token_auth
            else None,
            service_accounts=ServiceAccountAuthenticator(
                verify_keys, issuers, audiences, self._read_object, lookup=config.service_account_lookup
            ),
            audiences=audiences,
        )
        self.rbac_cache = RBACCache(storage)
        self.rbac = RBACAuthorizer(self.rbac_cache)
        self.authorizer = build_chain(parse_modes(config.authorization_mode), self.rbac_cache)
        self.admission.add(RBACEscalation(self.authorizer, self.rbac))
        self.registry.register_all(_review_resources())
        self.registry.overlay("", "serviceaccounts", Overlay(subresources=("token",)))
        self.resources.register_subresource(
            "",
            "serviceaccounts",
            "token",
            TokenRequestHandler(self.store, self.token_issuer, config.service_account_max_token_expiration),
        )
        self.reviews = {
            **AuthorizationReviews(self.authorizer, self.rbac).handlers(),
            **AuthenticationReviews(self.authenticator).handlers(),
        }
        self.audit: AuditLog | None = None
        self.crds = CRDController(self.store, self.registry)
        self.resources.register_subresource("", "pods", "binding", BindingHandler(self.store, self.registry))
        self.resources.register_subresource("", "pods", "log", LogHandler(self.store, self.registry))
        self.resources.register_subresource("", "pods", "eviction", EvictionHandler(self.store, self.registry))
        #: Run once storage is open and before anything is served (e.g. to install CRDs a layer above needs).
        self.startup_hooks: list[Callable[[APIServer], Awaitable[None]]] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.certs: ServingCerts | None = None

    @property
    def url(self) -> str:
        host = self.config.bind_address
        if host in ("0.0.0.0", "::", ""):
            host = "127.0.0.1"
        return f"https://{f'[{host}]' if ':' in host else host}:{self.port}"

    async def _get_namespace(self, name: str) -> Object | None:
        """From the store's namespace cache (storage when it does not know the name; see store/namespaces.py)."""
        return await self.store.namespaces.get(name)

    def add_authorizer(self, authorizer: Authorizer) -> None:
        """Ask ``authorizer`` before the ``--authorization-mode`` ones (a layer above's, like a webhook)."""
        self.authorizer.authorizers.insert(0, authorizer)

    async def _read_object(self, kind: str, namespace: str, name: str) -> Object | None:
        """A Pod, Secret, ServiceAccount or Node by name (for service-account token checks), or None."""
        rt = self.registry.get("", "v1", _PLURALS[kind])
        assert rt is not None
        try:
            return await self.store.get(rt, namespace if rt.namespaced else None, name)
        except APIError as exc:
            if exc.code == 404:
                return None
            raise

    async def _kube_system_secret(self, name: str) -> Object | None:
        rt = self.registry.get("", "v1", "secrets")
        assert rt is not None
        try:
            return await self.store.get(rt, "kube-system", name)
        except APIError as exc:
            if exc.code == 404:
                return None
            raise

    def spawn(self, coroutine: Coroutine[Any, Any, None], *, name: str) -> None:
        """Run a background task for as long as the server runs (cancelled on stop, logged if it crashes)."""
        task = asyncio.create_task(coroutine, name=name)
        task.add_done_callback(_log_crash)
        self._tasks.append(task)

    async def start(self) -> None:
        await self._ensure_namespaces()
        self.spawn(self.rbac_cache.run(), name="rbac-cache")
        self.spawn(run_namespace_cache(self.store.namespaces), name="namespace-cache")
        await ensure_defaults(self.store, rbac_defaults())
        for hook in self.startup_hooks:
            await hook(self)
        await self.crds.load()
        await self.rbac_cache.wait_synced()
        controllers = [
            asyncio.create_task(
                AggregationController(self.rbac_cache, self.store).run(), name="clusterrole-aggregator"
            ),
            asyncio.create_task(self.crds.run(), name="crd-controller"),
            asyncio.create_task(GarbageCollector(self.store, self.registry).run(), name="garbage-collector"),
            asyncio.create_task(NamespaceController(self.store, self.registry).run(), name="namespace-controller"),
            asyncio.create_task(self._compact_periodically(), name="compactor"),
        ]
        for task in controllers:
            task.add_done_callback(_log_crash)
        self._tasks += controllers
        app = HTTPApp(
            self.resources,
            Discovery(self.registry),
            self.openapi,
            self.authenticator,
            anonymous_auth=self.config.anonymous_auth,
            authorizer=self.authorizer,
            reviews=self.reviews,
            audit=self._audit_log(),
        ).build()
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1.0)
        await self._runner.setup()
        self.certs = self._certs()
        sock = _bind(self.config.bind_address, self.config.secure_port)
        self.port = sock.getsockname()[1]
        site = web.SockSite(self._runner, sock, ssl_context=server_context(self.certs, self.config.client_ca_file))
        await site.start()
        if self.config.write_kubeconfig is not None:
            kubeconfig.write(self.config.write_kubeconfig, self.url, self.admin_token, self.certs.ca_file)
        log.info("kubelite API server serving on %s", self.url)

    def _audit_log(self) -> AuditLog | None:
        if self.config.audit_log_path is None:
            return None
        policy = load_policy(self.config.audit_policy_file) if self.config.audit_policy_file else METADATA_ALL
        self.audit = AuditLog(self.config.audit_log_path, policy)
        return self.audit

    def _certs(self) -> ServingCerts:
        if self.config.tls_cert_file and self.config.tls_private_key_file:
            return ServingCerts(self.config.tls_cert_file, self.config.tls_private_key_file, None)
        return ensure_serving_certs(self.config.data_dir / "pki", [self.config.bind_address, *self.config.tls_sans])

    async def _ensure_namespaces(self) -> None:
        rt = self.registry.get("", "v1", "namespaces")
        assert rt is not None
        for name in INITIAL_NAMESPACES:
            if await self._get_namespace(name) is None:
                body = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}
                with contextlib.suppress(APIError):
                    await self.store.create(rt, None, body, RequestContext())

    async def _compact_periodically(self) -> None:
        previous = await self.storage.current_revision()
        while True:
            await asyncio.sleep(self.config.compaction_interval)
            if previous > await self.storage.compacted_revision():
                await self.storage.compact_on_schedule(previous)
            previous = await self.storage.current_revision()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks = []
        if self.audit is not None:
            self.audit.close()
        await self.storage.close()


_PLURALS = {"serviceaccount": "serviceaccounts", "pod": "pods", "secret": "secrets", "node": "nodes"}


def _review_resources() -> list[ResourceType]:
    """The review APIs: served (create only), listed in discovery, never stored."""
    found = []
    for group, kind, plural, namespaced in (
        ("authorization.k8s.io", "SelfSubjectAccessReview", "selfsubjectaccessreviews", False),
        ("authorization.k8s.io", "SelfSubjectRulesReview", "selfsubjectrulesreviews", False),
        ("authorization.k8s.io", "SubjectAccessReview", "subjectaccessreviews", False),
        ("authorization.k8s.io", "LocalSubjectAccessReview", "localsubjectaccessreviews", True),
        ("authentication.k8s.io", "SelfSubjectReview", "selfsubjectreviews", False),
        ("authentication.k8s.io", "TokenReview", "tokenreviews", False),
    ):
        found.append(ResourceType(group, "v1", kind, plural, kind.lower(), namespaced, Strategy(), verbs=("create",)))
    return found


def _log_crash(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("%s stopped: %r", task.get_name(), task.exception(), exc_info=task.exception())


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(1024)
    sock.setblocking(False)
    return sock


def _admin_token(data_dir: Path) -> str:
    """The admin bearer token, made once per data dir (0600) so restarts keep kubeconfigs valid."""
    path = data_dir / "admin.token"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(32)
    kubeconfig.write_private(path, token + "\n")
    return token


#: Extends a server before it starts: registers kinds, subresource handlers and admission plugins.
Setup = Callable[[APIServer], None]


@contextlib.asynccontextmanager
async def serve(config: ServerConfig, setup: Setup | None = None) -> AsyncIterator[APIServer]:
    """Run a server in the current event loop for the duration of the block.

    ``setup`` runs after the built-ins are registered and before anything is served: the place where a layer
    above kubelite (the Gardener API) adds its kinds (``server.registry.register``), overlays of computed columns
    and subresources (``server.registry.overlay``, ``server.resources.register_subresource``), admission plugins
    (``server.admission.add``) and async start-up work such as installing CRDs (``server.startup_hooks``).
    """
    config.data_dir.mkdir(parents=True, exist_ok=True)
    storage = await open_storage(config.storage_backend, config.data_dir, etcd=config.etcd)
    if config.encryption_provider_config is not None:
        storage = EncryptedStorage(storage, load_config(config.encryption_provider_config))
    server = APIServer(config, storage)
    if setup is not None:
        setup(server)
    try:
        await server.start()
        yield server
    finally:
        await server.stop()


async def _main(config: ServerConfig, setup: Setup | None) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with serve(config, setup):
        await stop.wait()
        log.info("kubelite API server stopping")


def run(config: ServerConfig, setup: Setup | None = None) -> None:
    asyncio.run(_main(config, setup))
