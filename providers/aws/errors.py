"""AWS's answers, classified: which failures a retry can cure and which Gardener error code each one carries.

AWS names its errors by code (``RequestLimitExceeded``, ``DependencyViolation``, ``InvalidVpcID.NotFound``...), the
same across the EC2 query protocol, IAM, Route 53 and S3. The classification here is by code first and HTTP status
second, so an answer we have never seen still lands somewhere sensible: a 5xx is transient, a 4xx is the caller's.
"""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotoConnectionError

from garden.api.common import ErrorCode
from providers.interface import ProviderError

#: Throttling: the account's request-rate bucket for the call is empty. Back off and try again.
THROTTLING = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestLimitExceeded",
        "RequestThrottled",
        "RequestThrottledException",
        "TooManyRequestsException",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
        "BandwidthLimitExceeded",
    }
)

#: Transient server trouble (usually with a 5xx status).
TRANSIENT = frozenset(
    {
        "InternalError",
        "InternalFailure",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "Unavailable",
        "RequestTimeout",
        "RequestTimeoutException",
    }
)

#: The account has as many of something as it may have (quotas, not request rates).
QUOTA = frozenset(
    {
        "InstanceLimitExceeded",
        "VcpuLimitExceeded",
        "AddressLimitExceeded",
        "VpcLimitExceeded",
        "NatGatewayLimitExceeded",
        "InternetGatewayLimitExceeded",
        "RouteTableLimitExceeded",
        "RulesPerSecurityGroupLimitExceeded",
        "SecurityGroupLimitExceeded",
        "SubnetLimitExceeded",
        "MaxSpotInstanceCountExceeded",
        "VolumeLimitExceeded",
        "LimitExceeded",
        "LimitExceededException",
        "ResourceLimitExceeded",
        "TooManyBuckets",
        "TooManyHostedZones",
        "HostedZoneLimitExceeded",
    }
)

#: AWS has no capacity of this kind in the zone right now: not the user's quota, nothing a quick retry fixes.
DEPLETED = frozenset({"InsufficientInstanceCapacity", "InsufficientHostCapacity", "InsufficientFreeAddressesInSubnet"})

UNAUTHENTICATED = frozenset(
    {
        "AuthFailure",
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "SignatureDoesNotMatch",
        "InvalidAccessKeyId",
        "ExpiredToken",
        "IncompleteSignature",
        "MissingAuthenticationToken",
    }
)

UNAUTHORIZED = frozenset({"UnauthorizedOperation", "AccessDenied", "AccessDeniedException", "OptInRequired", "Blocked"})

#: Something else still uses the resource (an instance in the subnet, an association on the address...).
DEPENDENCIES = frozenset(
    {
        "DependencyViolation",
        "DeleteConflict",
        "ResourceInUse",
        "InvalidIPAddress.InUse",
        "BucketNotEmpty",
        "HostedZoneNotEmpty",
        "InvalidNetworkInterface.InUse",
    }
)

#: What the user wrote is wrong (a CIDR outside the VPC, an unknown AMI, a malformed policy...).
CONFIGURATION = frozenset(
    {
        "InvalidParameter",
        "InvalidParameterValue",
        "InvalidParameterCombination",
        "MissingParameter",
        "ValidationError",
        "InvalidInput",
        "MalformedPolicyDocument",
        "InvalidSubnet.Range",
        "InvalidSubnet.Conflict",
        "InvalidVpc.Range",
        "InvalidAMIID.Malformed",
        "InvalidAMIID.NotFound",
        "InvalidAMIID.Unavailable",
        "InvalidKeyPair.Format",
        "InvalidBlockDeviceMapping",
        "InvalidInstanceType",
        "InvalidBucketName",
        "InvalidLocationConstraint",
        "IllegalLocationConstraintException",
        "InvalidChangeBatch",
        "InvalidDomainName",
        "Unsupported",
    }
)


def error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code") or "")


def http_status(exc: ClientError) -> int:
    return int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)


def is_not_found(exc: BaseException) -> bool:
    """True for every spelling of "no such thing" (``InvalidVpcID.NotFound``, ``NoSuchEntity``, ``NoSuchBucket``...)."""
    if not isinstance(exc, ClientError):
        return False
    code = error_code(exc)
    return code.endswith((".NotFound", "NotFound", "NotFoundException")) or code.startswith("NoSuch")


def is_transient(exc: BaseException) -> bool:
    """True when the same request may well succeed later: throttling, 5xx, timeouts, dropped connections."""
    if isinstance(exc, (HTTPClientError, BotoConnectionError)):
        return True
    if isinstance(exc, ClientError):
        code = error_code(exc)
        return code in THROTTLING or code in TRANSIENT or http_status(exc) >= 500
    return False


def is_dependency(exc: BaseException) -> bool:
    return isinstance(exc, ClientError) and error_code(exc) in DEPENDENCIES


def codes_for(exc: BaseException) -> tuple[ErrorCode, ...]:
    """Gardener's error codes for one AWS failure (empty: unknown, and so retried)."""
    if isinstance(exc, (HTTPClientError, BotoConnectionError)):
        return ()
    if not isinstance(exc, ClientError):
        return ()
    code = error_code(exc)
    if code in THROTTLING:
        return (ErrorCode.INFRA_RATE_LIMITS_EXCEEDED,)
    if code in QUOTA:
        return (ErrorCode.INFRA_QUOTA_EXCEEDED,)
    if code in DEPLETED:
        return (ErrorCode.INFRA_RESOURCES_DEPLETED,)
    if code in UNAUTHENTICATED:
        return (ErrorCode.INFRA_UNAUTHENTICATED,)
    if code in UNAUTHORIZED:
        return (ErrorCode.INFRA_UNAUTHORIZED,)
    if code in DEPENDENCIES:
        return (ErrorCode.INFRA_DEPENDENCIES,)
    if code in CONFIGURATION or (code.startswith("Invalid") and not is_not_found(exc)):
        return (ErrorCode.CONFIGURATION_PROBLEM,)
    return ()


def to_provider_error(exc: BaseException, action: str) -> ProviderError:
    """The :class:`ProviderError` for a failed ``action`` ("creating subnet x"), keeping AWS's words."""
    if isinstance(exc, ClientError):
        detail = f"{error_code(exc)}: {exc.response.get('Error', {}).get('Message') or exc}"
    elif isinstance(exc, BotoCoreError):
        detail = str(exc)
    else:
        detail = f"{type(exc).__name__}: {exc}"
    return ProviderError(f"{action}: {detail}", *codes_for(exc))


__all__ = [
    "codes_for",
    "error_code",
    "http_status",
    "is_dependency",
    "is_not_found",
    "is_transient",
    "to_provider_error",
]
