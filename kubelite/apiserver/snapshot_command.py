"""``kubelite snapshot save|restore FILE`` and ``kubelite migrate``: logical snapshots of either storage backend
(see :mod:`kubelite.apiserver.snapshot` for the file format) and a verified copy from a SQLite data dir to etcd.

Every refusal (bad flags, a damaged file, a store in use, a non-empty target) is one line on stderr and exit code 2,
before anything is written; a failure while working (etcd unreachable) is exit code 1.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Coroutine, Sequence
from pathlib import Path
from typing import Any, NoReturn

from kubelite.apiserver import snapshot
from kubelite.apiserver.command import StorageConfig, etcd_arguments, etcd_options, storage_arguments, storage_config
from kubelite.apiserver.storage import EtcdOptions, Storage, StorageError, StoredObject, open_storage
from kubelite.apiserver.storage.sqlite import read_live

DATA_DIR_HELP = "sqlite backend: the data dir holding kubelite.db (default: %(default)s)"


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (``prog: message``), exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message}\n")


class _Refused(Exception):
    """A one-line reason to stop before writing anything (exit 2)."""


def _describe(config: StorageConfig) -> str:
    if config.etcd is not None:
        return f"etcd {','.join(config.etcd.servers)} (prefix {config.etcd.prefix})"
    return f"sqlite {config.data_dir / 'kubelite.db'}"


def _read_sqlite(data_dir: Path) -> tuple[int, list[StoredObject]]:
    try:
        return read_live(data_dir / "kubelite.db", snapshot.PREFIX)
    except FileNotFoundError:
        raise _Refused(f"no kubelite.db in {data_dir}") from None
    except RuntimeError as exc:
        raise _Refused(str(exc)) from None


async def _open(config: StorageConfig) -> Storage:
    if config.etcd is None:
        config.data_dir.mkdir(parents=True, exist_ok=True)
    try:
        return await open_storage(config.backend, config.data_dir, etcd=config.etcd)
    except RuntimeError as exc:  # sqlite: in use, or a newer schema
        raise _Refused(str(exc)) from None


async def _save(config: StorageConfig, path: Path) -> str:
    if config.etcd is None:
        revision, items = _read_sqlite(config.data_dir)
    else:
        storage = await _open(config)
        try:
            revision, items = await snapshot.read_storage(storage)
        finally:
            await storage.close()
    count = snapshot.write(path, config.backend, revision, items)
    return f"saved {count} keys at revision {revision} from {_describe(config)} to {path}"


async def _restore(config: StorageConfig, path: Path, *, force: bool) -> str:
    saved = snapshot.read(path)
    storage = await _open(config)
    try:
        await snapshot.load(storage, saved.items, force=force)
        problem = await snapshot.verify(storage, saved.items)
        if problem is not None:
            raise StorageError(f"verification failed after restoring: {problem}")
        revision = await storage.current_revision()
    finally:
        await storage.close()
    return (
        f"restored {len(saved.items)} keys (a {saved.backend} snapshot at revision {saved.revision}, {saved.created})"
        f" into {_describe(config)}; its revision is now {revision}"
    )


def _run(prog: str, work: Coroutine[Any, Any, str]) -> int:
    try:
        line = asyncio.run(work)
    except (_Refused, snapshot.SnapshotError) as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 2
    except (OSError, StorageError) as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 1
    print(line)
    return 0


def snapshot_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="kubelite snapshot",
        description="Save every object of a kubelite store (sqlite or etcd3) to a file at one revision, or restore "
        "such a file into an empty store of either backend.",
    )
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=_Parser)
    save = sub.add_parser("save", help="write a snapshot of the store to FILE (.gz: compressed)")
    restore = sub.add_parser("restore", help="load a snapshot FILE into an empty store")
    for action in (save, restore):
        action.add_argument("file", type=Path, metavar="FILE")
        storage_arguments(action, data_dir_help=DATA_DIR_HELP)
    restore.add_argument(
        "--force", action="store_true", help="delete everything the target holds under /registry/ first"
    )
    return p


def snapshot_main(argv: Sequence[str]) -> int:
    p = snapshot_parser()
    args = p.parse_args(argv)
    prog = f"kubelite snapshot {args.action}"
    config = storage_config(args)
    if isinstance(config, str):
        print(f"{prog}: {config}", file=sys.stderr)
        return 2
    if args.action == "save":
        if not args.file.parent.is_dir():
            print(f"{prog}: {args.file.parent}: no such directory", file=sys.stderr)
            return 2
        return _run(prog, _save(config, args.file))
    return _run(prog, _restore(config, args.file, force=args.force))


def migrate_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="kubelite migrate",
        description="Copy every object from a SQLite data dir (not in use by a server) into etcd, whose prefix must "
        "be empty, and verify the copy.",
    )
    p.add_argument("--from-data-dir", type=Path, required=True, metavar="DIR", help="the data dir holding kubelite.db")
    etcd_arguments(p, servers_flag="--to-etcd-servers")
    return p


async def _migrate(source: Path, etcd: EtcdOptions) -> str:
    revision, items = _read_sqlite(source)
    target = StorageConfig("etcd3", source, etcd)
    storage = await _open(target)
    try:
        await snapshot.load(storage, items)
        problem = await snapshot.verify(storage, items)
        if problem is not None:
            raise StorageError(f"verification failed after copying: {problem}")
        now = await storage.current_revision()
    finally:
        await storage.close()
    return (
        f"migrated {len(items)} keys from {source / 'kubelite.db'} (revision {revision}) to {_describe(target)};"
        f" verified; etcd's revision is now {now}"
    )


def migrate_main(argv: Sequence[str]) -> int:
    prog = "kubelite migrate"
    args = migrate_parser().parse_args(argv)
    etcd = etcd_options(args, servers_flag="--to-etcd-servers")
    if isinstance(etcd, str):
        print(f"{prog}: {etcd.replace(' with --storage-backend=etcd3', '')}", file=sys.stderr)
        return 2
    return _run(prog, _migrate(args.from_data_dir, etcd))
