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
