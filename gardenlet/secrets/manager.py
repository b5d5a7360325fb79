"""The secrets manager of one shoot's control plane: Secrets in the shoot's seed namespace, made from configs.

Modelled on Gardener's secrets manager. Every Secret it writes is immutable and carries labels saying who manages
it (``managed-by=secrets-manager``, ``manager-identity``), which config family it belongs to (``name``), a checksum
of everything its content was made from (``checksum-of-config``) and, for certificates, when it was issued and
until when it is valid. ``generate(config)`` reuses the Secret whose checksum matches, so a second run with the
same configs writes nothing; it makes a new Secret (under a new name, so workloads that mount it roll) when the
checksum changed or a certificate has less than a fifth of its validity left. ``cleanup()`` deletes the managed
Secrets no ``generate`` asked for, so call it once, after everything was generated.

CA and service-account key rotation follow :mod:`gardenlet.secrets.rotation`: while a rotation prepares, the new
CA is current and the old one is kept; the bundle Secret (``<ca>-bundle-<hash>``) holds both. Client certificates
are signed by the current CA, server certificates by the old one until the rotation completes (clients that only
trust the old CA must still reach the servers). Completing leaves the old CA unused, so cleanup deletes it.

The crypto is in :mod:`gardenlet.secrets.pki`; this module only decides what to make and keeps it. The client is
synchronous (the official ``kubernetes`` client); flows call the manager in a worker thread.
"""

from __future__ import annotations

import base64
import hashlib
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from garden.clock import Clock, SystemClock
from gardenlet.secrets import pki
from gardenlet.secrets.configs import (
    CAConfig,
    CertificateConfig,
    RSAKeyConfig,
    SecretConfig,
    StaticTokenConfig,
    TokenKubeconfigConfig,
    checksum,
)
from gardenlet.secrets.kubeconfig import kubeconfig
from gardenlet.secrets.rotation import Rotation, Rotations
from gardenlet.secrets.tokens import new_token, parse_token_file, token_file
from kubelite.client import SECRETS, Kube, Object

log = logging.getLogger(__name__)

LABEL_MANAGED_BY = "managed-by"
MANAGED_BY = "secrets-manager"
LABEL_IDENTITY = "manager-identity"
LABEL_NAME = "name"
LABEL_CHECKSUM = "checksum-of-config"
LABEL_ROTATION = "last-rotation-initiation-time"
LABEL_ISSUED_AT = "issued-at-time"
LABEL_VALID_UNTIL = "valid-until-time"
LABEL_BUNDLE_FOR = "bundle-for"
LABEL_PERSIST = "persist"

DATA_CA_CERT = "ca.crt"
DATA_CA_KEY = "ca.key"
DATA_CERT = "tls.crt"
DATA_KEY = "tls.key"
DATA_KUBECONFIG = "kubeconfig"
DATA_TOKEN = "token"
DATA_RSA_KEY = "id_rsa"
DATA_RSA_PUBLIC_KEY = "id_rsa.pub"
DATA_STATIC_TOKENS = "static_tokens.csv"
DATA_BUNDLE_CERTS = "bundle.crt"
DATA_BUNDLE_KEYS = "bundle.key"

#: A certificate is renewed once less than this fraction of its validity is left (Gardener: 80 % used).
RENEW_WHEN_LEFT = 0.2


class SecretsManagerError(RuntimeError):
    """A config the manager cannot serve (e.g. a certificate whose CA was not generated first)."""


@dataclass(frozen=True, slots=True)
class ManagedSecret:
    """A Secret the manager generated or reused in this run."""

    name: str
    config: str
    data: Mapping[str, bytes]


@dataclass(slots=True)
class _Family:
    """A rotating family (a CA or a key): the current member, the old one if kept, and their bundle."""

    current: ManagedSecret
    old: ManagedSecret | None
    bundle: ManagedSecret
    generation: str = ""


@dataclass(slots=True)
class _Existing:
    secrets: dict[str, Object] = field(default_factory=dict)

    def family(self, config_name: str) -> list[Object]:
        """The Secrets of one config family, newest first."""
        members = [s for s in self.secrets.values() if _labels(s).get(LABEL_NAME) == config_name]
        return sorted(members, key=lambda s: (int(_labels(s).get(LABEL_ISSUED_AT, "0")), _name(s)), reverse=True)


