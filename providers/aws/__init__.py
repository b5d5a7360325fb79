"""The AWS provider, on boto3: Infrastructure (VPC, subnets, NAT gateways, security group, IAM), machines on EC2,
DNSRecord on Route 53 and BackupBucket on S3. See docs/extensions/aws.md.
"""

from providers.aws.provider import AWSProvider

__all__ = ["AWSProvider"]
