"""Pure X.509 and key generation: values in, PEM out. No I/O, no clock of its own (``now`` is passed in).

Certificates carry subject and authority key identifiers, so a client holding a bundle with an old and a new CA of
the same name (during a CA rotation) picks the right one to verify a chain. Keys are ECDSA P-256 by default (fast to
make, accepted by every Kubernetes component) or RSA, as each configuration asks.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

KeyType = Literal["ecdsa", "rsa"]
#: What a leaf certificate is for: ``server`` (TLS serving), ``client`` (authenticating to a server), or both
#: (etcd members serve and dial each other with one certificate).
Usage = Literal["server", "client", "server-client"]
PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey

#: Certificates are valid from a little before they are made, so a peer whose clock lags a bit accepts them.
BACKDATE = timedelta(minutes=5)
MIN_RSA_BITS = 2048


class PKIError(ValueError):
    """Input the crypto cannot work with (a bad IP, a key that is not a CA's, too short an RSA key)."""


@dataclass(frozen=True, slots=True)
class CertificateSpec:
    """What a certificate says. ``organizations`` become O entries: Kubernetes reads them as the user's groups."""

    common_name: str
    organizations: tuple[str, ...] = ()
    dns_names: tuple[str, ...] = ()
    ip_addresses: tuple[str, ...] = ()
    usage: Usage = "client"
    validity: timedelta = timedelta(days=365)
    key_type: KeyType = "ecdsa"
    rsa_bits: int = 2048


@dataclass(frozen=True, slots=True)
class KeyPair:
    """A certificate and its private key, PEM-encoded."""

    certificate: bytes
    private_key: bytes

    @property
    def cert(self) -> x509.Certificate:
        return x509.load_pem_x509_certificate(self.certificate)

    @property
    def key(self) -> PrivateKey:
        return load_private_key(self.private_key)


def generate_key(key_type: KeyType = "ecdsa", rsa_bits: int = 2048) -> PrivateKey:
    if key_type == "ecdsa":
        return ec.generate_private_key(ec.SECP256R1())
    if rsa_bits < MIN_RSA_BITS:
        raise PKIError(f"RSA keys need at least {MIN_RSA_BITS} bits, got {rsa_bits}")
    return rsa.generate_private_key(public_exponent=65537, key_size=rsa_bits)


def private_key_pem(key: PrivateKey) -> bytes:
    """PKCS#1 for RSA (``BEGIN RSA PRIVATE KEY``, what kube-apiserver's key files traditionally hold), SEC1 for EC."""
    fmt = serialization.PrivateFormat.TraditionalOpenSSL
    return key.private_bytes(serialization.Encoding.PEM, fmt, serialization.NoEncryption())


def public_key_pem(key: PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def load_private_key(pem: bytes) -> PrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
        raise PKIError(f"unsupported private key type {type(key).__name__}")
    return key


def rsa_key_pem(bits: int = 2048) -> bytes:
    """A new RSA private key in PEM (e.g. the service-account signing key)."""
    return private_key_pem(generate_key("rsa", bits))


def _name(common_name: str, organizations: Sequence[str] = ()) -> x509.Name:
    if not common_name:
        raise PKIError("a certificate needs a common name")
    attributes = [x509.NameAttribute(NameOID.ORGANIZATION_NAME, org) for org in organizations]
    return x509.Name([*attributes, x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _subject_alternative_names(dns_names: Iterable[str], ips: Iterable[str]) -> list[x509.GeneralName]:
    names: list[x509.GeneralName] = [x509.DNSName(name) for name in dict.fromkeys(dns_names)]
    for ip in dict.fromkeys(ips):
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(ip)))
        except ValueError as exc:
            raise PKIError(f"{ip!r} is not an IP address") from exc
    return names


def issue_ca(
    common_name: str,
    now: datetime,
    validity: timedelta = timedelta(days=3650),
    key_type: KeyType = "ecdsa",
    rsa_bits: int = 3072,
) -> KeyPair:
    """A self-signed certificate authority."""
    key = generate_key(key_type, rsa_bits)
    name = _name(common_name)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(now + validity)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return KeyPair(cert.public_bytes(serialization.Encoding.PEM), private_key_pem(key))


def issue_certificate(spec: CertificateSpec, ca: KeyPair, now: datetime) -> KeyPair:
    """A leaf certificate for ``spec``, signed by ``ca``; never valid longer than the CA itself."""
    ca_cert, ca_key = ca.cert, ca.key
    constraints = ca_cert.extensions.get_extension_for_class(x509.BasicConstraints).value
    if not constraints.ca:
        raise PKIError(f"{ca_cert.subject.rfc4514_string()} is not a certificate authority")
    key = generate_key(spec.key_type, spec.rsa_bits)
    usages = {
        "server": [ExtendedKeyUsageOID.SERVER_AUTH],
        "client": [ExtendedKeyUsageOID.CLIENT_AUTH],
        "server-client": [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH],
    }[spec.usage]
    not_after = min(now + spec.validity, ca_cert.not_valid_after_utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(spec.common_name, spec.organizations))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                # NB: only RSA keys encipher session keys; an ECDSA certificate claiming it is malformed.
                key_encipherment=spec.key_type == "rsa",
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage(usages), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
    )
    sans = _subject_alternative_names(spec.dns_names, spec.ip_addresses)
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    cert = builder.sign(ca_key, hashes.SHA256())
    return KeyPair(cert.public_bytes(serialization.Encoding.PEM), private_key_pem(key))


def bundle(pems: Iterable[bytes]) -> bytes:
    """PEM blocks concatenated, each ending in a newline, duplicates dropped (order kept: newest first)."""
    blocks = [pem.strip() + b"\n" for pem in pems if pem.strip()]
    return b"".join(dict.fromkeys(blocks))


def validity(certificate: bytes) -> tuple[datetime, datetime]:
    """(not before, not after) of a PEM certificate, timezone-aware."""
    cert = x509.load_pem_x509_certificate(certificate)
    return cert.not_valid_before_utc, cert.not_valid_after_utc


def needs_renewal(issued_at: datetime, valid_until: datetime, now: datetime, left: float = 0.2) -> bool:
    """True once less than ``left`` (a fraction) of the validity remains, as Gardener renews at 80 % used."""
    total = (valid_until - issued_at).total_seconds()
    if total <= 0:
        return True
    return (valid_until - now).total_seconds() < left * total


__all__ = [
    "CertificateSpec",
    "KeyPair",
    "KeyType",
    "PKIError",
    "PrivateKey",
    "Usage",
    "bundle",
    "generate_key",
    "issue_ca",
    "issue_certificate",
    "load_private_key",
    "needs_renewal",
    "private_key_pem",
    "public_key_pem",
    "rsa_key_pem",
    "validity",
]
