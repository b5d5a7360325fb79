"""Log timestamps: the stamper indexes line starts once; reads honour tail, since, limit and timestamps."""

from __future__ import annotations

from pathlib import Path

import pytest

from kubelite.kubelet.logs import LogOptions, Stamper, read

pytestmark = pytest.mark.unit


def test_lines_are_stamped_when_first_seen_and_selected_by_time(tmp_path: Path) -> None:
    log = tmp_path / "0.log"
    log.write_bytes(b"one\ntw")
    stamper = Stamper()
    stamper.track(log)
    stamper.stamp(1_000_000_000)
    with open(log, "ab") as handle:
        handle.write(b"o\nthree\n")
    stamper.stamp(2_000_000_000)
    assert read(log, LogOptions())[0] == b"one\ntwo\nthree\n"
    assert read(log, LogOptions(since_ns=1_500_000_000))[0] == b"three\n"
    assert read(log, LogOptions(tail_lines=1))[0] == b"three\n"
    assert read(log, LogOptions(limit_bytes=5))[0] == b"one\nt"
    stamped = read(log, LogOptions(timestamps=True, tail_lines=2))[0].decode().splitlines()
    assert stamped == ["1970-01-01T00:00:01.000000000Z two", "1970-01-01T00:00:02.000000000Z three"]


def test_a_new_stamper_resumes_from_the_index(tmp_path: Path) -> None:
    log = tmp_path / "0.log"
    log.write_bytes(b"one\n")
    first = Stamper()
    first.track(log)
    first.stamp(1_000_000_000)
    with open(log, "ab") as handle:
        handle.write(b"two\n")
    second = Stamper()
    second.track(log)
    second.stamp(5_000_000_000)
    stamped = read(log, LogOptions(timestamps=True))[0].decode().splitlines()
    assert stamped == ["1970-01-01T00:00:01.000000000Z one", "1970-01-01T00:00:05.000000000Z two"]
