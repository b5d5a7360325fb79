"""boto3 clients for one account and region, built from a Gardener cloud provider secret.

The secret carries Gardener's keys, ``accessKeyID`` and ``secretAccessKey``. One more, optional key, ``endpointURL``,
sends every call to another endpoint (moto's server in the tests, a LocalStack, a VPC endpoint proxy); it is not
part of Gardener's secret and real landscapes leave it out.

botocore's own retries are switched off (one attempt per call): retrying is done by :mod:`providers.aws.calls` around
whole find-then-create steps, because retrying a bare ``CreateVpc`` whose answer was lost would make a second VPC.
EC2 calls wait for a token of the :class:`~providers.aws.ratelimit.RequestLimiter` first, when one is given.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cached_property
from typing import Any

import boto3
from botocore.config import Config

from garden.api.common import ErrorCode
from providers.aws.ratelimit import RequestLimiter
from providers.interface import ProviderError

ACCESS_KEY_ID = "accessKeyID"
SECRET_ACCESS_KEY = "secretAccessKey"
#: Optional, not Gardener's: an endpoint every service is called at instead of AWS (tests run moto's server there).
ENDPOINT_URL = "endpointURL"

#: Builds the boto3 session for a secret and a region. Tests pass one whose event system carries their fault hooks.
SessionFactory = Callable[[Mapping[str, str], str], boto3.session.Session]


def default_session(credentials: Mapping[str, str], region: str) -> boto3.session.Session:
    missing = [key for key in (ACCESS_KEY_ID, SECRET_ACCESS_KEY) if not credentials.get(key)]
    if missing:
        raise ProviderError(f"the cloud provider secret lacks {', '.join(missing)}", ErrorCode.CONFIGURATION_PROBLEM)
    return boto3.session.Session(
        aws_access_key_id=credentials[ACCESS_KEY_ID],
        aws_secret_access_key=credentials[SECRET_ACCESS_KEY],
        region_name=region,
    )


class AWSClients:
    """The EC2, IAM, Route 53 and S3 clients of one account and region, made on first use."""

    def __init__(
        self,
        credentials: Mapping[str, str],
        region: str,
        *,
        session_factory: SessionFactory = default_session,
        limiter: RequestLimiter | None = None,
        read_timeout: float = 60.0,
    ) -> None:
        self.region = region
        self.session = session_factory(credentials, region)
        self.endpoint_url = credentials.get(ENDPOINT_URL) or None
        self.limiter = limiter
        self._config = Config(
            retries={"mode": "standard", "max_attempts": 1},
            connect_timeout=10,
            read_timeout=read_timeout,
            user_agent_extra="garden-provider-aws",
            # Bucket names in the host only work with AWS's DNS; an endpoint override (moto) needs them in the path.
            s3={"addressing_style": "path" if self.endpoint_url else "auto"},
        )

    def _client(self, service: str) -> Any:
        return self.session.client(
            service, region_name=self.region, endpoint_url=self.endpoint_url, config=self._config
        )

    @cached_property
    def ec2(self) -> Any:
        client = self._client("ec2")
        if self.limiter is not None:
            limiter = self.limiter

            def pace(model: Any, **_: Any) -> None:
                limiter.wait(model.name)

            client.meta.events.register("before-call.ec2", pace)
        return client

    @cached_property
    def iam(self) -> Any:
        return self._client("iam")

    @cached_property
    def route53(self) -> Any:
        return self._client("route53")

    @cached_property
    def s3(self) -> Any:
        return self._client("s3")


__all__ = ["ACCESS_KEY_ID", "ENDPOINT_URL", "SECRET_ACCESS_KEY", "AWSClients", "SessionFactory", "default_session"]
