"""The manifests that run the admission webhook in a real Kubernetes garden, rendered from ``charts/garden``.

ServiceAccount, ClusterRole and ClusterRoleBinding (read access to what the plugins look up), Deployment, Service,
and the Mutating- and ValidatingWebhookConfiguration that send Gardener's resources to it. The serving certificate
is a ``kubernetes.io/tls`` Secret made beforehand (cert-manager or by hand); its CA goes into ``ca_bundle``.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import yaml

CHART_DIR = Path(__file__).resolve().parents[2] / "charts" / "garden"
NAME = "garden-admission-webhook"
PORT = 9443
TLS_DIR = "/etc/garden-admission-webhook/tls"


@dataclass(frozen=True, slots=True)
class WebhookChartValues:
    #: The image with the ``garden`` command.
    image: str
    #: The CA that signed the serving certificate: PEM, base64-encoded (what ``caBundle`` holds).
    ca_bundle: str
    namespace: str = "garden"
    #: A ``kubernetes.io/tls`` Secret in ``namespace`` with ``tls.crt`` and ``tls.key``.
    tls_secret_name: str = f"{NAME}-tls"
    replicas: int = 2

    def __post_init__(self) -> None:
        if not self.image:
            raise ValueError("image is required")
        if not self.namespace:
            raise ValueError("namespace is required")
        if not self.tls_secret_name:
            raise ValueError("tls_secret_name is required")
        if self.replicas < 1:
            raise ValueError(f"replicas must be at least 1, not {self.replicas}")
        try:
            pem = base64.b64decode(self.ca_bundle, validate=True)
        except binascii.Error as exc:
            raise ValueError(f"ca_bundle must be base64-encoded PEM: {exc}") from exc
        if b"-----BEGIN CERTIFICATE-----" not in pem:
            raise ValueError("ca_bundle must be base64-encoded PEM certificates")


def render_webhook_chart(values: WebhookChartValues, chart_dir: Path = CHART_DIR) -> list[dict[str, Any]]:
    """Every manifest, in the order to apply them (templates by file name, documents as written)."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(chart_dir),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # YAML, not HTML: values are quoted with `tojson`
        keep_trailing_newline=True,
    )
    context = {
        "name": NAME,
        "cluster_role": f"gardener.cloud:{NAME}",
        "namespace": values.namespace,
        "image": values.image,
        "ca_bundle": values.ca_bundle,
        "tls_secret_name": values.tls_secret_name,
        "tls_dir": TLS_DIR,
        "replicas": int(values.replicas),
        "port": PORT,
    }
    documents: list[dict[str, Any]] = []
    for template in sorted(environment.list_templates(filter_func=lambda name: name.endswith(".yaml.j2"))):
        rendered = environment.get_template(template).render(context)
        for document in yaml.safe_load_all(rendered):
            if document is None:
                continue
            if not isinstance(document, dict):
                raise ValueError(f"{template}: a document is not a mapping: {document!r}")
            documents.append(document)
    return documents


__all__ = ["CHART_DIR", "WebhookChartValues", "render_webhook_chart"]
