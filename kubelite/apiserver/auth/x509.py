"""Client certificates (``--client-ca-file``): the user is the subject's CN, the groups its O entries.

TLS verifies the chain against the client CA during the handshake (a certificate from another CA fails the
handshake, as with kube-apiserver); this module only reads who the verified certificate names.
"""

from __future__ import annotations

import ssl
from typing import Any

from kubelite.apiserver.user import UserInfo


def user_of_peer_certificate(peer: dict[str, Any] | None) -> UserInfo | None:
    """The user a verified peer certificate (``SSLObject.getpeercert()``) names; None without one or a CN."""
    if not peer:
        return None
    common_name = ""
    groups: list[str] = []
    for rdn in peer.get("subject", ()):
        for key, value in rdn:
            if key == "commonName":
                common_name = value
            elif key == "organizationName":
                groups.append(value)
    if not common_name:
        return None
    return UserInfo(common_name, (*groups, "system:authenticated"))


def user_of_connection(ssl_object: ssl.SSLObject | ssl.SSLSocket | None) -> UserInfo | None:
    if ssl_object is None:
        return None
    return user_of_peer_certificate(ssl_object.getpeercert())
