"""The value transformers of an EncryptionConfiguration: ``aescbc``, ``aesgcm``, ``secretbox`` and ``identity``.

Every encrypted value starts with ``k8s:enc:<provider>:v1:<key name>:``, as kube-apiserver writes it, so data
written by one is readable by the other given the same keys:

* ``aescbc``: a random 16-byte IV, then AES-CBC with PKCS#7 padding;
* ``aesgcm``: a random 12-byte nonce, then AES-GCM (ciphertext and tag), authenticated with the storage key so a
  value cannot be moved to another key;
* ``secretbox``: a random 24-byte nonce, then NaCl secretbox (XSalsa20-Poly1305); needs PyNaCl installed;
* ``identity``: the value unchanged, without a prefix.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from typing import Any, Protocol

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = b"k8s:enc:"


class DecryptError(ValueError):
    """A value no configured key decrypts (wrong key, corrupted, or encrypted with a key since removed)."""


class Transformer(Protocol):
    @property
    def prefix(self) -> bytes: ...

    def encrypt(self, data: bytes, key: str) -> bytes: ...

    def decrypt(self, data: bytes, key: str) -> bytes: ...


@dataclass(frozen=True, slots=True)
class Identity:
    prefix: bytes = b""

    def encrypt(self, data: bytes, key: str) -> bytes:
        return data

    def decrypt(self, data: bytes, key: str) -> bytes:
        return data


@dataclass(frozen=True, slots=True)
class AESCBC:
    prefix: bytes
    secret: bytes

    def encrypt(self, data: bytes, key: str) -> bytes:
        iv = os.urandom(16)
        padder = padding.PKCS7(128).padder()
        padded = padder.update(data) + padder.finalize()
        encryptor = Cipher(algorithms.AES(self.secret), modes.CBC(iv)).encryptor()
        return self.prefix + iv + encryptor.update(padded) + encryptor.finalize()

    def decrypt(self, data: bytes, key: str) -> bytes:
        body = data[len(self.prefix) :]
        if len(body) < 32 or len(body) % 16:
            raise DecryptError("aescbc: the stored value is not a whole number of blocks")
        decryptor = Cipher(algorithms.AES(self.secret), modes.CBC(body[:16])).decryptor()
        padded = decryptor.update(body[16:]) + decryptor.finalize()
        try:
            unpadder = padding.PKCS7(128).unpadder()
            return unpadder.update(padded) + unpadder.finalize()
        except ValueError:
            raise DecryptError("aescbc: bad padding (wrong key?)") from None


@dataclass(frozen=True, slots=True)
class AESGCMProvider:
    prefix: bytes
    secret: bytes

    def encrypt(self, data: bytes, key: str) -> bytes:
        nonce = os.urandom(12)
        return self.prefix + nonce + AESGCM(self.secret).encrypt(nonce, data, key.encode())

    def decrypt(self, data: bytes, key: str) -> bytes:
        body = data[len(self.prefix) :]
        try:
            return AESGCM(self.secret).decrypt(body[:12], body[12:], key.encode())
        except Exception:
            raise DecryptError("aesgcm: authentication failed (wrong key, or the value was moved)") from None


@dataclass(frozen=True, slots=True)
class SecretBox:
    prefix: bytes
    box: Any

    @classmethod
    def new(cls, prefix: bytes, secret: bytes) -> SecretBox:
        try:
            nacl_secret = importlib.import_module("nacl.secret")
        except ImportError:
            raise ValueError("the secretbox provider needs PyNaCl (pip install pynacl)") from None
        return cls(prefix, nacl_secret.SecretBox(secret))

    def encrypt(self, data: bytes, key: str) -> bytes:
        nonce = os.urandom(24)
        return self.prefix + bytes(self.box.encrypt(data, nonce))

    def decrypt(self, data: bytes, key: str) -> bytes:
        try:
            return bytes(self.box.decrypt(data[len(self.prefix) :]))
        except Exception:
            raise DecryptError("secretbox: authentication failed (wrong key?)") from None
