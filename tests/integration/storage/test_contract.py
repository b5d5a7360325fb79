"""The Storage contract (``kubelite/apiserver/storage/interface.py``), clause by clause, against every backend.

A backend joins the suite as one more entry in ``BACKENDS``: a name that ``open_storage`` knows and a way to open it
with a small watch queue (for the slow-watcher clause). Every test gets a fresh store in its own ``tmp_path``.

Revisions are relative: a fresh store need not be at revision 0 (a new etcd cluster is at 1), so every test takes
``base = await storage.current_revision()`` first and expects its n-th write at ``base + n``.
"""

from __future__ import annotations

import asyncio
import pathlib
import random
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass

import pytest

from kubelite.apiserver.storage import (
    CompactedError,
    EtcdOptions,
    EventType,
    FutureRevisionError,
    KeyExistsError,
    KeyNotFoundError,
    RevisionConflictError,
    Storage,
    StoredObject,
    WatchEvent,
    open_storage,
)
from kubelite.apiserver.storage.etcd import EtcdStorage
from kubelite.apiserver.storage.sqlite import SQLiteStorage
from tests.integration.etcd import etcd_cluster

pytestmark = pytest.mark.integration

REPO = pathlib.Path(__file__).parents[3]

#: How long a test waits for a watch event that should come before calling it a hang.
EVENT_TIMEOUT = 10.0


@dataclass(frozen=True)
class Backend:
    name: str
    #: Open the store in ``data_dir`` with a watch queue of the given size.
    open_with_queue: Callable[[pathlib.Path, int], Awaitable[Storage]]
    #: The etcd cluster this test's store lives in (a fresh one per test, so it has no keys and no compaction).
    etcd: EtcdOptions | None = None

    async def open(self, data_dir: pathlib.Path) -> Storage:
        return await open_storage(self.name, data_dir, etcd=self.etcd)

    def child_args(self) -> list[str]:
        """What the child process of the kill -9 test needs after the backend name and data dir."""
        return [",".join(self.etcd.servers)] if self.etcd is not None else []


async def _open_sqlite(data_dir: pathlib.Path, watch_queue_size: int) -> Storage:
    return await SQLiteStorage.open(data_dir / "kubelite.db", watch_queue_size=watch_queue_size)


@pytest.fixture(params=["sqlite", "etcd3"])
def backend(request: pytest.FixtureRequest, tmp_path: pathlib.Path) -> Iterator[Backend]:
    if request.param == "sqlite":
        yield Backend("sqlite", _open_sqlite)
        return
    with etcd_cluster(tmp_path) as cluster:
        options = cluster.options()

        async def open_etcd(data_dir: pathlib.Path, watch_queue_size: int) -> Storage:
            return await EtcdStorage.open(options, watch_queue_size=watch_queue_size)

        yield Backend("etcd3", open_etcd, options)


@pytest.fixture
async def storage(backend: Backend, tmp_path: pathlib.Path) -> AsyncIterator[Storage]:
    store = await backend.open(tmp_path)
    yield store
    await store.close()


async def next_event(watch: AsyncIterator[WatchEvent]) -> WatchEvent:
    return await asyncio.wait_for(anext(watch), EVENT_TIMEOUT)


async def take(watch: AsyncIterator[WatchEvent], n: int) -> list[WatchEvent]:
    return [await next_event(watch) for _ in range(n)]


async def write_history(storage: Storage) -> int:
    """Revisions base+1 to base+6 under /h/: create a, create b, update a, delete b, create c, update a; returns
    base (the revision before)."""
    base = await storage.current_revision()
    a = await storage.create("/h/a", b"a1")
    b = await storage.create("/h/b", b"b1")
    a = await storage.update("/h/a", b"a2", expected_revision=a.mod_revision)
    await storage.delete("/h/b", expected_revision=b.mod_revision)
    await storage.create("/h/c", b"c1")
    await storage.update("/h/a", b"a3", expected_revision=a.mod_revision)
    return base


