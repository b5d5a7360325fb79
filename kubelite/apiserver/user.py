"""Who is making a request: the authenticated user as Kubernetes' ``user.Info``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class UserInfo:
    name: str
    groups: tuple[str, ...] = ()
    uid: str = ""
    extra: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        """The ``userInfo`` form used in AdmissionReview, TokenReview and managedFields-free audit records."""
        body: dict[str, object] = {"username": self.name, "groups": list(self.groups)}
        if self.uid:
            body["uid"] = self.uid
        if self.extra:
            body["extra"] = {k: list(v) for k, v in self.extra.items()}
        return body


ANONYMOUS = UserInfo("system:anonymous", ("system:unauthenticated",))
#: The identity of the server's own controllers (garbage collector, namespace and CRD controllers).
SYSTEM = UserInfo("system:apiserver", ("system:masters", "system:authenticated"))
