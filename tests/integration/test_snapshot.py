"""``kubelite snapshot save|restore`` and ``kubelite migrate``: round trips sqlite -> sqlite, etcd -> etcd and
sqlite -> etcd, each read back with kubectl from a server on the restored store; refusals are one line, exit 2."""

from __future__ import annotations

import asyncio
import gzip
import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kubelite import cli
from kubelite.apiserver import snapshot
from kubelite.apiserver.storage import StoredObject
from tests.integration.etcd import EtcdCluster, etcd_cluster
from tests.integration.server import RunningServer, process_server, threaded_server

pytestmark = pytest.mark.integration

KUBELITE = str(Path(sys.executable).parent / "kubelite")
CRD = textwrap.dedent(
    """\
    apiVersion: apiextensions.k8s.io/v1
    kind: CustomResourceDefinition
    metadata:
      name: gadgets.example.com
    spec:
      group: example.com
      names: {kind: Gadget, plural: gadgets, singular: gadget}
      scope: Namespaced
      versions:
      - name: v1
        served: true
        storage: true
        schema:
          openAPIV3Schema:
            type: object
            properties:
              spec: {type: object, properties: {size: {type: integer}}}
    """
)
GADGETS = "".join(
    f"---\napiVersion: example.com/v1\nkind: Gadget\nmetadata: {{name: g{i}, namespace: team}}\nspec: {{size: {i}}}\n"
    for i in range(3)
)