def history(base: int) -> list[tuple[object, ...]]:
    """The events of ``write_history`` from ``base``, as (type, key, value, revision, create_revision, prev_value)."""
    return [
        (EventType.PUT, "/h/a", b"a1", base + 1, base + 1, None),
        (EventType.PUT, "/h/b", b"b1", base + 2, base + 2, None),
        (EventType.PUT, "/h/a", b"a2", base + 3, base + 1, b"a1"),
        (EventType.DELETE, "/h/b", b"b1", base + 4, base + 2, b"b1"),
        (EventType.PUT, "/h/c", b"c1", base + 5, base + 5, None),
        (EventType.PUT, "/h/a", b"a3", base + 6, base + 1, b"a2"),
    ]


async def ended_by(watch: AsyncIterator[WatchEvent], error: type[Exception]) -> AsyncIterator[WatchEvent]:
    """The events ``watch`` yields before it raises ``error``; fails if it ends otherwise."""
    while True:
        try:
            event = await next_event(watch)
        except error:
            return
        yield event


def as_tuples(events: list[WatchEvent]) -> list[tuple[object, ...]]:
    return [(e.type, e.key, e.value, e.revision, e.create_revision, e.prev_value) for e in events]


# --- an empty store ---------------------------------------------------------------------------------------------------


async def test_an_empty_store_has_no_keys_and_nothing_compacted(storage: Storage) -> None:
    base = await storage.current_revision()
    assert base >= 0
    assert await storage.compacted_revision() == 0
    assert await storage.get("/x") is None
    result = await storage.list("/")
    assert (result.items, result.revision, result.more, result.remaining) == ([], base, False, 0)
    assert await storage.count("/") == 0
    assert await storage.current_revision() == base


# --- create, get ------------------------------------------------------------------------------------------------------


async def test_create_stores_a_key_at_the_next_revision(storage: Storage) -> None:
    base = await storage.current_revision()
    created = await storage.create("/k", b"v")
    assert created == StoredObject("/k", b"v", create_revision=base + 1, mod_revision=base + 1)
    assert await storage.get("/k") == created
    assert await storage.current_revision() == base + 1


async def test_create_of_an_existing_key_raises_and_writes_nothing(storage: Storage) -> None:
    base = await storage.current_revision()
    await storage.create("/k", b"v1")
    with pytest.raises(KeyExistsError) as e:
        await storage.create("/k", b"v2")
    assert e.value.key == "/k"
    assert await storage.get("/k") == StoredObject("/k", b"v1", base + 1, base + 1)
    assert await storage.current_revision() == base + 1


async def test_a_deleted_key_can_be_created_again_with_a_new_create_revision(storage: Storage) -> None:
    base = await storage.current_revision()
    await storage.create("/k", b"v1")
    await storage.delete("/k")
    again = await storage.create("/k", b"v2")
    assert again == StoredObject("/k", b"v2", create_revision=base + 3, mod_revision=base + 3)


# --- update -----------------------------------------------------------------------------------------------------------


async def test_update_with_the_current_revision_replaces_the_value(storage: Storage) -> None:
    base = await storage.current_revision()
    created = await storage.create("/k", b"v1")
    await storage.create("/other", b"o")
    updated = await storage.update("/k", b"v2", expected_revision=created.mod_revision)
    assert updated == StoredObject("/k", b"v2", create_revision=base + 1, mod_revision=base + 3)
    assert await storage.get("/k") == updated


async def test_update_with_a_stale_revision_raises_a_conflict_carrying_what_is_stored(storage: Storage) -> None:
    created = await storage.create("/k", b"v1")
    updated = await storage.update("/k", b"v2", expected_revision=created.mod_revision)
    with pytest.raises(RevisionConflictError) as e:
        await storage.update("/k", b"v3", expected_revision=created.mod_revision)
    assert (e.value.key, e.value.expected, e.value.current) == ("/k", created.mod_revision, updated)
    assert await storage.get("/k") == updated
    assert await storage.current_revision() == updated.mod_revision


@pytest.mark.parametrize("deleted_first", [False, True], ids=["never-created", "deleted"])
async def test_update_of_a_missing_key_raises_not_found(storage: Storage, deleted_first: bool) -> None:
    expected_revision = 0
    if deleted_first:
        expected_revision = (await storage.create("/k", b"v1")).mod_revision
        await storage.delete("/k")
    revision = await storage.current_revision()
    with pytest.raises(KeyNotFoundError) as e:
        await storage.update("/k", b"v2", expected_revision=expected_revision)
    assert e.value.key == "/k"
    assert await storage.current_revision() == revision


