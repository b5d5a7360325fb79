"""``--encryption-provider-config``: an EncryptionConfiguration (``apiserver.config.k8s.io/v1``)::

    apiVersion: apiserver.config.k8s.io/v1
    kind: EncryptionConfiguration
    resources:
      - resources: [secrets, configmaps]       # also "deployments.apps", "*.apps", "*.*" (everything)
        providers:
          - aescbc: {keys: [{name: key2, secret: <base64 of 32 bytes>}, {name: key1, secret: ...}]}
          - identity: {}

For each resource the first matching entry applies. Its first provider's first key encrypts every write; every key
of every provider listed decrypts (that is key rotation: put the new key first, rewrite everything, then drop the old
key). Values without the ``k8s:enc:`` prefix are read only when ``identity`` is listed. A malformed file, an unknown
provider, a key of the wrong size or a duplicate key name is an error at start-up that names it.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kubelite.apiserver.encryption.providers import (
    AESCBC,
    PREFIX,
    AESGCMProvider,
    DecryptError,
    Identity,
    SecretBox,
    Transformer,
)


class ConfigError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class ResourceEncryption:
    """The providers of one resources entry: ``write`` encrypts, ``read`` holds every transformer by prefix."""

    write: Transformer
    read: tuple[Transformer, ...]
    identity_readable: bool

    def encrypt(self, data: bytes, key: str) -> bytes:
        return self.write.encrypt(data, key)

    def decrypt(self, data: bytes, key: str) -> tuple[bytes, bool]:
        """The plaintext and whether it is stale (not written with the current write key)."""
        if not data.startswith(PREFIX):
            if not self.identity_readable:
                raise DecryptError("the stored value is not encrypted and the identity provider is not configured")
            return data, not isinstance(self.write, Identity)
        for transformer in self.read:
            if transformer.prefix and data.startswith(transformer.prefix):
                return transformer.decrypt(data, key), transformer is not self.write
        raise DecryptError("no configured key matches the stored value's prefix")


@dataclass(frozen=True, slots=True)
class EncryptionConfig:
    #: (patterns, encryption) in file order; a pattern is (group, resource) with "*" wildcards.
    entries: tuple[tuple[tuple[tuple[str, str], ...], ResourceEncryption], ...]

    def for_resource(self, group: str, resource: str) -> ResourceEncryption | None:
        for patterns, encryption in self.entries:
            for g, r in patterns:
                if (g in ("*", group)) and (r in ("*", resource)):
                    return encryption
        return None


def _pattern(text: str, where: str) -> tuple[str, str]:
    if not text:
        raise ConfigError(f"{where}: empty resource name")
    resource, dot, group = text.partition(".")
    if resource == "*" and not dot:
        raise ConfigError(f'{where}: use "*.*" for every resource or "*.<group>" for a group, not "*"')
    return (group if dot else "", resource)


def _keys(raw: Any, provider: str, sizes: tuple[int, ...], where: str) -> list[tuple[str, bytes]]:
    keys = (raw or {}).get("keys") if isinstance(raw, dict) else None
    if not isinstance(keys, list) or not keys:
        raise ConfigError(f"{where}.{provider}.keys: at least one key is required")
    found = []
    for index, key in enumerate(keys):
        at = f"{where}.{provider}.keys[{index}]"
        if not isinstance(key, dict) or not isinstance(key.get("name"), str) or not key["name"]:
            raise ConfigError(f"{at}.name: required")
        try:
            secret = base64.b64decode(str(key.get("secret", "")), validate=True)
        except binascii.Error:
            raise ConfigError(f"{at}.secret: not valid base64") from None
        if len(secret) not in sizes:
            raise ConfigError(
                f"{at}.secret: {provider} needs a key of {' or '.join(str(s) for s in sizes)} bytes, got {len(secret)}"
            )
        found.append((key["name"], secret))
    return found


def _providers(raw: Any, where: str) -> ResourceEncryption:
    if not isinstance(raw, list) or not raw:
        raise ConfigError(f"{where}.providers: at least one provider is required")
    transformers: list[Transformer] = []
    identity = False
    names: set[str] = set()
    for index, entry in enumerate(raw):
        at = f"{where}.providers[{index}]"
        if not isinstance(entry, dict) or len(entry) != 1:
            raise ConfigError(f"{at}: exactly one provider per entry")
        ((provider, settings),) = entry.items()
        if provider == "identity":
            identity = True
            transformers.append(Identity())
            continue
        if provider in {"aescbc", "aesgcm"}:
            keys = _keys(settings, provider, (16, 24, 32), at)
        elif provider == "secretbox":
            keys = _keys(settings, provider, (32,), at)
        elif provider == "kms":
            raise ConfigError(f"{at}: the kms provider is not supported by kubelite")
        else:
            raise ConfigError(f"{at}: unknown provider {provider!r}; supported: aescbc, aesgcm, secretbox, identity")
        for name, secret in keys:
            if f"{provider}:{name}" in names:
                raise ConfigError(f"{at}: duplicate {provider} key name {name!r}")
            names.add(f"{provider}:{name}")
            prefix = f"k8s:enc:{provider}:v1:{name}:".encode()
            if provider == "aescbc":
                transformers.append(AESCBC(prefix, secret))
            elif provider == "aesgcm":
                transformers.append(AESGCMProvider(prefix, secret))
            else:
                try:
                    transformers.append(SecretBox.new(prefix, secret))
                except ValueError as exc:
                    raise ConfigError(f"{at}: {exc}") from None
    return ResourceEncryption(transformers[0], tuple(transformers), identity)


def parse_config(document: Any, source: str = "encryption config") -> EncryptionConfig:
    if not isinstance(document, dict):
        raise ConfigError(f"{source}: not a YAML object")
    if document.get("kind") != "EncryptionConfiguration" or document.get("apiVersion") != "apiserver.config.k8s.io/v1":
        raise ConfigError(f"{source}: want apiVersion apiserver.config.k8s.io/v1, kind EncryptionConfiguration")
    entries = []
    for index, raw in enumerate(document.get("resources") or []):
        where = f"{source}: resources[{index}]"
        if not isinstance(raw, dict):
            raise ConfigError(f"{where}: must be an object")
        names = raw.get("resources")
        if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
            raise ConfigError(f"{where}.resources: a non-empty list of resource names is required")
        entries.append((tuple(_pattern(n, where) for n in names), _providers(raw.get("providers"), where)))
    if not entries:
        raise ConfigError(f"{source}: resources: at least one entry is required")
    return EncryptionConfig(tuple(entries))


def load_config(path: Path) -> EncryptionConfig:
    try:
        document = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: {exc}") from None
    return parse_config(document, str(path))
