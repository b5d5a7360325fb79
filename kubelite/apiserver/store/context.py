"""What a single API request brings to the store besides its object: who, dry run, field handling, warnings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from kubelite.apiserver.user import SYSTEM, UserInfo

FieldValidation = Literal["Ignore", "Warn", "Strict"]


@dataclass(slots=True)
class RequestContext:
    user: UserInfo = SYSTEM
    dry_run: bool = False
    #: What to do with unknown or duplicate fields in a body (kube's ``fieldValidation``; its default is Warn).
    field_validation: FieldValidation = "Warn"
    #: The ``fieldManager`` query parameter (or one derived from the user agent), for managedFields.
    field_manager: str = "kubelite"
    #: Whether the client named the field manager (server-side apply requires it).
    field_manager_explicit: bool = False
    #: Collected for the ``Warning`` response header.
    warnings: list[str] = field(default_factory=list)

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)