# --- delete -----------------------------------------------------------------------------------------------------------


async def test_delete_returns_the_last_value_at_the_deletion_revision(storage: Storage) -> None:
    base = await storage.current_revision()
    created = await storage.create("/k", b"v1")
    updated = await storage.update("/k", b"v2", expected_revision=created.mod_revision)
    deleted = await storage.delete("/k")
    assert deleted == StoredObject("/k", b"v2", create_revision=base + 1, mod_revision=updated.mod_revision + 1)
    assert await storage.current_revision() == deleted.mod_revision
    assert await storage.get("/k") is None


async def test_delete_with_the_current_revision_deletes(storage: Storage) -> None:
    base = await storage.current_revision()
    created = await storage.create("/k", b"v1")
    deleted = await storage.delete("/k", expected_revision=created.mod_revision)
    assert deleted.mod_revision == base + 2
    assert await storage.get("/k") is None


async def test_delete_with_a_stale_revision_raises_a_conflict_and_keeps_the_key(storage: Storage) -> None:
    created = await storage.create("/k", b"v1")
    updated = await storage.update("/k", b"v2", expected_revision=created.mod_revision)
    with pytest.raises(RevisionConflictError) as e:
        await storage.delete("/k", expected_revision=created.mod_revision)
    assert e.value.current == updated
    assert await storage.get("/k") == updated


@pytest.mark.parametrize("expected_revision", [None, 1], ids=["unconditional", "conditional"])
async def test_delete_of_a_missing_key_raises_not_found(storage: Storage, expected_revision: int | None) -> None:
    base = await storage.current_revision()
    with pytest.raises(KeyNotFoundError) as e:
        await storage.delete("/k", expected_revision=None if expected_revision is None else base + expected_revision)
    assert e.value.key == "/k"
    assert await storage.current_revision() == base


# --- revisions --------------------------------------------------------------------------------------------------------


async def test_every_write_to_any_key_takes_the_next_revision(storage: Storage) -> None:
    base = await storage.current_revision()
    revisions = []
    for i in range(5):
        revisions.append((await storage.create(f"/r/{i}", b"1")).mod_revision)
    for i in range(5):
        revisions.append((await storage.update(f"/r/{i}", b"2", expected_revision=revisions[i])).mod_revision)
    for i in range(5):
        revisions.append((await storage.delete(f"/r/{i}")).mod_revision)
    assert revisions == list(range(base + 1, base + 16))
    assert await storage.current_revision() == base + 15


# --- reads at a past revision -----------------------------------------------------------------------------------------


async def test_get_at_a_past_revision_sees_the_key_as_it_was(storage: Storage) -> None:
    base = await write_history(storage)
    seen = [await storage.get("/h/a", revision=base + r) for r in range(7)]
    assert [(o.value, o.mod_revision - base) if o else None for o in seen] == [
        None,
        (b"a1", 1),
        (b"a1", 1),
        (b"a2", 3),
        (b"a2", 3),
        (b"a2", 3),
        (b"a3", 6),
    ]
    assert [await storage.get("/h/b", revision=base + r) is not None for r in range(7)] == [
        False,
        False,
        True,
        True,
    ] + [False] * 3


async def test_list_at_a_past_revision_sees_the_store_as_it_was(storage: Storage) -> None:
    base = await write_history(storage)
    expected = {
        0: [],
        1: [("/h/a", b"a1", 1)],
        2: [("/h/a", b"a1", 1), ("/h/b", b"b1", 2)],
        3: [("/h/a", b"a2", 3), ("/h/b", b"b1", 2)],
        4: [("/h/a", b"a2", 3)],
        5: [("/h/a", b"a2", 3), ("/h/c", b"c1", 5)],
        6: [("/h/a", b"a3", 6), ("/h/c", b"c1", 5)],
    }
    for n, items in expected.items():
        result = await storage.list("/h/", revision=base + n)
        assert [(o.key, o.value, o.mod_revision - base) for o in result.items] == items, n
        assert result.revision == base + n


