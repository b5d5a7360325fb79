"""The nodes' identity: an IAM role EC2 may assume, its inline policy, the instance profile carrying it, and the
EC2 key pair for SSH. IAM names are unique in the account and derived from the technical ID (``<id>-nodes``,
``<id>-ssh-publickey``), so the name is the lookup key; the role and profile carry the cluster tag as well, for
inventories.
"""

from __future__ import annotations

import json
from typing import Any

from providers.aws.calls import Calls
from providers.aws.errors import is_not_found
from providers.aws.tags import tag_spec, tags

ASSUME_ROLE_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}

#: What kubelets and the cloud-controller parts on the nodes need; ECR read access unless the config turns it off.
NODE_ACTIONS = ["ec2:DescribeInstances"]
ECR_ACTIONS = [
    "ecr:GetAuthorizationToken",
    "ecr:BatchCheckLayerAvailability",
    "ecr:GetDownloadUrlForLayer",
    "ecr:GetRepositoryPolicy",
    "ecr:DescribeRepositories",
    "ecr:ListImages",
    "ecr:BatchGetImage",
]


def nodes_name(technical_id: str) -> str:
    return f"{technical_id}-nodes"


def key_name(technical_id: str) -> str:
    return f"{technical_id}-ssh-publickey"


def node_policy(enable_ecr_access: bool) -> dict[str, Any]:
    statements: list[dict[str, Any]] = [{"Effect": "Allow", "Action": NODE_ACTIONS, "Resource": ["*"]}]
    if enable_ecr_access:
        statements.append({"Effect": "Allow", "Action": ECR_ACTIONS, "Resource": ["*"]})
    return {"Version": "2012-10-17", "Statement": statements}


class NodeIdentity:
    def __init__(self, iam: Any, ec2: Any, calls: Calls, technical_id: str, extra_tags: dict[str, str]) -> None:
        self.iam = iam
        self.ec2 = ec2
        self.calls = calls
        self.id = technical_id
        self.name = nodes_name(technical_id)
        self.extra_tags = extra_tags

    def ensure(self, enable_ecr_access: bool) -> tuple[str, str]:
        """The role's ARN and the instance profile's name, made if missing, the policy brought up to date."""
        role_tags = tags(self.id, self.name, self.extra_tags)

        def role() -> str:
            try:
                return str(self.iam.get_role(RoleName=self.name)["Role"]["Arn"])
            except Exception as exc:
                if not is_not_found(exc):
                    raise
            return str(
                self.iam.create_role(
                    RoleName=self.name,
                    Path="/",
                    AssumeRolePolicyDocument=json.dumps(ASSUME_ROLE_POLICY),
                    Description=f"Nodes of {self.id}",
                    Tags=role_tags,
                )["Role"]["Arn"]
            )

        def policy() -> None:
            self.iam.put_role_policy(
                RoleName=self.name, PolicyName=self.name, PolicyDocument=json.dumps(node_policy(enable_ecr_access))
            )

        def profile() -> None:
            try:
                found = self.iam.get_instance_profile(InstanceProfileName=self.name)["InstanceProfile"]
            except Exception as exc:
                if not is_not_found(exc):
                    raise
                found = self.iam.create_instance_profile(InstanceProfileName=self.name, Path="/", Tags=role_tags)[
                    "InstanceProfile"
                ]
            if not any(r.get("RoleName") == self.name for r in found.get("Roles") or ()):
                self.iam.add_role_to_instance_profile(InstanceProfileName=self.name, RoleName=self.name)

        arn = self.calls.run("creating the nodes' IAM role", role)
        self.calls.run("writing the nodes' IAM policy", policy)
        self.calls.run("creating the nodes' instance profile", profile)
        return arn, self.name

    def key_pair(self, public_key: str) -> str:
        name = key_name(self.id)

        def step() -> None:
            try:
                self.ec2.describe_key_pairs(KeyNames=[name])
                return
            except Exception as exc:
                if not is_not_found(exc):
                    raise
            self.ec2.import_key_pair(
                KeyName=name,
                PublicKeyMaterial=public_key.encode(),
                TagSpecifications=tag_spec("key-pair", self.id, name, self.extra_tags),
            )

        self.calls.run("importing the SSH key pair", step)
        return name

    def delete(self) -> None:
        def profile() -> None:
            try:
                found = self.iam.get_instance_profile(InstanceProfileName=self.name)["InstanceProfile"]
            except Exception as exc:
                if is_not_found(exc):
                    return
                raise
            for role in found.get("Roles") or ():
                self.iam.remove_role_from_instance_profile(InstanceProfileName=self.name, RoleName=role["RoleName"])
            self.iam.delete_instance_profile(InstanceProfileName=self.name)

        def role() -> None:
            try:
                names = self.iam.list_role_policies(RoleName=self.name)["PolicyNames"]
            except Exception as exc:
                if is_not_found(exc):
                    return
                raise
            for policy in names:
                self.iam.delete_role_policy(RoleName=self.name, PolicyName=policy)
            for attached in self.iam.list_attached_role_policies(RoleName=self.name)["AttachedPolicies"]:
                self.iam.detach_role_policy(RoleName=self.name, PolicyArn=attached["PolicyArn"])
            self.iam.delete_role(RoleName=self.name)

        def key() -> None:
            # DeleteKeyPair succeeds for a name that does not exist.
            self.ec2.delete_key_pair(KeyName=key_name(self.id))

        self.calls.run("deleting the nodes' instance profile", profile)
        self.calls.run("deleting the nodes' IAM role", role)
        self.calls.run("deleting the SSH key pair", key)


__all__ = ["NodeIdentity", "key_name", "node_policy", "nodes_name"]
