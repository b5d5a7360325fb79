"""``garden up`` and ``garden down`` on the command line: bad flags are one line and exit 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

GARDEN = Path(sys.executable).parent / "garden"


def run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(GARDEN), *argv], capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["up", "--provider", "gcp"], "garden up: Invalid value for '--provider'"),
        (["up", "--no-such-flag"], "garden up: No such option: --no-such-flag"),
        (["down", "--state-dir"], "garden down: Option '--state-dir' requires an argument."),
    ],
    ids=["unknown-provider", "unknown-flag", "missing-value"],
)
def test_bad_flags_are_one_line_and_exit_2(argv: list[str], message: str) -> None:
    result = run(*argv)
    assert result.returncode == 2
    assert result.stderr.strip().startswith(message)
    assert len(result.stderr.strip().splitlines()) == 1


def test_down_with_nothing_running_says_so(tmp_path: Path) -> None:
    result = run("down", "--state-dir", str(tmp_path))
    assert result.returncode == 0
    assert result.stdout.strip() == f"garden down: no landscape is running from {tmp_path.resolve()}"


def test_another_provider_on_an_existing_state_dir_is_refused(tmp_path: Path) -> None:
    (tmp_path / "landscape.yaml").write_text(
        "provider: aws\nports: {garden: 1, seed: 2, kubelet: 3, moto: 4}\npodCIDR: 127.224.0.0/20\n"
    )
    result = run("up", "--state-dir", str(tmp_path), "--provider", "local")
    assert result.returncode == 1
    assert "holds a landscape with --provider aws" in result.stdout
