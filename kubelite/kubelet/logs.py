"""Container logs: files the processes write themselves, and per-line timestamps the kubelet adds beside them.

A container's stdout and stderr go straight to ``<container dir>/<restart>.log`` (opened by the kubelet, inherited
by the process), so the process keeps logging while the kubelet is down and no helper process sits in between: a
Python helper per container would cost ~10 MiB each, which the density budget (>= 10 control planes per GiB) cannot
pay. Timestamps come from a :class:`Stamper` in the kubelet: it notices new lines (every second) and appends
``<byte offset> <unix ns>`` of each line start to ``<restart>.log.idx``. A line's timestamp is therefore when the
kubelet first saw it (within a second of the write); lines written while the kubelet was down carry the time it
came back. ``--timestamps`` and ``sinceSeconds``/``sinceTime`` read the index.
"""

from __future__ import annotations

import bisect
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

INDEX_SUFFIX = ".idx"
CHUNK = 1 << 16


def index_path(log: Path) -> Path:
    return log.with_name(log.name + INDEX_SUFFIX)


@dataclass(slots=True)
class _Tail:
    scanned: int = 0
    at_line_start: bool = True


@dataclass(slots=True)
class Stamper:
    """Keeps the timestamp index of the log files it is told about."""

    _files: dict[Path, _Tail] = field(default_factory=dict)

    def track(self, log: Path) -> None:
        if log in self._files:
            return
        tail = _Tail()
        last = _last_indexed(index_path(log))
        if last is not None:
            # Resume after a kubelet restart: the last indexed line start, then scan on from there.
            tail.scanned = last
            tail.at_line_start = False
        self._files[log] = tail

    def forget(self, log: Path) -> None:
        self._files.pop(log, None)

    def stamp(self, now_ns: int) -> None:
        """Index the line starts written since the last call, at ``now_ns``."""
        for log, tail in list(self._files.items()):
            try:
                self._stamp_one(log, tail, now_ns)
            except FileNotFoundError:
                self._files.pop(log, None)

    @staticmethod
    def _stamp_one(log: Path, tail: _Tail, now_ns: int) -> None:
        size = log.stat().st_size
        if size <= tail.scanned:
            return
        starts: list[int] = []
        with open(log, "rb") as handle:
            handle.seek(tail.scanned)
            position = tail.scanned
            while position < size:
                chunk = handle.read(min(CHUNK, size - position))
                if not chunk:
                    break
                if tail.at_line_start:
                    starts.append(position)
                    tail.at_line_start = False
                index = chunk.find(b"\n")
                while index != -1:
                    if position + index + 1 < size:
                        starts.append(position + index + 1)
                    else:
                        tail.at_line_start = True
                    index = chunk.find(b"\n", index + 1)
                position += len(chunk)
        tail.scanned = position
        if starts:
            with open(index_path(log), "a", encoding="ascii") as output:
                output.writelines(f"{start} {now_ns}\n" for start in starts)


def _last_indexed(index: Path) -> int | None:
    try:
        with open(index, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            end = handle.tell()
            handle.seek(max(0, end - 256))
            lines = handle.read().splitlines()
    except FileNotFoundError:
        return None
    for line in reversed(lines):
        fields = line.split()
        if len(fields) == 2 and fields[0].isdigit():
            return int(fields[0])
    return None


@dataclass(frozen=True, slots=True)
class LogOptions:
    """The ``pods/log`` query parameters the kubelet honours."""

    tail_lines: int | None = None
    limit_bytes: int | None = None
    since_ns: int | None = None
    timestamps: bool = False


def _read_index(log: Path) -> tuple[list[int], list[int]]:
    offsets: list[int] = []
    times: list[int] = []
    try:
        with open(index_path(log), encoding="ascii") as handle:
            for line in handle:
                fields = line.split()
                if len(fields) == 2:
                    offsets.append(int(fields[0]))
                    times.append(int(fields[1]))
    except FileNotFoundError:
        pass
    return offsets, times


def format_ns(ns: int) -> str:
    """RFC 3339 with nanoseconds, as ``kubectl logs --timestamps`` prints."""
    seconds, rest = divmod(ns, 1_000_000_000)
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S") + f".{rest:09d}Z"


def lines(log: Path, start: int = 0, end: int | None = None) -> Iterator[tuple[int, bytes]]:
    """(offset, line with its newline) from ``start`` up to ``end`` (complete lines, and a last partial one)."""
    with open(log, "rb") as handle:
        handle.seek(start)
        offset = start
        for line in handle:
            if end is not None and offset >= end:
                return
            yield offset, line
            offset += len(line)


def read(log: Path, options: LogOptions, *, mtime_fallback: bool = True) -> tuple[bytes, int]:
    """The selected part of a log (and the byte offset it ends at, for following)."""
    try:
        size = log.stat().st_size
    except FileNotFoundError:
        return b"", 0
    offsets, times = _read_index(log)
    fallback = int(log.stat().st_mtime * 1e9) if mtime_fallback else 0

    def stamp_of(offset: int) -> int:
        position = bisect.bisect_right(offsets, offset) - 1
        if position >= 0 and offsets[position] == offset:
            return times[position]
        return fallback

    selected = [(o, line) for o, line in lines(log, 0, size)]
    if options.since_ns is not None:
        since = options.since_ns
        selected = [(o, line) for o, line in selected if stamp_of(o) >= since]
    if options.tail_lines is not None:
        selected = selected[-options.tail_lines :] if options.tail_lines > 0 else []
    out = bytearray()
    for offset, line in selected:
        if options.timestamps:
            out += format_ns(stamp_of(offset)).encode() + b" "
        out += line
    data = bytes(out)
    if options.limit_bytes is not None:
        data = data[: options.limit_bytes]
    return data, size


def render(log: Path, start: int, end: int, timestamps: bool) -> bytes:
    """Bytes ``start..end`` of a log (for following), with timestamps when asked."""
    if not timestamps:
        with open(log, "rb") as handle:
            handle.seek(start)
            return handle.read(end - start)
    offsets, times = _read_index(log)
    known = dict(zip(offsets, times, strict=True))
    out = bytearray()
    for offset, line in lines(log, start, end):
        out += format_ns(known.get(offset, int(log.stat().st_mtime * 1e9))).encode() + b" " + line
    return bytes(out)
