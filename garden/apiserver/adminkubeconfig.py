"""``shoots/adminkubeconfig``: a short-lived cluster-admin kubeconfig for a shoot (Gardener's AdminKubeconfigRequest).

``POST .../shoots/<name>/adminkubeconfig`` with ``{"kind": "AdminKubeconfigRequest", "spec": {"expirationSeconds":
600}}`` returns the request with ``status.kubeconfig`` (base64) and ``status.expirationTimestamp``. The kubeconfig
holds a client certificate for the requesting user in ``system:masters``, signed by the shoot's client CA, and one
cluster per advertised address of the shoot's API server, trusting the shoot's cluster CA.

Where the pieces come from, in the shoot's project namespace (the gardenlet keeps them there):
``<shoot>.ca-cluster`` (ConfigMap or Secret, key ``ca.crt``) and ``<shoot>.ca-client`` (Secret, keys ``ca.crt`` and
``ca.key``). Before the gardenlet has written them, or before the shoot advertises an address, the request is
answered 400 with the reason, as Gardener does.
"""

from __future__ import annotations

import base64
import datetime
from typing import Any

import yaml
from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from garden.api.base import format_time
from kubelite.apiserver.errors import APIError, bad_request, invalid, invalid_object
from kubelite.apiserver.http.bodies import read_object, respond
from kubelite.apiserver.http.routing import RequestInfo
from kubelite.apiserver.resources import ResourceType
from kubelite.apiserver.store import RequestContext, Store

GROUP = "authentication.gardener.cloud"
API_VERSION = f"{GROUP}/v1alpha1"
KIND = "AdminKubeconfigRequest"
DEFAULT_SECONDS = 3600
MIN_SECONDS = 600
MAX_SECONDS = 24 * 3600


def issue_client_certificate(
    ca_cert_pem: bytes,
    ca_key_pem: bytes,
    user: str,
    groups: list[str],
    not_after: datetime.datetime,
) -> tuple[bytes, bytes]:
    """A client certificate (CN = user, O = groups) and its key, signed by the CA; both PEM."""
    ca_cert = x509.load_pem_x509_certificate(ca_cert_pem)
    ca_key = serialization.load_pem_private_key(ca_key_pem, None)
    if not isinstance(ca_key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey):
        raise ValueError("the client CA key must be an EC, RSA or Ed25519 key")
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [x509.NameAttribute(NameOID.ORGANIZATION_NAME, g) for g in groups]
        + [x509.NameAttribute(NameOID.COMMON_NAME, user)]
    )
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(min(not_after, ca_cert.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_encipherment=True,
                content_commitment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        .sign(ca_key, None if isinstance(ca_key, ed25519.Ed25519PrivateKey) else hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def build_kubeconfig(
    name: str, addresses: list[tuple[str, str]], ca_pem: bytes, cert_pem: bytes, key_pem: bytes
) -> dict[str, Any]:
    """One cluster and context per advertised address (the first is current), one user with the certificate."""
    clusters, contexts = [], []
    for address_name, url in addresses:
        cluster = f"{name}-{address_name}"
        clusters.append({"name": cluster, "cluster": {"server": url, "certificate-authority-data": _b64(ca_pem)}})
        contexts.append({"name": cluster, "context": {"cluster": cluster, "user": name}})
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": clusters,
        "contexts": contexts,
        "current-context": contexts[0]["name"],
        "users": [
            {"name": name, "user": {"client-certificate-data": _b64(cert_pem), "client-key-data": _b64(key_pem)}}
        ],
        "preferences": {},
    }


def _expiration_seconds(body: Any) -> int:
    if not isinstance(body, dict) or body.get("kind") not in (None, KIND):
        raise bad_request(f"the request body must be an {KIND}")
    spec = body.get("spec") or {}
    seconds = spec.get("expirationSeconds", DEFAULT_SECONDS) if isinstance(spec, dict) else DEFAULT_SECONDS
    if not isinstance(seconds, int) or isinstance(seconds, bool) or not MIN_SECONDS <= seconds <= MAX_SECONDS:
        raise invalid_object(
            KIND,
            GROUP,
            "",
            [
                invalid(
                    "spec.expirationSeconds",
                    seconds,
                    f"must be between {MIN_SECONDS} and {MAX_SECONDS} seconds",
                )
            ],
        )
    return seconds


class AdminKubeconfigHandler:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def __call__(
        self, request: web.Request, rt: ResourceType, info: RequestInfo, ctx: RequestContext
    ) -> web.StreamResponse:
        if info.verb != "create":
            raise APIError(405, "MethodNotAllowed", f"{info.verb} is not supported on shoots/adminkubeconfig")
        body = await read_object(request)
        seconds = _expiration_seconds(body)
        namespace = info.namespace or ""
        shoot = await self._store.get(rt, namespace, info.name)
        addresses = [
            (str(a.get("name")), str(a.get("url")))
            for a in (shoot.get("status") or {}).get("advertisedAddresses") or []
            if isinstance(a, dict) and a.get("url")
        ]
        if not addresses:
            raise bad_request(
                f'no kubeconfig can be issued for shoot "{info.name}": it has no advertised addresses yet'
            )
        cluster_ca = await self._data(namespace, f"{info.name}.ca-cluster", "ca.crt")
        client_ca = await self._data(namespace, f"{info.name}.ca-client", "ca.crt", secret_only=True)
        client_key = await self._data(namespace, f"{info.name}.ca-client", "ca.key", secret_only=True)
        expires = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=seconds)
        cert, key = issue_client_certificate(client_ca, client_key, ctx.user.name, ["system:masters"], expires)
        project = namespace.removeprefix("garden-")
        config = build_kubeconfig(f"{project}--{info.name}", addresses, cluster_ca, cert, key)
        answer = {
            "apiVersion": API_VERSION,
            "kind": KIND,
            "metadata": {"name": info.name, "namespace": namespace},
            "spec": {"expirationSeconds": seconds},
            "status": {
                "kubeconfig": base64.b64encode(yaml.safe_dump(config, sort_keys=False).encode()).decode(),
                "expirationTimestamp": format_time(expires),
            },
        }
        return respond(answer, 201)

    async def _data(self, namespace: str, name: str, key: str, *, secret_only: bool = False) -> bytes:
        for plural, encoded in (("secrets", True), ("configmaps", False)):
            if not encoded and secret_only:
                break
            rt = self._store.registry.get("", "v1", plural)
            assert rt is not None
            try:
                obj = await self._store.get(rt, namespace, name)
            except APIError as exc:
                if exc.code == 404:
                    continue
                raise
            value = (obj.get("data") or {}).get(key)
            if isinstance(value, str) and value:
                return base64.b64decode(value) if encoded else value.encode()
        raise bad_request(f'no kubeconfig can be issued: "{key}" of {name} is not in namespace "{namespace}" yet')
