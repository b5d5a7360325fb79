"""``kubelite apiserver``: command-line flags named like kube-apiserver's, turned into a ServerConfig.

Layers above kubelite reuse the command with their own program name, extra flags and a setup built from them
(``garden apiserver`` adds the Gardener API this way).
"""

from __future__ import annotations

import argparse
import ipaddress
import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kubelite.apiserver.audit.policy import PolicyError, load_policy
from kubelite.apiserver.auth.jwt import KeyFileError, load_private_key, load_public_keys
from kubelite.apiserver.auth.tokens import TokenFileError, load_token_file
from kubelite.apiserver.authorization.authorizer import parse_modes
from kubelite.apiserver.compat_flags import add_accepted_flags, log_accepted_flags
from kubelite.apiserver.encryption.config import ConfigError, load_config
from kubelite.apiserver.storage import BACKENDS, EtcdOptions
from kubelite.apiserver.storage.etcd import parse_servers

if TYPE_CHECKING:
    from kubelite.apiserver.server import Setup

PROG = "kubelite apiserver"
DESCRIPTION = "A kube-apiserver-compatible API server (HTTPS) over SQLite or etcd."


def storage_arguments(
    p: argparse.ArgumentParser,
    *,
    data_dir_help: str = "where storage, certificates and the admin token live (default: %(default)s)",
) -> None:
    """The storage flags of ``kubelite apiserver``: ``--data-dir``, ``--storage-backend`` and ``--etcd-*``."""
    p.add_argument("--data-dir", type=Path, default=Path("kubelite-data"), help=data_dir_help)
    p.add_argument(
        "--storage-backend",
        default=None,
        choices=BACKENDS,
        help="storage backend (default: etcd3 when --etcd-servers is given, as kube-apiserver; sqlite otherwise)",
    )
    etcd_arguments(p)


def etcd_arguments(p: argparse.ArgumentParser, *, servers_flag: str = "--etcd-servers") -> None:
    """``--etcd-servers`` (or ``servers_flag``, stored as ``etcd_servers``), ``--etcd-prefix`` and the TLS files."""
    p.add_argument(
        servers_flag,
        dest="etcd_servers",
        default="",
        metavar="URLS",
        help="etcd3 backend: comma-separated client URLs, tried in order on connection errors",
    )
    p.add_argument(
        "--etcd-prefix",
        default="/registry",
        help="etcd3 backend: where kubelite's /registry tree lives in etcd (default: %(default)s)",
    )
    p.add_argument("--etcd-cafile", type=Path, help="etcd3 backend: CA bundle that signed etcd's certificates")
    p.add_argument("--etcd-certfile", type=Path, help="etcd3 backend: client certificate for etcd")
    p.add_argument("--etcd-keyfile", type=Path, help="etcd3 backend: key of --etcd-certfile")


def etcd_options(args: argparse.Namespace, *, servers_flag: str = "--etcd-servers") -> EtcdOptions | str:
    """The etcd options :func:`etcd_arguments` parsed, or a one-line problem with them."""
    etcd = EtcdOptions(
        parse_servers(args.etcd_servers), args.etcd_prefix, args.etcd_cafile, args.etcd_certfile, args.etcd_keyfile
    )
    problem = etcd.check()
    if problem is not None:
        return problem.replace("--etcd-servers", servers_flag)
    return etcd


@dataclass(frozen=True, slots=True)
class StorageConfig:
    """What the storage flags name: a backend, the data dir (home of the sqlite file) and etcd's options."""

    backend: str
    data_dir: Path
    etcd: EtcdOptions | None


def storage_config(args: argparse.Namespace) -> StorageConfig | str:
    """The storage the flags of :func:`storage_arguments` name, or a one-line problem with them."""
    etcd: EtcdOptions | None = None
    backend = args.storage_backend or ("etcd3" if args.etcd_servers else "sqlite")
    if backend == "etcd3":
        options = etcd_options(args)
        if isinstance(options, str):
            return options
        etcd = options
    return StorageConfig(backend, args.data_dir, etcd)


def _go_bool(text: str) -> bool:
    """A boolean flag as kube-apiserver takes it: bare (true), or ``=true`` / ``=false`` (Go's strconv.ParseBool)."""
    value = text.strip().lower()
    if value in ("1", "t", "true"):
        return True
    if value in ("0", "f", "false"):
        return False
    raise argparse.ArgumentTypeError(f"{text!r} is not true or false")