@pytest.mark.parametrize("read", ["get", "list"])
async def test_a_read_at_a_revision_not_yet_written_raises(storage: Storage, read: str) -> None:
    base = await storage.current_revision()
    await storage.create("/k", b"v")
    with pytest.raises(FutureRevisionError) as e:
        await (storage.get("/k", revision=base + 2) if read == "get" else storage.list("/", revision=base + 2))
    assert (e.value.requested, e.value.current) == (base + 2, base + 1)


# --- list: prefixes, order, pagination, count -------------------------------------------------------------------------

PREFIX_KEYS = [
    "/a",
    "/a/b",
    "/a/b/x",
    "/a/bc",
    "/a/b%",
    "/a/b_",
    "/a/c",
    "/a/_x",
    "/ab",
    "/b",
    "/u/\ud7ffz",
    "/u/\ue000",
    "/u/é",
    "/u/\U0010ffff",
    "/u/\U0010ffffz",
]


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("/a/b", ["/a/b", "/a/b%", "/a/b/x", "/a/b_", "/a/bc"]),
        ("/a/b/", ["/a/b/x"]),
        ("/a/bc", ["/a/bc"]),
        ("/a/_", ["/a/_x"]),
        ("/a/b%", ["/a/b%"]),
        ("/a/", ["/a/_x", "/a/b", "/a/b%", "/a/b/x", "/a/b_", "/a/bc", "/a/c"]),
        ("/u/\ud7ff", ["/u/\ud7ffz"]),
        ("/u/\U0010ffff", ["/u/\U0010ffff", "/u/\U0010ffffz"]),
        ("/zzz", []),
        ("", sorted(PREFIX_KEYS)),
    ],
    ids=[
        "a-b",
        "a-b-slash",
        "a-bc",
        "underscore",
        "percent",
        "a-slash",
        "before-surrogates",
        "max-char",
        "none",
        "all",
    ],
)
async def test_list_and_count_match_a_plain_string_prefix_in_key_order(
    storage: Storage, prefix: str, expected: list[str]
) -> None:
    base = await storage.current_revision()
    shuffled = random.Random(0).sample(PREFIX_KEYS, len(PREFIX_KEYS))
    for key in shuffled:
        await storage.create(key, key.encode())
    result = await storage.list(prefix)
    assert [o.key for o in result.items] == expected
    assert [o.value for o in result.items] == [k.encode() for k in expected]
    assert await storage.count(prefix) == len(expected)
    past = await storage.list(prefix, revision=base + len(shuffled) - 1)
    assert [o.key for o in past.items] == [k for k in expected if k != shuffled[-1]]


async def test_count_follows_creates_and_deletes(storage: Storage) -> None:
    for i in range(4):
        await storage.create(f"/c/{i}", b"v")
    await storage.create("/cx", b"v")
    await storage.delete("/c/1")
    assert await storage.count("/c/") == 3
    assert await storage.count("/c") == 4


async def test_pages_come_from_one_snapshot_while_writes_happen_between_them(storage: Storage) -> None:
    base = await storage.current_revision()
    for i in range(10):
        await storage.create(f"/p/{i}", f"v{i}".encode())
    first = await storage.list("/p/", limit=4)
    assert [o.key for o in first.items] == ["/p/0", "/p/1", "/p/2", "/p/3"]
    assert (first.revision, first.more, first.remaining) == (base + 10, True, 6)

    # Writes between pages: a key of the next page changes, one is deleted, one is added before and after the cursor.
    await storage.update("/p/4", b"changed", expected_revision=base + 5)
    await storage.delete("/p/5")
    await storage.create("/p/00", b"new")
    await storage.create("/p/99", b"new")

    second = await storage.list("/p/", limit=4, start_after=first.items[-1].key, revision=first.revision)
    assert [(o.key, o.value) for o in second.items] == [
        ("/p/4", b"v4"),
        ("/p/5", b"v5"),
        ("/p/6", b"v6"),
        ("/p/7", b"v7"),
    ]
    assert (second.revision, second.more, second.remaining) == (base + 10, True, 2)
    last = await storage.list("/p/", limit=4, start_after=second.items[-1].key, revision=first.revision)
    assert [o.key for o in last.items] == ["/p/8", "/p/9"]
    assert (last.more, last.remaining) == (False, 0)

    now = await storage.list("/p/", limit=4, start_after="/p/3")
    assert [(o.key, o.value) for o in now.items] == [
        ("/p/4", b"changed"),
        ("/p/6", b"v6"),
        ("/p/7", b"v7"),
        ("/p/8", b"v8"),
    ]
    assert (now.revision, now.more, now.remaining) == (base + 14, True, 2)