def kubelite(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([KUBELITE, *args], capture_output=True, text=True, timeout=60, check=False)


def ok(*args: str) -> str:
    result = kubelite(*args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def refused(*args: str, message: str) -> None:
    result = kubelite(*args)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def etcd_flags(cluster: EtcdCluster, prefix: str) -> list[str]:
    return ["--storage-backend=etcd3", f"--etcd-servers={','.join(cluster.servers)}", f"--etcd-prefix={prefix}"]


@pytest.fixture(scope="module")
def etcd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EtcdCluster]:
    with etcd_cluster(tmp_path_factory.mktemp("etcd")) as cluster:
        yield cluster


def populate(server: RunningServer) -> dict[str, Any]:
    """A namespace, ConfigMaps, a CRD and custom resources; returns what a restored store must show."""
    server.kubectl("create", "namespace", "team")
    for i in range(3):
        server.kubectl("create", "configmap", f"c{i}", "-n", "team", f"--from-literal=n={i}")
    server.kubectl("apply", "-f", "-", input=CRD)
    server.kubectl("wait", "--for=condition=Established", "crd/gadgets.example.com", "--timeout=20s")
    server.kubectl("apply", "-f", "-", input=GADGETS)
    return expected(server)


def expected(server: RunningServer) -> dict[str, Any]:
    def names(*args: str) -> dict[str, Any]:
        items = server.kubectl_yaml("get", *args)["items"]
        return {i["metadata"]["name"]: (i["metadata"]["uid"], i.get("data") or i.get("spec")) for i in items}

    return {
        "namespaces": names("namespaces"),
        "configmaps": names("configmaps", "-n", "team"),
        "crds": names("crds"),
        "gadgets": names("gadgets", "-n", "team"),
    }


def test_sqlite_snapshot_restores_into_a_new_data_dir(tmp_path: Path) -> None:
    with threaded_server(tmp_path / "src") as server:
        want = populate(server)
    file = tmp_path / "snap.jsonl.gz"
    out = ok("snapshot", "save", str(file), "--data-dir", str(tmp_path / "src"))
    assert out.startswith("saved ") and len(out.splitlines()) == 1
    with gzip.open(file) as data:
        header = json.loads(data.readline())
    assert header["format"] == "kubelite-snapshot" and header["backend"] == "sqlite"

    out = ok("snapshot", "restore", str(file), "--data-dir", str(tmp_path / "dst"))
    assert out.startswith("restored ")
    with threaded_server(tmp_path / "dst") as restored:
        assert expected(restored) == want
        assert restored.kubectl_yaml("get", "gadget", "g2", "-n", "team")["spec"] == {"size": 2}
    # A server has run on it: not empty any more.
    refused("snapshot", "restore", str(file), "--data-dir", str(tmp_path / "dst"), message="not empty")
    ok("snapshot", "restore", str(file), "--data-dir", str(tmp_path / "dst"), "--force")
    with threaded_server(tmp_path / "dst") as again:
        assert expected(again) == want


def test_etcd_snapshot_restores_under_another_prefix(etcd: EtcdCluster, tmp_path: Path) -> None:
    with threaded_server(tmp_path / "a", storage_backend="etcd3", etcd=etcd.options("/snap-a/registry")) as server:
        want = populate(server)
    file = tmp_path / "snap.jsonl"
    ok("snapshot", "save", str(file), *etcd_flags(etcd, "/snap-a/registry"))
    assert json.loads(file.read_text().splitlines()[0])["backend"] == "etcd3"
    ok("snapshot", "restore", str(file), *etcd_flags(etcd, "/snap-b/registry"))
    refused("snapshot", "restore", str(file), *etcd_flags(etcd, "/snap-b/registry"), message="not empty")
    with threaded_server(tmp_path / "b", storage_backend="etcd3", etcd=etcd.options("/snap-b/registry")) as restored:
        assert expected(restored) == want
    # And across backends: the etcd snapshot into a sqlite data dir.
    ok("snapshot", "restore", str(file), "--data-dir", str(tmp_path / "c"))
    with threaded_server(tmp_path / "c") as restored:
        assert expected(restored) == want


def test_migrate_copies_a_sqlite_data_dir_into_etcd(etcd: EtcdCluster, tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    with process_server(source) as server:
        want = populate(server)
        # The server holds the file: migrate (and snapshot) refuse with one line.
        refused("migrate", "--from-data-dir", str(source), f"--to-etcd-servers={etcd.servers[0]}", message="in use")
        refused("snapshot", "save", str(tmp_path / "x"), "--data-dir", str(source), message="in use")
    flags = ["--from-data-dir", str(source), f"--to-etcd-servers={','.join(etcd.servers)}", "--etcd-prefix=/mig"]
    out = ok("migrate", *flags)
    assert out.startswith("migrated ") and "verified" in out and len(out.splitlines()) == 1
    refused("migrate", *flags, message="not empty")
    with threaded_server(tmp_path / "dst", storage_backend="etcd3", etcd=etcd.options("/mig")) as migrated:
        assert expected(migrated) == want


def test_a_snapshot_of_a_running_server_is_consistent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Writers keep creating keys while a paged snapshot is read: it holds exactly the keys up to its revision."""
    monkeypatch.setattr(snapshot, "PAGE", 3)
    with threaded_server(tmp_path) as server:
        assert server.server is not None and server.loop is not None
        storage = server.server.storage

        async def race() -> tuple[int, list[StoredObject], list[StoredObject]]:
            created: list[StoredObject] = []

            async def writer() -> None:
                for i in range(300):
                    body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": f"k{i:04}"}}
                    created.append(
                        await storage.create(f"/registry/configmaps/default/k{i:04}", json.dumps(body).encode())
                    )
                    await asyncio.sleep(0)

            task = asyncio.create_task(writer())
            await asyncio.sleep(0.01)
            revision, items = await snapshot.read_storage(storage)
            await task
            return revision, items, created

        revision, items, created = asyncio.run_coroutine_threadsafe(race(), server.loop).result(60)
        ours = {i.key for i in items if i.key.startswith("/registry/configmaps/default/k")}
        assert ours == {c.key for c in created if c.mod_revision <= revision}
        assert 0 < len(ours) < 300
        assert all(i.mod_revision <= revision for i in items)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["save"], "required: FILE", id="no-file"),
        pytest.param(["save", "{tmp}/s", "--storage-backend=etcd3"], "--etcd-servers is required", id="no-servers"),
        pytest.param(
            ["save", "{tmp}/s", "--storage-backend=etcd3", "--etcd-servers=x"], "is not an http", id="bad-url"
        ),
        pytest.param(
            ["save", "{tmp}/s", "--storage-backend=etcd3", "--etcd-servers=http://x", "--etcd-certfile=/c"],
            "go together",
            id="cert-without-key",
        ),
        pytest.param(["save", "{tmp}/s", "--data-dir={tmp}/none"], "no kubelite.db", id="no-db"),
        pytest.param(["save", "{tmp}/no/dir/s"], "no such directory", id="no-dir"),
        pytest.param(["restore", "{tmp}/missing"], "no such file", id="missing-file"),
        pytest.param(["restore", "{tmp}/garbage"], "not a kubelite snapshot", id="garbage"),
        pytest.param(["restore", "{tmp}/truncated"], "truncated", id="truncated"),
        pytest.param(["restore", "{tmp}/tampered"], "damaged", id="tampered"),
        pytest.param(["frobnicate"], "invalid choice", id="bad-action"),
    ],
)
def test_bad_flags_and_files_are_one_line_and_exit_2(
    args: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """In process (the console script runs the same ``kubelite.cli.main``; the tests above run it for real)."""
    items = [StoredObject("/registry/namespaces/x", b'{"kind":"Namespace"}', 1, 1)]
    snapshot.write(tmp_path / "good", "sqlite", 1, items)
    good = (tmp_path / "good").read_text()
    (tmp_path / "garbage").write_text("hello\n")
    (tmp_path / "truncated").write_text("".join(good.splitlines(keepends=True)[:-1]))
    (tmp_path / "tampered").write_text(good.replace('"Namespace"', '"Nope"'))
    argv = [a.replace("{tmp}", str(tmp_path)) for a in args]
    try:
        code = cli.main(["snapshot", *argv, "--data-dir", str(tmp_path / "data")])
    except SystemExit as exit:
        code = exit.code
    stderr = capsys.readouterr().err
    assert code == 2
    assert message in stderr
    assert len(stderr.strip().splitlines()) == 1, stderr
    assert not (tmp_path / "data").exists()
