"""Content negotiation: what a client accepts (``as=Table``, ``as=PartialObjectMetadata``, aggregated discovery)
and what it sends (JSON, YAML, protobuf, patch types).

kubelite always answers in JSON; it accepts JSON, YAML and, for the kinds kubectl sends that way, protobuf.
"""

from __future__ import annotations

from dataclasses import dataclass

JSON = "application/json"
YAML = "application/yaml"
PROTOBUF = "application/vnd.kubernetes.protobuf"


@dataclass(frozen=True, slots=True)
class MediaType:
    type: str
    params: dict[str, str]

    @property
    def as_(self) -> str:
        return self.params.get("as", "")

    @property
    def group(self) -> str:
        return self.params.get("g", "")

    @property
    def version(self) -> str:
        return self.params.get("v", "")


def parse_accept(header: str | None) -> list[MediaType]:
    """Media ranges in the order the client listed them (kube clients list preferences in order, without q)."""
    result = []
    for part in (header or "").split(","):
        pieces = [p.strip() for p in part.split(";")]
        if not pieces[0]:
            continue
        params = {}
        for piece in pieces[1:]:
            key, _, value = piece.partition("=")
            params[key.strip().lower()] = value.strip().strip('"')
        result.append(MediaType(pieces[0].lower(), params))
    return result


def wants(accept: list[MediaType], as_: str, group: str, versions: tuple[str, ...]) -> MediaType | None:
    """The first acceptable ``application/json;as=...`` entry for one of ``versions``, if the client prefers it
    over plain JSON (a plain JSON or wildcard entry listed first wins)."""
    for media in accept:
        if media.type in (JSON, "*/*", "application/*") and not media.as_:
            return None
        if media.type == JSON and media.as_ == as_ and media.group == group and media.version in versions:
            return media
    return None


def content_type_of(header: str | None) -> str:
    """The bare media type of a Content-Type header (parameters such as charset dropped)."""
    return (header or "").split(";")[0].strip().lower()