@pytest.mark.parametrize(("limit", "more", "remaining"), [(0, False, 0), (2, True, 1), (3, False, 0), (4, False, 0)])
async def test_limit_sets_more_and_remaining(storage: Storage, limit: int, more: bool, remaining: int) -> None:
    for key in ("/l/a", "/l/b", "/l/c", "/lz"):
        await storage.create(key, b"v")
    result = await storage.list("/l/", limit=limit)
    assert len(result.items) == min(limit or 3, 3)
    assert (result.more, result.remaining) == (more, remaining)


async def test_start_after_is_exclusive_and_need_not_be_a_stored_key(storage: Storage) -> None:
    for key in ("/s/a", "/s/b", "/s/c"):
        await storage.create(key, b"v")
    assert [o.key for o in (await storage.list("/s/", start_after="/s/a")).items] == ["/s/b", "/s/c"]
    assert [o.key for o in (await storage.list("/s/", start_after="/s/aa")).items] == ["/s/b", "/s/c"]
    assert [o.key for o in (await storage.list("/s/", start_after="/r")).items] == ["/s/a", "/s/b", "/s/c"]
    assert [o.key for o in (await storage.list("/s/", start_after="/s/c")).items] == []


# --- watch ------------------------------------------------------------------------------------------------------------


async def test_watch_from_the_start_replays_history_then_follows_live_writes(storage: Storage) -> None:
    base = await write_history(storage)
    watch = storage.watch("/h/", after_revision=base)
    try:
        assert as_tuples(await take(watch, 6)) == history(base)
        await storage.delete("/h/a")
        await storage.create("/h/d", b"d1")
        assert as_tuples(await take(watch, 2)) == [
            (EventType.DELETE, "/h/a", b"a3", base + 7, base + 1, b"a3"),
            (EventType.PUT, "/h/d", b"d1", base + 8, base + 8, None),
        ]
    finally:
        await watch.aclose()


@pytest.mark.parametrize("after_revision", [2, 3, 5])
async def test_watch_from_a_middle_revision_replays_only_later_writes(storage: Storage, after_revision: int) -> None:
    base = await write_history(storage)
    watch = storage.watch("/h/", after_revision=base + after_revision)
    try:
        assert as_tuples(await take(watch, 6 - after_revision)) == history(base)[after_revision:]
        await storage.create("/h/e", b"e1")
        assert (await next_event(watch)).revision == base + 7
    finally:
        await watch.aclose()


@pytest.mark.parametrize("phase", ["history", "live"])
async def test_watch_events_carry_values_and_previous_values(storage: Storage, phase: str) -> None:
    base = await storage.current_revision()
    watch = storage.watch("/h/", after_revision=base)
    try:
        if phase == "live":
            await storage.create("/h/start", b"s")
            assert (await next_event(watch)).key == "/h/start"
            await write_history(storage)
            expected = history(base + 1)
        else:
            await write_history(storage)
            expected = history(base)
        events = await take(watch, 6)
        assert as_tuples(events) == expected
        assert [e.is_create for e in events] == [True, True, False, False, True, False]
    finally:
        await watch.aclose()


async def test_watch_sees_only_keys_under_its_prefix(storage: Storage) -> None:
    base = await storage.current_revision()
    await storage.create("/a/b", b"1")
    await storage.create("/a/bc", b"2")
    watch = storage.watch("/a/b/", after_revision=base)
    try:
        await storage.create("/a/b/x", b"3")
        await storage.create("/a/bx", b"4")
        await storage.create("/a/b/y", b"5")
        assert [(e.key, e.revision) for e in await take(watch, 2)] == [("/a/b/x", base + 3), ("/a/b/y", base + 5)]
    finally:
        await watch.aclose()
    sibling = storage.watch("/a/b", after_revision=base)
    try:
        assert [e.key for e in await take(sibling, 4)] == ["/a/b", "/a/bc", "/a/b/x", "/a/bx"]
    finally:
        await sibling.aclose()


