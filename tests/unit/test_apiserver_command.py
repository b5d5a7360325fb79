"""`kubelite apiserver` refuses bad flags with one line and exit code 2, before touching anything."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

KUBELITE = Path(sys.executable).parent / "kubelite"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(KUBELITE), "apiserver", *args], capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--tls-cert-file", "/nonexistent.crt"], "go together", id="cert-without-key"),
        pytest.param(
            ["--tls-cert-file", "/nonexistent.crt", "--tls-private-key-file", "/nonexistent.key"],
            "--tls-cert-file: no such file",
            id="missing-cert",
        ),
        pytest.param(["--token-auth-file", "/nonexistent.csv"], "--token-auth-file: no such file", id="missing-tokens"),
        pytest.param(["--secure-port", "70000"], "is not a port", id="bad-port"),
    ],
)
def test_bad_flags(args: list[str], message: str, tmp_path: Path) -> None:
    result = run("--data-dir", str(tmp_path / "data"), *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "data").exists()


def test_a_malformed_token_file_names_the_line(tmp_path: Path) -> None:
    tokens = tmp_path / "tokens.csv"
    tokens.write_text("# comment\nt1,alice,1\nonly-a-token\n")
    result = run("--data-dir", str(tmp_path / "data"), "--token-auth-file", str(tokens))
    assert result.returncode == 2
    assert f"{tokens}:3" in result.stderr


def test_an_unknown_storage_backend_is_refused(tmp_path: Path) -> None:
    result = run("--data-dir", str(tmp_path / "data"), "--storage-backend", "mongo")
    assert result.returncode == 2
    assert "invalid choice: 'mongo'" in result.stderr


def test_a_bad_service_range_is_refused(tmp_path: Path) -> None:
    result = run("--data-dir", str(tmp_path / "data"), "--service-cluster-ip-range", "10.96.0.0/33")
    assert result.returncode == 2
    assert "--service-cluster-ip-range: '10.96.0.0/33' is not a CIDR" in result.stderr
    assert not (tmp_path / "data").exists()


def test_a_missing_client_ca_is_refused(tmp_path: Path) -> None:
    result = run("--data-dir", str(tmp_path / "data"), "--client-ca-file", str(tmp_path / "ca.crt"))
    assert result.returncode == 2 and "--client-ca-file: no such file" in result.stderr


def test_etcd_servers_choose_etcd_unless_sqlite_is_asked_for() -> None:
    from kubelite.apiserver.command import parser, storage_config  # noqa: PLC0415

    def backend(*argv: str) -> str:
        config = storage_config(parser().parse_args(list(argv)))
        assert not isinstance(config, str), config
        return config.backend

    assert backend() == "sqlite"
    assert backend("--etcd-servers", "http://127.0.0.1:2379") == "etcd3"
    assert backend("--etcd-servers", "http://127.0.0.1:2379", "--storage-backend", "sqlite") == "sqlite"


def test_kube_apiserver_flags_charts_pass_are_accepted_and_named_in_the_log(caplog: pytest.LogCaptureFixture) -> None:
    from kubelite.apiserver.command import parser  # noqa: PLC0415
    from kubelite.apiserver.compat_flags import log_accepted_flags  # noqa: PLC0415

    args = parser().parse_args(
        [
            "--allow-privileged=true",
            "--authorization-mode=Node,RBAC",
            "--enable-admission-plugins",
            "NamespaceLifecycle,LimitRanger",
            "--profiling",
            "--service-account-issuer=https://api.example.com",
            "--secure-port=443",
        ]
    )
    assert args.secure_port == 443
    # Authorization and service-account flags are honoured now, not merely accepted.
    assert args.authorization_mode == "Node,RBAC"
    assert args.service_account_issuer == ["https://api.example.com"]
    with caplog.at_level("WARNING"):
        given = log_accepted_flags(args)
    assert given == ["--allow-privileged", "--enable-admission-plugins", "--profiling"]
    assert "--profiling is accepted for compatibility and has no effect" in caplog.text
