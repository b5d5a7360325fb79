"""Service-account JWTs: signing with RSA and EC keys, verification, and the checks that make a token valid."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from kubelite.apiserver.auth.jwt import KeyFileError, Signer, TokenError, load_public_keys, verify
from kubelite.apiserver.auth.serviceaccounts import ServiceAccountAuthenticator, TokenIssuer
from kubelite.apiserver.objects import Object

ISSUER = "https://issuer.test"
ACCOUNT = {"metadata": {"name": "robot", "namespace": "apps", "uid": "u-1"}}
POD = {"kind": "Pod", "metadata": {"name": "web", "namespace": "apps", "uid": "p-1"}}


@pytest.mark.parametrize("key", [ec.generate_private_key(ec.SECP256R1()), rsa.generate_private_key(65537, 2048)])
def test_tokens_verify_only_with_their_key(key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey) -> None:
    token = Signer(key).sign({"sub": "x"})
    assert verify(token, [key.public_key()]) == {"sub": "x"}
    with pytest.raises(TokenError):
        verify(token, [ec.generate_private_key(ec.SECP256R1()).public_key()])
    with pytest.raises(TokenError):
        verify(token.rsplit(".", 1)[0] + ".AAAA", [key.public_key()])


def test_key_files_yield_public_keys(tmp_path: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    path = tmp_path / "keys.pem"
    path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        + key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    assert len(load_public_keys(path)) == 2
    (tmp_path / "empty.pem").write_text("nothing here")
    with pytest.raises(KeyFileError, match="no RSA or EC public key"):
        load_public_keys(tmp_path / "empty.pem")


def _authenticator(
    key: ec.EllipticCurvePrivateKey, objects: dict[tuple[str, str], Object]
) -> ServiceAccountAuthenticator:
    async def read(kind: str, namespace: str, name: str) -> Object | None:
        return objects.get((kind, name))

    return ServiceAccountAuthenticator([key.public_key()], [ISSUER], ["api"], read)


def test_a_bound_token_names_the_pod_and_dies_with_it() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    issuer = TokenIssuer(Signer(key), ISSUER, ["api"])
    objects: dict[tuple[str, str], Object] = {("serviceaccount", "robot"): ACCOUNT, ("pod", "web"): POD}
    authenticator = _authenticator(key, objects)
    token = issuer.issue(ACCOUNT, ["api"], 600, POD).token
    user = asyncio.run(authenticator.authenticate(token))
    assert user is not None
    assert user.name == "system:serviceaccount:apps:robot"
    assert user.uid == "u-1"
    assert user.extra["authentication.kubernetes.io/pod-name"] == ("web",)
    objects[("pod", "web")] = {"metadata": {"name": "web", "uid": "p-2"}}  # deleted and recreated
    assert asyncio.run(authenticator.authenticate(token)) is None


def test_expiry_audience_and_issuer_are_checked() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    authenticator = _authenticator(key, {("serviceaccount", "robot"): ACCOUNT})
    issuer = TokenIssuer(Signer(key), ISSUER, ["api"])
    assert asyncio.run(authenticator.authenticate(issuer.issue(ACCOUNT, ["api"], 600).token)) is not None
    expired = issuer.issue(ACCOUNT, ["api"], 600, now=time.time() - 3600).token
    assert asyncio.run(authenticator.authenticate(expired)) is None
    assert asyncio.run(authenticator.authenticate(issuer.issue(ACCOUNT, ["vault"], 600).token)) is None
    assert asyncio.run(authenticator.authenticate(issuer.issue(ACCOUNT, ["vault"], 600).token, ["vault"])) is not None
    foreign = TokenIssuer(Signer(key), "https://other", ["api"]).issue(ACCOUNT, ["api"], 600).token
    assert not authenticator.ours(foreign)
    assert asyncio.run(authenticator.authenticate(foreign)) is None
