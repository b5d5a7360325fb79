"""A plain HTTP client for the raw API (requests), and the checks on kind: Status error bodies."""

from __future__ import annotations

import json
from typing import Any

import requests

from tests.integration.server import RunningServer


class Client:
    def __init__(self, server: RunningServer) -> None:
        self.server = server
        self.session = requests.Session()
        self.session.trust_env = False  # REQUESTS_CA_BUNDLE would replace our CA
        self.session.verify = str(server.ca_file)
        self.session.headers["Authorization"] = f"Bearer {server.token}"

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        raw: bytes | None = None,
        content_type: str = "application/json",
        **params: str,
    ) -> requests.Response:
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        return self.session.request(
            method, self.server.url + path, data=data, params=params, headers={"Content-Type": content_type}, timeout=30
        )

    def namespace(self, name: str) -> None:
        """Create a namespace (once: an existing one is fine)."""
        response = self.request(
            "POST", "/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}
        )
        assert response.status_code in (201, 409), response.text

    def names(self, path: str) -> list[str]:
        response = self.request("GET", path)
        assert response.status_code == 200, response.text
        return sorted(item["metadata"]["name"] for item in response.json()["items"])


def status_of(response: requests.Response, code: int, reason: str) -> dict[str, Any]:
    assert response.status_code == code, response.text
    body = response.json()
    assert body["kind"] == "Status" and body["apiVersion"] == "v1" and body["status"] == "Failure"
    assert body["code"] == code and body["reason"] == reason, body
    return body  # type: ignore[no-any-return]
