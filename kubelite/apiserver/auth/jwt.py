"""Compact JWS (JSON Web Tokens) signed with RS256 or ES256, as service-account tokens are; nothing else of JOSE.

Keys are PEM files as kube-apiserver takes them: ``--service-account-signing-key-file`` holds one private key (RSA,
or EC P-256), ``--service-account-key-file`` any number of public keys, certificates or private keys whose public
halves verify. A token names its key by ``kid``, the unpadded base64url SHA-256 of the key's DER
SubjectPublicKeyInfo (upstream's choice), so verification tries the matching key first.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

PublicKey = rsa.RSAPublicKey | ec.EllipticCurvePublicKey
PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
_PEM_BLOCK = re.compile(rb"-----BEGIN ([A-Z ]+)-----.+?-----END \1-----", re.DOTALL)


class KeyFileError(ValueError):
    """A key file that holds no usable key."""


class TokenError(ValueError):
    """A token that is not a well-formed JWS, or whose signature no key verifies."""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError) as exc:
        raise TokenError(f"bad base64url: {exc}") from None


def key_id(key: PublicKey) -> str:
    der = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return b64url(hashlib.sha256(der).digest())


def algorithm(key: PublicKey | PrivateKey) -> str:
    if isinstance(key, rsa.RSAPublicKey | rsa.RSAPrivateKey):
        return "RS256"
    if key.curve.name != "secp256r1":
        raise KeyFileError(f"EC keys must be P-256 (ES256), not {key.curve.name}")
    return "ES256"


def load_private_key(path: Path) -> PrivateKey:
    data = path.read_bytes()
    try:
        key = serialization.load_pem_private_key(data, None)
    except (ValueError, TypeError) as exc:
        raise KeyFileError(f"{path}: not a PEM private key: {exc}") from None
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise KeyFileError(f"{path}: only RSA and EC (P-256) keys sign service-account tokens")
    algorithm(key)
    return key


def load_public_keys(path: Path) -> list[PublicKey]:
    """Every public key a PEM file yields: public keys, certificates' keys and private keys' public halves."""
    keys: list[PublicKey] = []
    for block in _PEM_BLOCK.finditer(path.read_bytes()):
        kind, pem = block.group(1), block.group(0)
        public: object
        try:
            if kind == b"CERTIFICATE":
                public = x509.load_pem_x509_certificate(pem).public_key()
            elif kind.endswith(b"PRIVATE KEY"):
                public = serialization.load_pem_private_key(pem, None).public_key()
            elif kind.endswith(b"PUBLIC KEY"):
                public = serialization.load_pem_public_key(pem)
            else:
                continue
        except (ValueError, TypeError) as exc:
            raise KeyFileError(f"{path}: unreadable {kind.decode().lower()}: {exc}") from None
        if isinstance(public, rsa.RSAPublicKey | ec.EllipticCurvePublicKey):
            keys.append(public)
    if not keys:
        raise KeyFileError(f"{path}: no RSA or EC public key found")
    return keys


def generate_key(path: Path) -> PrivateKey:
    """A new P-256 key written to ``path`` (0600), or the one already there."""
    if path.exists():
        return load_private_key(path)
    key = ec.generate_private_key(ec.SECP256R1())
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    path.touch(0o600)
    path.write_bytes(pem)
    return key


@dataclass(frozen=True, slots=True)
class Signer:
    key: PrivateKey

    def sign(self, claims: dict[str, Any]) -> str:
        public = self.key.public_key()
        header = {"alg": algorithm(self.key), "kid": key_id(public)}
        signing_input = f"{b64url(_json(header))}.{b64url(_json(claims))}".encode()
        if isinstance(self.key, rsa.RSAPrivateKey):
            signature = self.key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
        else:
            r, s = decode_dss_signature(self.key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
            signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
        return f"{signing_input.decode()}.{b64url(signature)}"


def _json(value: dict[str, Any]) -> bytes:
    return json.dumps(value, separators=(",", ":"), sort_keys=True).encode()


def looks_like_jwt(token: str) -> bool:
    return token.count(".") == 2


def unverified_claims(token: str) -> dict[str, Any]:
    """The payload of a token without checking anything (to see whose issuer it names)."""
    parts = token.split(".")
    if len(parts) != 3:
        raise TokenError("not a JWS compact serialization")
    try:
        claims = json.loads(unb64url(parts[1]))
    except ValueError as exc:
        raise TokenError(f"bad payload: {exc}") from None
    if not isinstance(claims, dict):
        raise TokenError("the payload is not a JSON object")
    return claims


def verify(token: str, keys: Iterable[PublicKey]) -> dict[str, Any]:
    """The claims of a token one of ``keys`` signed; raises TokenError otherwise."""
    parts = token.split(".")
    if len(parts) != 3:
        raise TokenError("not a JWS compact serialization")
    try:
        header = json.loads(unb64url(parts[0]))
    except ValueError as exc:
        raise TokenError(f"bad header: {exc}") from None
    if not isinstance(header, dict) or header.get("alg") not in ("RS256", "ES256"):
        raise TokenError("unsupported signing algorithm")
    signing_input = f"{parts[0]}.{parts[1]}".encode()
    signature = unb64url(parts[2])
    candidates = sorted(keys, key=lambda k: key_id(k) != header.get("kid"))
    for key in candidates:
        if algorithm(key) != header["alg"]:
            continue
        try:
            if isinstance(key, rsa.RSAPublicKey):
                key.verify(signature, signing_input, padding.PKCS1v15(), hashes.SHA256())
            else:
                if len(signature) != 64:
                    continue
                der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
                key.verify(der, signing_input, ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            continue
        return unverified_claims(token)
    raise TokenError("invalid signature")