async def test_watch_from_a_revision_not_yet_written_starts_there(storage: Storage) -> None:
    base = await storage.current_revision()
    await storage.create("/f/a", b"1")
    watch = storage.watch("/f/", after_revision=base + 3)
    first = asyncio.create_task(next_event(watch))
    await asyncio.sleep(0.05)  # let the watch start and wait, so that the writes below arrive live
    try:
        for key in ("/f/b", "/f/c", "/f/d", "/f/e"):
            await storage.create(key, b"1")
        assert [(await first).revision, (await next_event(watch)).revision] == [base + 4, base + 5]
    finally:
        await watch.aclose()


async def test_watchers_started_during_writes_see_every_revision_once(storage: Storage) -> None:
    base = await storage.current_revision()
    writes = 1200  # more than one history batch of the sqlite backend
    rng = random.Random(42)

    async def write() -> None:
        for i in range(writes):
            key = f"/race/{rng.randrange(50)}"
            current = await storage.get(key)
            if current is None:
                await storage.create(key, b"%d" % i)
            elif i % 7 == 0:
                await storage.delete(key)
            else:
                await storage.update(key, b"%d" % i, expected_revision=current.mod_revision)
            await asyncio.sleep(0)

    async def follow(after_revision: int) -> tuple[int, list[int]]:
        watch = storage.watch("/race/", after_revision=after_revision)
        seen: list[int] = []
        try:
            async for event in watch:
                seen.append(event.revision)
                if event.revision >= base + writes:
                    break
        finally:
            await watch.aclose()
        return after_revision, seen

    writer = asyncio.create_task(write())
    followers = []
    # NB: a watcher must start before the last write, or it would wait for a revision that never comes.
    while len(followers) < 40 and await storage.current_revision() < base + writes - 1:
        followers.append(asyncio.create_task(follow(rng.randint(base, await storage.current_revision()))))
        for _ in range(rng.randrange(40)):
            await asyncio.sleep(0)
    results = await asyncio.wait_for(asyncio.gather(writer, *followers), 60)
    assert len({after for after, _ in results[1:]}) > 10, "the watchers should start at many different revisions"
    for after_revision, seen in results[1:]:
        assert seen == list(range(after_revision + 1, base + writes + 1)), after_revision


async def test_closing_a_watch_releases_it(storage: Storage) -> None:
    base = await storage.current_revision()
    await storage.create("/w/a", b"1")
    watch = storage.watch("/w/", after_revision=base)
    assert (await next_event(watch)).revision == base + 1
    await watch.aclose()
    with pytest.raises(StopAsyncIteration):
        await anext(watch)
    await storage.create("/w/b", b"1")
    assert await storage.count("/w/") == 2


async def test_a_slow_watcher_is_ended_with_compacted_and_writers_never_wait(
    backend: Backend, tmp_path: pathlib.Path
) -> None:
    storage = await backend.open_with_queue(tmp_path, 3)
    try:
        base = await storage.current_revision()
        await storage.create("/s/0", b"0")
        slow = storage.watch("/s/", after_revision=base)
        fast = storage.watch("/s/", after_revision=base)
        assert (await next_event(slow)).revision == base + 1
        fast_seen = [(await next_event(fast)).revision]
        for i in range(1, 20):
            await asyncio.wait_for(storage.create(f"/s/{i}", b"v"), EVENT_TIMEOUT)
            fast_seen.append((await next_event(fast)).revision)
        assert fast_seen == list(range(base + 1, base + 21))
        # It may first drain what it had queued, but no more than that.
        slow_seen = [e.revision async for e in ended_by(slow, CompactedError)]
        assert slow_seen == list(range(base + 2, base + 2 + len(slow_seen)))
        assert len(slow_seen) <= 3
        await slow.aclose()
        await fast.aclose()
    finally:
        await storage.close()