def _duration(text: str) -> int:
    """A Go duration (``24h``, ``1h30m``, ``3600s``) in whole seconds."""
    units = {"h": 3600, "m": 60, "s": 1}
    total, number = 0.0, ""
    for char in text.strip():
        if char.isdigit() or char == ".":
            number += char
        elif char in units and number:
            total += float(number) * units[char]
            number = ""
        else:
            raise argparse.ArgumentTypeError(f"{text!r} is not a duration like 24h or 90m")
    if number or total <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a duration like 24h or 90m")
    return int(total)


def _csv(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def security_arguments(p: argparse.ArgumentParser) -> None:
    """Authorization, service-account tokens, encryption at rest and audit (docs/operations/security.md)."""
    p.add_argument(
        "--authorization-mode",
        default="AlwaysAllow",
        metavar="MODES",
        help="comma-separated authorizers in order: AlwaysAllow (default), AlwaysDeny, RBAC, Node",
    )
    p.add_argument(
        "--service-account-signing-key-file",
        type=Path,
        metavar="PATH",
        help="RSA or EC P-256 PEM key that signs service-account tokens (default: generated in the data dir)",
    )
    p.add_argument(
        "--service-account-key-file",
        type=Path,
        action="append",
        default=[],
        metavar="PATH",
        help="PEM keys or certificates that verify service-account tokens (repeatable)",
    )
    p.add_argument(
        "--service-account-issuer",
        action="append",
        default=[],
        metavar="URL",
        help="token issuer; the first is written into new tokens, all are accepted (repeatable)",
    )
    p.add_argument(
        "--api-audiences", type=_csv, default=[], metavar="LIST", help="audiences the API accepts (default: the issuer)"
    )
    p.add_argument(
        "--service-account-lookup",
        type=_go_bool,
        nargs="?",
        const=True,
        default=True,
        help="refuse tokens whose service account or bound object is gone (default: true)",
    )
    p.add_argument(
        "--service-account-max-token-expiration",
        type=_duration,
        metavar="DURATION",
        help="cap on requested token lifetimes (e.g. 24h)",
    )
    p.add_argument(
        "--encryption-provider-config",
        type=Path,
        metavar="PATH",
        help="EncryptionConfiguration (apiserver.config.k8s.io/v1): resources encrypted at rest",
    )
    p.add_argument("--audit-log-path", metavar="PATH", help="write audit events here as JSON lines (- for stdout)")
    p.add_argument(
        "--audit-policy-file", type=Path, metavar="PATH", help="audit.k8s.io/v1 Policy (default: all at Metadata)"
    )


def _security_problem(args: argparse.Namespace) -> str | None:
    """The first problem with the security flags (unreadable key, bad policy...), or None."""
    try:
        parse_modes(args.authorization_mode)
    except ValueError as exc:
        return f"--authorization-mode: {exc}"
    try:
        if args.service_account_signing_key_file is not None:
            load_private_key(args.service_account_signing_key_file)
        for path in args.service_account_key_file:
            load_public_keys(path)
    except (OSError, KeyFileError) as exc:
        return f"service-account keys: {exc}"
    if args.encryption_provider_config is not None:
        try:
            load_config(args.encryption_provider_config)
        except ConfigError as exc:
            return f"--encryption-provider-config: {exc}"
    if args.audit_policy_file is not None:
        try:
            load_policy(args.audit_policy_file)
        except (OSError, PolicyError) as exc:
            return f"--audit-policy-file: {exc}"
    return None


def parser(prog: str = PROG, description: str = DESCRIPTION) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=prog, description=description)
    p.add_argument("--bind-address", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    p.add_argument(
        "--secure-port", type=int, default=6443, help="HTTPS port; 0 picks a free one (default: %(default)s)"
    )
    storage_arguments(p)
    p.add_argument("--tls-cert-file", type=Path, help="serving certificate (default: generated into the data dir)")
    p.add_argument("--tls-private-key-file", type=Path, help="key of --tls-cert-file")
    p.add_argument("--token-auth-file", type=Path, help='static tokens, CSV: token,user,uid[,"group1,group2"]')
    p.add_argument(
        "--client-ca-file", type=Path, help="authenticate client certificates this CA signed (CN = user, O = groups)"
    )
    p.add_argument(
        "--enable-bootstrap-token-auth",
        type=_go_bool,
        nargs="?",
        const=True,
        default=False,
        help="authenticate bootstrap tokens (kube-system/bootstrap-token-<id> Secrets) for joining nodes",
    )
    p.add_argument(
        "--service-cluster-ip-range",
        default="10.96.0.0/12",
        metavar="CIDR",
        help="where Service cluster IPs come from (default: %(default)s)",
    )
    p.add_argument(
        "--write-kubeconfig", type=Path, metavar="PATH", help="write an admin kubeconfig here once the server is ready"
    )
    p.add_argument(
        "--anonymous-auth",
        type=_go_bool,
        nargs="?",
        const=True,
        default=False,
        help="serve requests without credentials as system:anonymous (default: only health endpoints)",
    )
    security_arguments(p)
    p.add_argument(
        "--compaction-interval",
        type=float,
        default=300.0,
        metavar="SECONDS",
        help="how often storage history is compacted (default: %(default)s)",
    )
    p.add_argument("-v", "--v", dest="verbosity", type=int, default=0, help="log verbosity (0-5)")
    add_accepted_flags(p)
    return p


def main(
    argv: Sequence[str],
    *,
    prog: str = PROG,
    description: str = DESCRIPTION,
    add_arguments: Callable[[argparse.ArgumentParser], None] | None = None,
    make_setup: Callable[[argparse.Namespace], Setup | str] | None = None,
) -> int:
    """Parse, check and run. ``make_setup`` turns the extra flags into a server setup, or an error message."""
    from kubelite.apiserver.server import ServerConfig, run  # noqa: PLC0415  (keeps `--help` fast)

    p = parser(prog, description)
    if add_arguments is not None:
        add_arguments(p)
    args = p.parse_args(argv)
    if bool(args.tls_cert_file) != bool(args.tls_private_key_file):
        print(f"{prog}: --tls-cert-file and --tls-private-key-file go together", file=sys.stderr)
        return 2
    for flag, path in (
        ("--tls-cert-file", args.tls_cert_file),
        ("--tls-private-key-file", args.tls_private_key_file),
        ("--token-auth-file", args.token_auth_file),
        ("--client-ca-file", args.client_ca_file),
    ):
        if path is not None and not path.is_file():
            print(f"{prog}: {flag}: no such file: {path}", file=sys.stderr)
            return 2
    if args.token_auth_file is not None:
        try:
            load_token_file(args.token_auth_file)
        except TokenFileError as exc:
            print(f"{prog}: --token-auth-file: {exc}", file=sys.stderr)
            return 2
    problem = _security_problem(args)
    if problem is not None:
        print(f"{prog}: {problem}", file=sys.stderr)
        return 2
    storage = storage_config(args)
    if isinstance(storage, str):
        print(f"{prog}: {storage}", file=sys.stderr)
        return 2
    try:
        service_range = ipaddress.ip_network(args.service_cluster_ip_range)
    except ValueError:
        print(f"{prog}: --service-cluster-ip-range: {args.service_cluster_ip_range!r} is not a CIDR", file=sys.stderr)
        return 2
    if service_range.num_addresses < 16:
        print(f"{prog}: --service-cluster-ip-range: {service_range} is too small", file=sys.stderr)
        return 2
    if not 0 <= args.secure_port <= 65535:
        print(f"{prog}: --secure-port: {args.secure_port} is not a port", file=sys.stderr)
        return 2
    setup = make_setup(args) if make_setup is not None else None
    if isinstance(setup, str):
        print(f"{prog}: {setup}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=logging.DEBUG if args.verbosity >= 4 else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    log_accepted_flags(args)
    config = ServerConfig(
        data_dir=args.data_dir,
        bind_address=args.bind_address,
        secure_port=args.secure_port,
        storage_backend=storage.backend,
        etcd=storage.etcd,
        tls_cert_file=args.tls_cert_file,
        tls_private_key_file=args.tls_private_key_file,
        token_auth_file=args.token_auth_file,
        client_ca_file=args.client_ca_file,
        enable_bootstrap_token_auth=args.enable_bootstrap_token_auth,
        service_cluster_ip_range=str(service_range),
        write_kubeconfig=args.write_kubeconfig,
        anonymous_auth=args.anonymous_auth,
        compaction_interval=args.compaction_interval,
        authorization_mode=args.authorization_mode,
        service_account_signing_key_file=args.service_account_signing_key_file,
        service_account_key_files=args.service_account_key_file,
        service_account_issuers=args.service_account_issuer,
        api_audiences=args.api_audiences,
        service_account_lookup=args.service_account_lookup,
        service_account_max_token_expiration=args.service_account_max_token_expiration,
        encryption_provider_config=args.encryption_provider_config,
        audit_log_path=args.audit_log_path,
        audit_policy_file=args.audit_policy_file,
    )
    try:
        run(config, setup)
    except OSError as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 1
    return 0