class SecretsManager:
    def __init__(
        self,
        kube: Kube,
        namespace: str,
        *,
        identity: str = "gardenlet",
        rotations: Rotations | None = None,
        clock: Clock | None = None,
        renew_when_left: float = RENEW_WHEN_LEFT,
    ) -> None:
        if not 0 < renew_when_left < 1:
            raise ValueError(f"renew_when_left is a fraction between 0 and 1, got {renew_when_left}")
        self.kube = kube
        self.namespace = namespace
        self.identity = identity
        self.rotations: Rotations = dict(rotations or {})
        self.clock: Clock = clock or SystemClock()
        self.renew_when_left = renew_when_left
        self._existing: _Existing | None = None
        self._used: set[str] = set()
        self._families: dict[str, _Family] = {}
        self._generated: dict[str, ManagedSecret] = {}
        self._configs: dict[str, SecretConfig] = {}
        #: Names of the Secrets this manager created (the rest it reused); for logs and tests.
        self.created: list[str] = []

    # -- what callers ask for ---------------------------------------------------------------------------------------

    def generate(self, config: SecretConfig) -> ManagedSecret:
        """The Secret for ``config``: reused when its checksum matches and it is not due for renewal, else made."""
        if config.name in self._generated:
            if self._configs[config.name] != config:
                raise SecretsManagerError(f"{config.name!r} was already generated from a different config")
            return self._generated[config.name]
        if isinstance(config, CAConfig):
            secret = self._generate_ca(config)
        elif isinstance(config, CertificateConfig):
            secret = self._generate_certificate(config)
        elif isinstance(config, RSAKeyConfig):
            secret = self._generate_rsa_key(config)
        elif isinstance(config, StaticTokenConfig):
            secret = self._generate_static_token(config)
        else:
            secret = self._generate_token_kubeconfig(config)
        self._generated[config.name] = secret
        self._configs[config.name] = config
        return secret

    def generate_all(self, configs: Iterable[SecretConfig]) -> dict[str, ManagedSecret]:
        """Every config in order (CAs before what they sign); config name -> Secret."""
        return {config.name: self.generate(config) for config in configs}

    def get(self, name: str) -> ManagedSecret:
        """A Secret generated earlier in this run, by config name."""
        try:
            return self._generated[name]
        except KeyError:
            raise SecretsManagerError(f"{name!r} was not generated by this secrets manager") from None

    def bundle(self, name: str) -> bytes:
        """The bundle of CA (or key) family ``name``: current and, while a rotation prepares, old, PEM."""
        family = self._family(name)
        data = family.bundle.data
        return data.get(DATA_BUNDLE_CERTS) or data[DATA_BUNDLE_KEYS]

    def bundle_secret(self, name: str) -> str:
        """The name of the Secret holding the bundle of family ``name``."""
        return self._family(name).bundle.name

    def signer(self, name: str) -> pki.KeyPair:
        """The current CA of family ``name``: what signs new client certificates."""
        family = self._family(name)
        if DATA_CA_CERT not in family.current.data:
            raise SecretsManagerError(f"{name!r} is not a certificate authority")
        return pki.KeyPair(family.current.data[DATA_CA_CERT], family.current.data[DATA_CA_KEY])

    def old_signer(self, name: str) -> pki.KeyPair | None:
        """The previous CA of family ``name`` while a rotation keeps it, else None."""
        old = self._family(name).old
        if old is None:
            return None
        return pki.KeyPair(old.data[DATA_CA_CERT], old.data[DATA_CA_KEY])

    def cleanup(self) -> list[str]:
        """Delete the managed Secrets of this namespace and identity that this run did not use; their names."""
        deleted = []
        for name in sorted(self._load().secrets):
            if name in self._used:
                continue
            self.kube.delete(SECRETS, self.namespace, name)
            deleted.append(name)
        for name in deleted:
            self._load().secrets.pop(name, None)
        if deleted:
            log.info("%s: deleted unused secrets %s", self.namespace, ", ".join(deleted))
        return deleted

    def issue_admin_kubeconfig(
        self,
        *,
        user: str,
        server: str,
        cluster_name: str,
        expiration: timedelta,
        client_ca: str = "ca-client",
        ca: str = "ca",
    ) -> str:
        """A short-lived kubeconfig for ``user`` in group ``system:masters`` (``shoots/adminkubeconfig``); not
        stored: it lives as long as its certificate."""
        if expiration <= timedelta(0):
            raise ValueError(f"the expiration must be positive, got {expiration}")
        spec = pki.CertificateSpec(user, organizations=("system:masters",), usage="client", validity=expiration)
        pair = pki.issue_certificate(spec, self.signer(client_ca), self._now())
        return kubeconfig(
            cluster_name,
            server,
            self.bundle(ca),
            user=user,
            client_certificate=pair.certificate,
            client_key=pair.private_key,
        )

    # -- one function per kind --------------------------------------------------------------------------------------

    def _generate_ca(self, config: CAConfig) -> ManagedSecret:
        rotation = self.rotations.get(config.rotation, Rotation())
        digest = checksum(config, rotation.generation)
        current = self._reuse(config.name, digest)
        if current is None:
            pair = pki.issue_ca(config.common_name, self._now(), config.validity, config.key_type)
            current = self._create(
                config.name,
                digest,
                {DATA_CA_CERT: pair.certificate, DATA_CA_KEY: pair.private_key},
                rotation=rotation,
                certificate=pair.certificate,
                persist=True,
            )
        old = self._kept_old(config.name, current, rotation)
        certificates = [current.data[DATA_CA_CERT], *([old.data[DATA_CA_CERT]] if old else [])]
        bundle = self._bundle(config.name, DATA_BUNDLE_CERTS, pki.bundle(certificates))
        self._families[config.name] = _Family(current, old, bundle, rotation.generation)
        return current

    def _generate_rsa_key(self, config: RSAKeyConfig) -> ManagedSecret:
        rotation = self.rotations.get(config.rotation, Rotation()) if config.rotation else Rotation()
        digest = checksum(config, rotation.generation)
        current = self._reuse(config.name, digest)
        if current is None:
            key = pki.generate_key("rsa", config.bits)
            data = {DATA_RSA_KEY: pki.private_key_pem(key), DATA_RSA_PUBLIC_KEY: pki.public_key_pem(key)}
            current = self._create(config.name, digest, data, rotation=rotation, persist=True)
        old = self._kept_old(config.name, current, rotation)
        public_keys = [current.data[DATA_RSA_PUBLIC_KEY], *([old.data[DATA_RSA_PUBLIC_KEY]] if old else [])]
        bundle = self._bundle(config.name, DATA_BUNDLE_KEYS, pki.bundle(public_keys))
        self._families[config.name] = _Family(current, old, bundle, rotation.generation)
        return current

    def _generate_certificate(self, config: CertificateConfig) -> ManagedSecret:
        family = self._family(config.ca)
        # Server certificates stay with the old CA until the rotation completes; clients move to the new one.
        signer = family.old if config.spec.usage != "client" and family.old is not None else family.current
        inputs = [_fingerprint(signer.data[DATA_CA_CERT])]
        if config.kubeconfig is not None:
            inputs.append(_fingerprint(self.bundle(config.kubeconfig.ca)))
        digest = checksum(config, *inputs)
        reused = self._reuse(config.name, digest, renewable=True)
        if reused is not None:
            return reused
        ca = pki.KeyPair(signer.data[DATA_CA_CERT], signer.data[DATA_CA_KEY])
        pair = pki.issue_certificate(config.spec, ca, self._now())
        data = {DATA_CERT: pair.certificate, DATA_KEY: pair.private_key, DATA_CA_CERT: ca.certificate}
        if config.kubeconfig is not None:
            request = config.kubeconfig
            data[DATA_KUBECONFIG] = kubeconfig(
                request.cluster_name,
                request.server,
                self.bundle(request.ca),
                user=config.spec.common_name,
                client_certificate=pair.certificate,
                client_key=pair.private_key,
            ).encode()
        return self._create(config.name, digest, data, certificate=pair.certificate)

    def _generate_static_token(self, config: StaticTokenConfig) -> ManagedSecret:
        digest = checksum(config)
        reused = self._reuse(config.name, digest)
        if reused is not None:
            return reused
        # Users that stay keep their tokens: adding a user must not log every other client out.
        previous: dict[str, str] = {}
        for secret in self._load().family(config.name):
            previous = parse_token_file(_decode(secret).get(DATA_STATIC_TOKENS, b"").decode())
            break
        tokens = {user.name: previous.get(user.name) or new_token() for user in config.users}
        data = {DATA_STATIC_TOKENS: token_file(config.users, tokens).encode()}
        return self._create(config.name, digest, data)

    def _generate_token_kubeconfig(self, config: TokenKubeconfigConfig) -> ManagedSecret:
        tokens = parse_token_file(self.get(config.token).data[DATA_STATIC_TOKENS].decode())
        if config.user not in tokens:
            raise SecretsManagerError(
                f"{config.name}: static token secret {config.token!r} has no user {config.user!r}"
            )
        request = config.kubeconfig
        ca_bundle = self.bundle(request.ca)
        digest = checksum(config, _fingerprint(tokens[config.user].encode()), _fingerprint(ca_bundle))
        reused = self._reuse(config.name, digest)
        if reused is not None:
            return reused
        text = kubeconfig(request.cluster_name, request.server, ca_bundle, user=config.user, token=tokens[config.user])
        data = {DATA_KUBECONFIG: text.encode(), DATA_TOKEN: tokens[config.user].encode()}
        return self._create(config.name, digest, data)

    # -- persistence ------------------------------------------------------------------------------------------------

    def _load(self) -> _Existing:
        if self._existing is None:
            selector = f"{LABEL_MANAGED_BY}={MANAGED_BY},{LABEL_IDENTITY}={self.identity}"
            listed = self.kube.list(SECRETS, self.namespace, label_selector=selector)
            self._existing = _Existing({_name(secret): secret for secret in listed})
        return self._existing

    def _family(self, name: str) -> _Family:
        try:
            return self._families[name]
        except KeyError:
            raise SecretsManagerError(f"{name!r} must be generated (as a CA or key) before it is used") from None

    def _reuse(self, config_name: str, digest: str, *, renewable: bool = False) -> ManagedSecret | None:
        for secret in self._load().family(config_name):
            labels = _labels(secret)
            if labels.get(LABEL_CHECKSUM) != digest:
                continue
            if renewable and self._due(labels):
                log.info(
                    "%s/%s: renewing, less than %d%% validity left",
                    self.namespace,
                    _name(secret),
                    self.renew_when_left * 100,
                )
                return None
            self._used.add(_name(secret))
            return ManagedSecret(_name(secret), config_name, _decode(secret))
        return None

    def _due(self, labels: Mapping[str, str]) -> bool:
        try:
            issued = datetime.fromtimestamp(int(labels[LABEL_ISSUED_AT]), UTC)
            until = datetime.fromtimestamp(int(labels[LABEL_VALID_UNTIL]), UTC)
        except (KeyError, ValueError):
            return True
        return pki.needs_renewal(issued, until, self._now(), self.renew_when_left)

    def _kept_old(self, config_name: str, current: ManagedSecret, rotation: Rotation) -> ManagedSecret | None:
        if not rotation.keeps_old:
            return None
        for secret in self._load().family(config_name):
            if _name(secret) != current.name:
                self._used.add(_name(secret))
                return ManagedSecret(_name(secret), config_name, _decode(secret))
        return None

    def _bundle(self, family: str, key: str, content: bytes) -> ManagedSecret:
        digest = _fingerprint(content)[:32]
        bundle_name = f"{family}-bundle"
        reused = self._reuse(bundle_name, digest)
        if reused is not None:
            return reused
        return self._create(bundle_name, digest, {key: content}, extra_labels={LABEL_BUNDLE_FOR: family})

    def _create(
        self,
        config_name: str,
        digest: str,
        data: Mapping[str, bytes],
        *,
        rotation: Rotation | None = None,
        certificate: bytes | None = None,
        persist: bool = False,
        extra_labels: Mapping[str, str] | None = None,
    ) -> ManagedSecret:
        now = self._now()
        labels = {
            LABEL_MANAGED_BY: MANAGED_BY,
            LABEL_IDENTITY: self.identity,
            LABEL_NAME: config_name,
            LABEL_CHECKSUM: digest,
            **(extra_labels or {}),
        }
        if rotation is not None and rotation.last_initiation_time is not None:
            labels[LABEL_ROTATION] = str(int(rotation.last_initiation_time.timestamp()))
        if certificate is not None:
            not_before, not_after = pki.validity(certificate)
            labels[LABEL_ISSUED_AT] = str(int((not_before + pki.BACKDATE).timestamp()))
            labels[LABEL_VALID_UNTIL] = str(int(not_after.timestamp()))
        else:
            labels[LABEL_ISSUED_AT] = str(int(now.timestamp()))
        if persist:
            labels[LABEL_PERSIST] = "true"
        suffix = hashlib.sha256(f"{digest}/{labels[LABEL_ISSUED_AT]}".encode()).hexdigest()[:8]
        name = f"{config_name}-{suffix}"
        body = {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": name, "namespace": self.namespace, "labels": labels},
            "type": "Opaque",
            "immutable": True,
            "data": {key: base64.b64encode(value).decode() for key, value in data.items()},
        }
        created = self.kube.create(SECRETS, self.namespace, body)
        self._load().secrets[name] = created
        self._used.add(name)
        self.created.append(name)
        log.info("%s/%s: created (%s)", self.namespace, name, config_name)
        return ManagedSecret(name, config_name, dict(data))

    def _now(self) -> datetime:
        return self.clock.now()


def _labels(secret: Object) -> dict[str, str]:
    return dict((secret.get("metadata") or {}).get("labels") or {})


def _name(secret: Object) -> str:
    return str((secret.get("metadata") or {}).get("name") or "")


def _decode(secret: Object) -> dict[str, bytes]:
    data: dict[str, Any] = secret.get("data") or {}
    return {key: base64.b64decode(value) for key, value in data.items()}


def _fingerprint(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


__all__ = ["ManagedSecret", "SecretsManager", "SecretsManagerError"]