async def test_close_ends_every_watcher(backend: Backend, tmp_path: pathlib.Path) -> None:
    storage = await backend.open(tmp_path)
    base = await write_history(storage)
    live = storage.watch("/h/", after_revision=base + 6)
    replaying = storage.watch("/h/", after_revision=base)
    assert (await next_event(replaying)).revision == base + 1
    waiting = asyncio.create_task(next_event(live))
    await asyncio.sleep(0.05)
    assert not waiting.done()
    await storage.close()
    with pytest.raises(StopAsyncIteration):
        await asyncio.wait_for(waiting, EVENT_TIMEOUT)
    with pytest.raises(StopAsyncIteration):
        await asyncio.wait_for(anext(replaying), EVENT_TIMEOUT)
    await storage.close()  # idempotent


# --- compaction -------------------------------------------------------------------------------------------------------


async def test_compaction_forgets_older_revisions_and_keeps_the_state_at_its_revision(storage: Storage) -> None:
    base = await write_history(storage)
    await storage.compact(base + 4)
    assert await storage.compacted_revision() == base + 4

    with pytest.raises(CompactedError) as e:
        await storage.get("/h/a", revision=base + 3)
    assert (e.value.requested, e.value.compacted) == (base + 3, base + 4)
    with pytest.raises(CompactedError) as e:
        await storage.list("/h/", revision=base + 3)
    assert (e.value.requested, e.value.compacted) == (base + 3, base + 4)

    assert await storage.get("/h/a", revision=base + 4) == StoredObject("/h/a", b"a2", base + 1, base + 3)
    assert await storage.get("/h/b", revision=base + 4) is None
    assert [(o.key, o.mod_revision) for o in (await storage.list("/h/", revision=base + 4)).items] == [
        ("/h/a", base + 3)
    ]
    assert [(o.key, o.mod_revision) for o in (await storage.list("/h/", revision=base + 5)).items] == [
        ("/h/a", base + 3),
        ("/h/c", base + 5),
    ]
    assert [(o.key, o.value) for o in (await storage.list("/h/")).items] == [("/h/a", b"a3"), ("/h/c", b"c1")]


async def test_compaction_keeps_the_latest_value_of_every_live_key(storage: Storage) -> None:
    base = await write_history(storage)
    await storage.compact(base + 6)
    assert [(o.key, o.value, o.create_revision) for o in (await storage.list("/h/", revision=base + 6)).items] == [
        ("/h/a", b"a3", base + 1),
        ("/h/c", b"c1", base + 5),
    ]
    assert await storage.count("/h/") == 2


async def test_a_watch_from_below_the_compacted_revision_raises_on_first_next(storage: Storage) -> None:
    base = await write_history(storage)
    await storage.compact(base + 4)
    watch = storage.watch("/h/", after_revision=base + 3)  # the call itself does not raise
    with pytest.raises(CompactedError) as e:
        await anext(watch)
    assert (e.value.requested, e.value.compacted) == (base + 3, base + 4)


async def test_a_watch_from_the_compacted_revision_replays_what_follows(storage: Storage) -> None:
    base = await write_history(storage)
    await storage.compact(base + 4)
    watch = storage.watch("/h/", after_revision=base + 4)
    try:
        assert as_tuples(await take(watch, 2)) == history(base)[4:]
    finally:
        await watch.aclose()


async def test_compaction_during_a_replay_never_leaves_a_gap(storage: Storage) -> None:
    base = await storage.current_revision()
    objects = [await storage.create(f"/g/{i}", b"0") for i in range(10)]
    while objects[-1].mod_revision < base + 1500:  # rewrite the same keys, so compaction has rows to drop
        objects = [await storage.update(o.key, b"v", expected_revision=o.mod_revision) for o in objects]
    watch = storage.watch("/g/", after_revision=base)
    seen = [(await next_event(watch)).revision]
    await storage.compact(base + 1400)
    try:
        while seen[-1] < base + 1500:
            seen.append((await next_event(watch)).revision)
    except CompactedError:
        pass
    finally:
        await watch.aclose()
    assert seen == list(range(base + 1, base + len(seen) + 1))


async def test_compacting_again_at_or_below_the_compacted_revision_does_nothing(storage: Storage) -> None:
    base = await write_history(storage)
    await storage.compact(base + 4)
    await storage.compact(base + 4)
    await storage.compact(base + 2)
    assert await storage.compacted_revision() == base + 4
    assert await storage.get("/h/a", revision=base + 4) is not None


