"""What the secrets manager can make, as frozen values; each one's checksum decides when it is made again.

A configuration names its Secret family (``name``, e.g. ``kube-apiserver``) and says everything that goes into
the content. The manager adds what else the content depends on (the signing CA, the CA bundle a kubeconfig
trusts, the rotation generation) to the checksum, so a Secret is regenerated exactly when its inputs changed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from typing import Any

from gardenlet.secrets.pki import CertificateSpec, KeyType
from gardenlet.secrets.rotation import RotationKind
from gardenlet.secrets.tokens import TokenUser

TEN_YEARS = timedelta(days=3650)


@dataclass(frozen=True, slots=True)
class CAConfig:
    """A certificate authority; renewed only by rotation (clients must be handed the new one first)."""

    name: str
    common_name: str
    validity: timedelta = TEN_YEARS
    key_type: KeyType = "ecdsa"
    rotation: RotationKind = RotationKind.CERTIFICATE_AUTHORITIES


@dataclass(frozen=True, slots=True)
class KubeconfigRequest:
    """Also put a kubeconfig into the Secret: for ``server``, trusting the bundle of CA ``ca``."""

    cluster_name: str
    server: str
    ca: str = "ca"


@dataclass(frozen=True, slots=True)
class CertificateConfig:
    """A certificate signed by CA ``ca`` (a :class:`CAConfig` name), renewed when little validity is left."""

    name: str
    ca: str
    spec: CertificateSpec
    kubeconfig: KubeconfigRequest | None = None


@dataclass(frozen=True, slots=True)
class RSAKeyConfig:
    """An RSA private key (e.g. the service-account signing key); with a rotation kind, old keys stay in the
    public-key bundle while that rotation is preparing."""

    name: str
    bits: int = 2048
    rotation: RotationKind | None = None

    def __post_init__(self) -> None:
        if self.bits < 2048:
            raise ValueError(f"{self.name}: RSA keys need at least 2048 bits, got {self.bits}")


@dataclass(frozen=True, slots=True)
class StaticTokenConfig:
    """A ``--token-auth-file`` with a random token per user; tokens of users that stay are kept."""

    name: str
    users: tuple[TokenUser, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        names = [user.name for user in self.users]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.name}: duplicate token users")


@dataclass(frozen=True, slots=True)
class TokenKubeconfigConfig:
    """A kubeconfig authenticating with user ``user``'s token from the static token Secret ``token``."""

    name: str
    token: str
    user: str
    kubeconfig: KubeconfigRequest


SecretConfig = CAConfig | CertificateConfig | RSAKeyConfig | StaticTokenConfig | TokenKubeconfigConfig


def _plain(value: Any) -> Any:
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def checksum(config: SecretConfig, *extra: str) -> str:
    """A stable digest of ``config`` and ``extra`` inputs; 32 hex digits, so it fits a label value."""
    document = {"kind": type(config).__name__, "config": _plain(asdict(config)), "extra": list(extra)}
    encoded = json.dumps(document, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(encoded).hexdigest()[:32]


__all__ = [
    "CAConfig",
    "CertificateConfig",
    "KubeconfigRequest",
    "RSAKeyConfig",
    "SecretConfig",
    "StaticTokenConfig",
    "TokenKubeconfigConfig",
    "checksum",
]
