"""kubelite over real etcd: kubectl against one server, two servers sharing one etcd (HA), TLS to etcd, and the
``--storage-backend=etcd3`` flags. The storage contract itself runs against etcd in ``storage/test_contract.py``."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from kubelite.apiserver.storage import EtcdOptions, open_storage
from tests.integration.etcd import EtcdCluster, etcd_certs, etcd_cluster
from tests.integration.server import KUBECTL, RunningServer, threaded_server
from tests.integration.waiting import wait_for

pytestmark = pytest.mark.integration

CRD = textwrap.dedent(
    """\
    apiVersion: apiextensions.k8s.io/v1
    kind: CustomResourceDefinition
    metadata:
      name: widgets.example.com
    spec:
      group: example.com
      names: {kind: Widget, plural: widgets, singular: widget}
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
KUBELITE = str(Path(sys.executable).parent / "kubelite")
WIDGET = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w1}\nspec: {size: 2}\n"


@pytest.fixture(scope="module")
def etcd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EtcdCluster]:
    with etcd_cluster(tmp_path_factory.mktemp("etcd")) as cluster:
        yield cluster


def list_revision(server: RunningServer) -> str:
    """The resourceVersion of a list of the default namespace's ConfigMaps."""
    listed = json.loads(server.kubectl("get", "--raw", "/api/v1/namespaces/default/configmaps").stdout)
    revision: str = listed["metadata"]["resourceVersion"]
    return revision


def raw_watch(server: RunningServer, path: str, resource_version: str, seconds: int = 3) -> subprocess.Popen[str]:
    """``kubectl get --raw`` of a watch that ends after ``seconds``; its stdout is one JSON event a line."""
    url = f"{path}?watch=1&resourceVersion={resource_version}&timeoutSeconds={seconds}"
    return subprocess.Popen(
        [str(KUBECTL), "--kubeconfig", str(server.kubeconfig), "get", "--raw", url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def events(watch: subprocess.Popen[str]) -> list[tuple[str, str]]:
    out, err = watch.communicate(timeout=30)
    assert watch.returncode == 0, err
    seen = [json.loads(line) for line in out.splitlines()]
    return [(e["type"], e["object"]["metadata"]["name"]) for e in seen if e["type"] != "BOOKMARK"]


def test_kubectl_configmaps_and_custom_objects_over_etcd(etcd: EtcdCluster, tmp_path: Path) -> None:
    with threaded_server(tmp_path, storage_backend="etcd3", etcd=etcd.options("/one/registry")) as kubelite:
        start = list_revision(kubelite)
        watch = raw_watch(kubelite, "/api/v1/namespaces/default/configmaps", start)
        kubelite.kubectl("create", "configmap", "c1", "--from-literal=a=1")
        got = kubelite.kubectl_yaml("get", "configmap", "c1")
        assert got["data"] == {"a": "1"}
        assert int(got["metadata"]["resourceVersion"]) > int(start)
        assert [i["metadata"]["name"] for i in kubelite.kubectl_yaml("get", "configmaps")["items"]] == ["c1"]
        kubelite.kubectl("delete", "configmap", "c1")
        assert events(watch) == [("ADDED", "c1"), ("DELETED", "c1")]

        kubelite.kubectl("apply", "-f", "-", input=CRD)
        kubelite.kubectl("wait", "--for=condition=Established", "crd/widgets.example.com", "--timeout=20s")
        kubelite.kubectl("apply", "-f", "-", input=WIDGET)
        assert kubelite.kubectl_yaml("get", "widget", "w1")["spec"] == {"size": 2}
        kubelite.kubectl("delete", "widget", "w1")
        assert kubelite.kubectl("get", "widgets", "-o", "name").stdout == ""

    # The data lives in etcd, under the prefix: a new server (new data dir) sees the CRD.
    with threaded_server(tmp_path / "again", storage_backend="etcd3", etcd=etcd.options("/one/registry")) as again:
        again.kubectl("get", "crd", "widgets.example.com")


def test_two_servers_on_one_etcd_see_each_others_writes_and_watches(etcd: EtcdCluster, tmp_path: Path) -> None:
    options = etcd.options("/ha/registry")
    with (
        threaded_server(tmp_path / "a", storage_backend="etcd3", etcd=options) as a,
        threaded_server(tmp_path / "b", storage_backend="etcd3", etcd=options) as b,
    ):
        start = list_revision(b)
        watch = raw_watch(b, "/api/v1/namespaces/default/configmaps", start)
        a.kubectl("create", "configmap", "from-a")
        written = a.kubectl_yaml("get", "configmap", "from-a")["metadata"]["resourceVersion"]
        assert b.kubectl_yaml("get", "configmap", "from-a")["metadata"]["resourceVersion"] == written
        b.kubectl("label", "configmap", "from-a", "seen-by=b")
        assert a.kubectl_yaml("get", "configmap", "from-a")["metadata"]["labels"] == {"seen-by": "b"}
        a.kubectl("delete", "configmap", "from-a")
        assert events(watch) == [("ADDED", "from-a"), ("MODIFIED", "from-a"), ("DELETED", "from-a")]

        # A CRD created through one server becomes servable on the other (its CRD controller watches etcd).
        a.kubectl("apply", "-f", "-", input=CRD)
        wait_for(lambda: b.kubectl("get", "widgets", check=False).returncode == 0, "widgets on server b", timeout=20)
        b.kubectl("apply", "-f", "-", input=WIDGET)
        assert a.kubectl_yaml("get", "widget", "w1")["spec"] == {"size": 2}


async def test_a_store_over_tls_with_client_certificates(tmp_path: Path) -> None:
    certs = etcd_certs(tmp_path / "pki")
    with etcd_cluster(tmp_path, certs=certs) as cluster:
        storage = await open_storage("etcd3", tmp_path, etcd=cluster.options())
        try:
            created = await storage.create("/registry/x", b"1")
            watch = storage.watch("/registry/", after_revision=0)
            assert (await anext(watch)).key == "/registry/x"
            await watch.aclose()
            assert await storage.get("/registry/x") == created
        finally:
            await storage.close()
        # Without the client certificate etcd refuses the connection.
        no_client_cert = EtcdOptions(cluster.servers, ca_file=certs.ca_file)
        with pytest.raises(Exception):  # noqa: B017,PT011
            await open_storage("etcd3", tmp_path, etcd=no_client_cert)


async def test_a_three_member_cluster_fails_over_to_the_next_endpoint(tmp_path: Path) -> None:
    with etcd_cluster(tmp_path, 3) as cluster:
        storage = await open_storage("etcd3", tmp_path, etcd=cluster.options())
        try:
            first = await storage.create("/registry/k", b"1")
            watch = storage.watch("/registry/", after_revision=first.mod_revision)
            cluster.members[0].stop()
            updated = await storage.update("/registry/k", b"2", expected_revision=first.mod_revision)
            assert updated.mod_revision > first.mod_revision
            assert (await anext(watch)).value == b"2"
            await watch.aclose()
        finally:
            await storage.close()


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        ([], "--etcd-servers is required with --storage-backend=etcd3"),
        (["--etcd-servers=https://127.0.0.1:1", "--etcd-cafile=/nonexistent/ca.crt"], "--etcd-cafile: no such file"),
        (["--etcd-servers=127.0.0.1:2379"], "is not an http:// or https:// URL"),
    ],
)
def test_etcd_flags_are_checked_before_starting(tmp_path: Path, flags: list[str], message: str) -> None:
    result = subprocess.run(
        [KUBELITE, "apiserver", "--data-dir", str(tmp_path), "--storage-backend=etcd3", *flags],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