async def test_compacting_beyond_the_current_revision_raises(storage: Storage) -> None:
    base = await write_history(storage)
    with pytest.raises(FutureRevisionError):
        await storage.compact(base + 7)
    assert await storage.compacted_revision() == 0


# --- persistence ------------------------------------------------------------------------------------------------------


async def test_a_reopened_store_has_its_data_revisions_and_compaction(backend: Backend, tmp_path: pathlib.Path) -> None:
    storage = await backend.open(tmp_path)
    base = await write_history(storage)
    await storage.compact(base + 4)
    # The newest write is a deletion that compaction drops: its revision must still never be handed out again.
    await storage.create("/h/gone", b"x")
    await storage.delete("/h/gone")
    await storage.compact(base + 8)
    before = await storage.list("/h/")
    await storage.close()

    storage = await backend.open(tmp_path)
    try:
        assert await storage.current_revision() == base + 8
        assert await storage.compacted_revision() == base + 8
        assert await storage.list("/h/") == before
        with pytest.raises(CompactedError):
            await storage.get("/h/a", revision=base + 7)
        created = await storage.create("/h/new", b"n")
        assert created.mod_revision == base + 9
    finally:
        await storage.close()


CHILD = """
import asyncio, pathlib, sys
from kubelite.apiserver.storage import EtcdOptions, open_storage

async def main():
    etcd = EtcdOptions(tuple(sys.argv[3].split(","))) if len(sys.argv) > 3 else None
    storage = await open_storage(sys.argv[1], pathlib.Path(sys.argv[2]), etcd=etcd)
    i = 0
    while True:
        obj = await storage.create(f"/durable/{i:06d}", b"value %d" % i)
        print(obj.key, obj.mod_revision, flush=True)
        i += 1

asyncio.run(main())
"""


async def test_every_acknowledged_write_survives_kill_9(backend: Backend, tmp_path: pathlib.Path) -> None:
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        CHILD,
        backend.name,
        str(tmp_path),
        *backend.child_args(),
        cwd=REPO,
        stdout=asyncio.subprocess.PIPE,
    )
    assert child.stdout is not None
    acknowledged: dict[str, int] = {}
    try:
        while len(acknowledged) < 300:
            line = await asyncio.wait_for(child.stdout.readline(), 30)
            assert line, "the writer exited early"
            key, revision = line.decode().split()
            acknowledged[key] = int(revision)
    finally:
        child.send_signal(signal.SIGKILL)
    # Lines printed before the kill are acknowledged too; a torn last line is not.
    for line in (await child.stdout.read()).decode().splitlines(keepends=True):
        if line.endswith("\n"):
            key, revision = line.split()
            acknowledged[key] = int(revision)
    assert await child.wait() == -signal.SIGKILL

    storage = await backend.open(tmp_path)
    try:
        stored = {o.key: o.mod_revision for o in (await storage.list("/durable/")).items}
        assert {key: stored.get(key) for key in acknowledged} == acknowledged
        assert await storage.current_revision() >= max(acknowledged.values())
    finally:
        await storage.close()


# --- the factory and the sqlite file ----------------------------------------------------------------------------------


async def test_open_storage_names_the_supported_backends(tmp_path: pathlib.Path) -> None:
    with pytest.raises(ValueError, match="supported: sqlite"):
        await open_storage("mysql", tmp_path)


async def test_a_sqlite_file_is_refused_while_another_process_holds_it(tmp_path: pathlib.Path) -> None:
    holder = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "import asyncio, pathlib, sys\n"
        "from kubelite.apiserver.storage.sqlite import SQLiteStorage\n"
        "async def main():\n"
        "    await SQLiteStorage.open(pathlib.Path(sys.argv[1]))\n"
        "    print('open', flush=True)\n"
        "    await asyncio.sleep(60)\n"
        "asyncio.run(main())\n",
        str(tmp_path / "kubelite.db"),
        cwd=REPO,
        stdout=asyncio.subprocess.PIPE,
    )
    assert holder.stdout is not None
    try:
        assert await asyncio.wait_for(holder.stdout.readline(), 30) == b"open\n"
        with pytest.raises(RuntimeError, match="in use by another process"):
            await SQLiteStorage.open(tmp_path / "kubelite.db")
    finally:
        holder.kill()
        await holder.wait()
