"""Service account keys for the fake: real RSA keys in Google's JSON key format, so google-auth signs real JWTs.

The key's ``token_uri`` points at the fake's ``/token`` endpoint, so even a credentials flow that exchanges the JWT
for an access token never leaves loopback.
"""

from __future__ import annotations

import json
from functools import cache

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


@cache
def _private_key_pem() -> str:
    # One key per test process: generating RSA keys is slow and the fake does not check signatures.
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def service_account_key(endpoint: str, project: str, account: str = "garden") -> dict[str, str]:
    email = f"{account}@{project}.iam.gserviceaccount.com"
    return {
        "type": "service_account",
        "project_id": project,
        "private_key_id": f"{account}-key",
        "private_key": _private_key_pem(),
        "client_email": email,
        "client_id": "1",
        "auth_uri": f"{endpoint}/auth",
        "token_uri": f"{endpoint}/token",
    }


def credentials(endpoint: str, project: str, account: str = "garden") -> dict[str, str]:
    """A cloud provider secret's data for the fake: Gardener's ``serviceaccount.json`` plus ``endpointURL``."""
    return {
        "serviceaccount.json": json.dumps(service_account_key(endpoint, project, account)),
        "endpointURL": endpoint,
    }
