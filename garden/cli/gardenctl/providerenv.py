"""Cloud credentials of a shoot's binding as the environment variables each cloud's CLI reads.

The Secret keys are Gardener's (the provider extensions read the same ones): AWS ``accessKeyID`` and
``secretAccessKey`` (plus ``endpointURL``, which our AWS provider honours for simulated clouds); GCP
``serviceaccount.json``; Azure ``clientID``, ``clientSecret``, ``tenantID``, ``subscriptionID``; OpenStack
``username``, ``password``, ``tenantName``, ``domainName`` (and ``authURL`` where the secret has it).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping

from garden.cli.gardenctl.errors import GardenctlError

Variables = dict[str, str]


def _need(credentials: Mapping[str, str], provider: str, *keys: str) -> list[str]:
    missing = [k for k in keys if not credentials.get(k)]
    if missing:
        raise GardenctlError(f"the {provider} credentials lack {', '.join(missing)}")
    return [credentials[k] for k in keys]


def _aws(credentials: Mapping[str, str], region: str) -> Variables:
    key_id, secret = _need(credentials, "aws", "accessKeyID", "secretAccessKey")
    out = {"AWS_ACCESS_KEY_ID": key_id, "AWS_SECRET_ACCESS_KEY": secret, "AWS_DEFAULT_REGION": region}
    if endpoint := credentials.get("endpointURL"):
        out["AWS_ENDPOINT_URL"] = endpoint
    return out


def _gcp(credentials: Mapping[str, str], region: str) -> Variables:
    (document,) = _need(credentials, "gcp", "serviceaccount.json")
    try:
        account = json.loads(document)
    except ValueError as exc:
        raise GardenctlError(f"the gcp credentials' serviceaccount.json is not JSON: {exc}") from None
    if not isinstance(account, dict):
        raise GardenctlError("the gcp credentials' serviceaccount.json is not a service account key")
    return {
        "GOOGLE_CREDENTIALS": document,
        "GOOGLE_CREDENTIALS_ACCOUNT": str(account.get("client_email") or ""),
        "CLOUDSDK_CORE_PROJECT": str(account.get("project_id") or ""),
        "CLOUDSDK_COMPUTE_REGION": region,
    }


def _azure(credentials: Mapping[str, str], region: str) -> Variables:
    client_id, secret, tenant, subscription = _need(
        credentials, "azure", "clientID", "clientSecret", "tenantID", "subscriptionID"
    )
    return {
        "AZURE_CLIENT_ID": client_id,
        "AZURE_CLIENT_SECRET": secret,
        "AZURE_TENANT_ID": tenant,
        "AZURE_SUBSCRIPTION_ID": subscription,
        "AZURE_DEFAULTS_LOCATION": region,
    }


def _openstack(credentials: Mapping[str, str], region: str) -> Variables:
    user, password, tenant, domain = _need(credentials, "openstack", "username", "password", "tenantName", "domainName")
    out = {
        "OS_USERNAME": user,
        "OS_PASSWORD": password,
        "OS_PROJECT_NAME": tenant,
        "OS_USER_DOMAIN_NAME": domain,
        "OS_PROJECT_DOMAIN_NAME": domain,
        "OS_REGION_NAME": region,
    }
    if auth_url := credentials.get("authURL"):
        out["OS_AUTH_URL"] = auth_url
    return out


_PROVIDERS: dict[str, tuple[Callable[[Mapping[str, str], str], Variables], tuple[str, ...]]] = {
    "aws": (_aws, ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL")),
    "gcp": (
        _gcp,
        ("GOOGLE_CREDENTIALS", "GOOGLE_CREDENTIALS_ACCOUNT", "CLOUDSDK_CORE_PROJECT", "CLOUDSDK_COMPUTE_REGION"),
    ),
    "azure": (
        _azure,
        (
            "AZURE_CLIENT_ID",
            "AZURE_CLIENT_SECRET",
            "AZURE_TENANT_ID",
            "AZURE_SUBSCRIPTION_ID",
            "AZURE_DEFAULTS_LOCATION",
        ),
    ),
    "openstack": (
        _openstack,
        (
            "OS_USERNAME",
            "OS_PASSWORD",
            "OS_PROJECT_NAME",
            "OS_USER_DOMAIN_NAME",
            "OS_PROJECT_DOMAIN_NAME",
            "OS_REGION_NAME",
            "OS_AUTH_URL",
        ),
    ),
}


def _provider(provider_type: str) -> tuple[Callable[[Mapping[str, str], str], Variables], tuple[str, ...]]:
    try:
        return _PROVIDERS[provider_type]
    except KeyError:
        supported = ", ".join(sorted(_PROVIDERS))
        raise GardenctlError(
            f'provider-env knows no cloud credentials for provider type "{provider_type}" (supported: {supported})'
        ) from None


def provider_variables(provider_type: str, credentials: Mapping[str, str], region: str) -> Variables:
    """The variables to export for the shoot's provider."""
    return _provider(provider_type)[0](credentials, region)


def provider_variable_names(provider_type: str) -> tuple[str, ...]:
    """Every variable ``provider-env`` may set for the provider (what ``-u`` unsets)."""
    return _provider(provider_type)[1]


__all__ = ["provider_variable_names", "provider_variables"]
