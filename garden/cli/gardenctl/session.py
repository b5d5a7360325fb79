"""Per shell session state: the target, and the kubeconfigs ``kubectl-env`` points ``KUBECONFIG`` at.

As in gardenctl-v2 each shell has its own target, kept under ``<tmp>/garden/<session id>``. The session id is
``GCTL_SESSION_ID`` (set it in your shell profile, e.g. to a UUID, to keep one target per terminal), else
``TERM_SESSION_ID`` (macOS terminals set it), else the id of the parent process, which is the shell that runs
gardenctl. The directory is private (0700): it holds kubeconfigs with credentials. A temporary directory is
deliberate: targets and short-lived kubeconfigs do not outlive a reboot.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from garden.cli.gardenctl.errors import GardenctlError
from garden.cli.gardenctl.target import Target

_SAFE_ID = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")
TARGET_FILE = "target.yaml"


def session_id() -> str:
    """``GCTL_SESSION_ID``, ``TERM_SESSION_ID`` or ``ppid-<pid>``; ids unsafe as a file name are hashed."""
    raw = os.environ.get("GCTL_SESSION_ID") or os.environ.get("TERM_SESSION_ID") or f"ppid-{os.getppid()}"
    if _SAFE_ID.match(raw) and raw not in (".", ".."):
        return raw
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def sessions_root() -> Path:
    # NB: read TMPDIR each time; tempfile caches the first answer for the life of the process.
    return Path(os.environ.get("TMPDIR") or tempfile.gettempdir()) / "garden"


@dataclass(frozen=True, slots=True)
class Session:
    directory: Path

    @classmethod
    def current(cls) -> Session:
        return cls(sessions_root() / session_id())

    def _ensure(self) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.directory.chmod(0o700)
        return self.directory

    def load_target(self) -> Target:
        path = self.directory / TARGET_FILE
        try:
            return Target.from_dict(yaml.safe_load(path.read_text()))
        except FileNotFoundError:
            return Target()
        except yaml.YAMLError as exc:
            raise GardenctlError(f"the session target {path} is damaged ({exc}); remove it to start over") from None

    def save_target(self, target: Target) -> None:
        path = self._ensure() / TARGET_FILE
        path.write_text(yaml.safe_dump(target.to_dict(), sort_keys=False))

    def write_kubeconfig(self, text: str) -> Path:
        """Write the current target's kubeconfig (private), replacing the previous one; its path."""
        path = self._ensure() / "kubeconfig.yaml"
        staged = path.with_suffix(".tmp")
        staged.touch(mode=0o600)
        staged.chmod(0o600)
        staged.write_text(text)
        staged.replace(path)
        return path


__all__ = ["Session", "session_id", "sessions_root"]
