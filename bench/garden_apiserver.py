"""What Gardener's admission costs on the write path: the garden API server beside kubelite with the same CRDs.

Run ``.venv/bin/python bench/garden_apiserver.py [--quick] [--out FILE]``; it prints a markdown report at the end
(progress goes to stderr). ``bench/README.md`` says what each figure means.

The two servers, each started as its own process and measured alone, one after the other:

* **garden**: ``garden apiserver``: kubelite with Gardener's CRDs and its admission chain in-process (shoot
  defaulting, validation against the CloudProfile, reference, quota and project checks).
* **peer (CRDs only)**: ``kubelite apiserver`` with the same CRDs (``charts/crds/garden/``) applied through the API
  and no admission: what storing the same objects costs without Gardener's checks.

Both get the same landscape (the aws CloudProfile, project ``dev``, namespace ``garden-dev``, an AWS Secret and
SecretBinding), then the same small AWS shoots at 1 and 8 clients. The peer's manifest carries what the garden would
have defaulted for a user (``cloudProfile.kind``, a full Kubernetes version), so both store a shoot a user could send.

The load generator, its statistics and the server handling are bench/apiserver.py's, imported from there.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import json
import os
import platform
import shlex
import ssl
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import aiohttp
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/apiserver.py, however this file is started
import apiserver as base

ROOT = Path(__file__).resolve().parent.parent
CRD_DIR = ROOT / "charts" / "crds" / "garden"
LEVELS = (1, 8)
NAMESPACE = "garden-dev"
SHOOTS = f"/apis/core.gardener.cloud/v1beta1/namespaces/{NAMESPACE}/shoots"
FULL_VERSION = "1.36.2"  # what the garden completes "1.36" to with cloudprofiles/aws.yaml
UNKNOWN_REGION = "eu-nowhere-1"
DEADLINE = 120.0  # seconds per phase
#: A small valid AWS shoot, as tests/integration/garden/objects.py's aws_shoot writes it.
SHOOT = """
apiVersion: core.gardener.cloud/v1beta1
kind: Shoot
metadata: {name: NAME, namespace: garden-dev}
spec:
  cloudProfile: {name: aws}
  region: eu-central-1
  secretBindingName: aws
  provider:
    type: aws
    workers:
    - {name: worker, machine: {type: m5.large}, minimum: 1, maximum: 2, zones: [eu-central-1a]}
  kubernetes: {version: "1.36"}
  networking: {type: calico, nodes: 10.250.0.0/16}
"""
#: Where a setup object's kind is served (all of them in the core group or core.gardener.cloud).
PLURALS = {
    "CustomResourceDefinition": "customresourcedefinitions",
    "CloudProfile": "cloudprofiles",
    "Project": "projects",
    "Namespace": "namespaces",
    "Secret": "secrets",
    "SecretBinding": "secretbindings",
}


@dataclass(frozen=True)
class Scale:
    shoots: int  # creates per level
    warmup: int  # creates (then deleted), GETs and refused creates, at 8 clients, before any measurement
    gets: int  # GETs of one shoot per level
    lists: int  # LISTs of the namespace (``shoots`` objects) per level
    refusals: int  # refused creates per level, garden only

    def describe(self) -> str:
        return (
            f"{self.shoots:,} shoot creates per level; {self.gets:,} GETs of one shoot, {self.lists} LISTs of the"
            f" {self.shoots:,}-shoot namespace and {self.refusals} refused creates (garden) per level; warm-up"
            f" {self.warmup} creates, GETs and refusals at 8 clients"
        )


SCALES: dict[base.Mode, Scale] = {"full": Scale(2_000, 100, 2_000, 20, 500), "quick": Scale(200, 20, 200, 5, 100)}
OPERATIONS = {
    "create": "create a shoot",
    "get": "GET one shoot",
    "list": "LIST the namespace",
    "refuse": "refused create (unknown region, 422)",
}


def shoot(name: str, *, peer: bool, region: str | None = None, confirm_deletion: bool = False) -> bytes:
    body: dict[str, Any] = yaml.safe_load(SHOOT)
    body["metadata"]["name"] = name
    if confirm_deletion:  # the warm-up's shoots are deleted again, which the garden allows only with this
        body["metadata"]["annotations"] = {"confirmation.gardener.cloud/deletion": "true"}
    if peer:  # what the garden's defaulting would have filled in: the peer stores what it is sent
        body["spec"]["cloudProfile"]["kind"] = "CloudProfile"
        body["spec"]["kubernetes"]["version"] = FULL_VERSION
    if region is not None:
        body["spec"]["region"] = region
    return json.dumps(body).encode()


def setup_objects() -> list[dict[str, Any]]:
    """The landscape both servers get: CloudProfile aws, project dev, its namespace, the AWS Secret and binding."""
    namespace = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NAMESPACE}}
    objects = [yaml.safe_load((ROOT / "cloudprofiles" / "aws.yaml").read_text())]
    objects.append(yaml.safe_load((ROOT / "examples" / "project.yaml").read_text()))
    objects.append(namespace)
    objects += yaml.safe_load_all((ROOT / "examples" / "secretbinding-aws.yaml").read_text())
    return objects


def collection(obj: dict[str, Any]) -> str:
    api = "/api/v1" if obj["apiVersion"] == "v1" else f"/apis/{obj['apiVersion']}"
    namespace = obj["metadata"].get("namespace")
    return api + (f"/namespaces/{namespace}" if namespace else "") + f"/{PLURALS[obj['kind']]}"


# -- servers ----------------------------------------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def serve(workdir: Path, name: str, program: str) -> AsyncIterator[tuple[base.Server, base.KubeClient]]:
    """``<program> apiserver`` on a free port; a client with the admin token and the server's CA file."""
    data, kubeconfig = workdir / name, workdir / f"{name}.kubeconfig"
    port = base._free_port()
    cmd = [str(base.BIN / program), "apiserver", "--data-dir", str(data), "--secure-port", str(port)]
    server = base._spawn(name, [*cmd, "--write-kubeconfig", str(kubeconfig)], workdir / f"{name}.log")
    client: list[base.KubeClient] = []

    async def ready() -> bool:  # the kubeconfig is written once the server serves
        token = yaml.safe_load(kubeconfig.read_text())["users"][0]["user"]["token"]
        context = ssl.create_default_context(cafile=data / "pki" / "ca.crt")
        client.append(base.KubeClient(name, f"https://127.0.0.1:{port}", token=token, ssl_context=context))
        return True

    async with base.started(server, ready):
        yield server, client[-1]


async def apply_crds(client: base.KubeClient, s: aiohttp.ClientSession, crds: list[dict[str, Any]]) -> None:
    for crd in crds:
        await base._send(s, "POST", client.base_url + collection(crd), json.dumps(crd).encode())


async def wait_served(client: base.KubeClient, s: aiohttp.ClientSession, crds: list[dict[str, Any]]) -> None:
    """Until every CRD is Established and a LIST of its kind answers."""
    pending = list(crds)
    async with asyncio.timeout(60):
        while pending:
            crd = pending[0]
            name, spec = crd["metadata"]["name"], crd["spec"]
            with contextlib.suppress(base.OpError):
                stored = json.loads(await base._send(s, "GET", f"{client.base_url}{collection(crd)}/{name}"))
                conditions = (stored.get("status") or {}).get("conditions") or []
                if any(c.get("type") == "Established" and c.get("status") == "True" for c in conditions):
                    version = next(v["name"] for v in spec["versions"] if v.get("served"))
                    await base._send(
                        s, "GET", f"{client.base_url}/apis/{spec['group']}/{version}/{spec['names']['plural']}"
                    )
                    pending.pop(0)
                    continue
            await asyncio.sleep(0.05)


# -- phases -----------------------------------------------------------------------------------------------------------


@dataclass
class Result:
    """Everything measured for one server."""

    name: str
    ops: dict[tuple[str, int], base.Stats] = field(default_factory=dict)  # (operation, clients) -> stats
    crd_seconds: float = float("nan")  # from applying the CRDs to every kind served
    setup_seconds: float = float("nan")  # the landscape's objects
    shoot_bytes: int = 0  # one stored shoot as a GET returns it
    stored_version: str = ""
    list_mb: float = 0.0
    listed: int = 0
    idle: base.Memory | None = None
    other_cores: float = float("nan")  # CPU the rest of the machine used meanwhile, in cores
    loaded: base.Memory | None = None
    notes: list[str] = field(default_factory=list)
    failed: str = ""


def _record(result: Result, operation: str, clients: int, stats: base.Stats) -> None:
    result.ops[(operation, clients)] = stats
    base.log(
        f"{result.name}: {operation} x{stats.ops} at {clients} clients: {stats.rate:,.0f}/s,"
        f" p50 {stats.p(0.5) * 1e3:.2f} ms, p99 {stats.p(0.99) * 1e3:.2f} ms, errors {stats.errors}"
    )
    if stats.errors:
        result.notes.append(f"{operation} at {clients} clients: {stats.errors} errors, first: {stats.first_error}")


async def refuse(s: aiohttp.ClientSession, url: str, body: bytes) -> None:
    """A create the garden must refuse with 422 (anything else is counted as an error)."""
    async with s.post(url, data=body, headers=base.JSON_HEADERS) as response:
        data = await response.read()
        if response.status != 422:
            raise base.OpError(f"POST {url}: {response.status}, not 422: {data[:200]!r}")
        json.loads(data)  # the Status naming the bad field, decoded as a client would


class Phases:
    """The operations on one server, the same code for both."""

    def __init__(self, client: base.KubeClient, result: Result, *, peer: bool) -> None:
        self.client, self.result, self.peer = client, result, peer
        self.url = client.base_url + SHOOTS

    async def create(self, clients: int, bodies: list[bytes]) -> base.Stats:
        async with self.client.session(clients) as s:

            async def op(i: int) -> None:
                json.loads(await base._send(s, "POST", self.url, bodies[i]))

            return await base.run_ops(len(bodies), clients, op, deadline=DEADLINE)

    async def get(self, clients: int, count: int, name: str) -> base.Stats:
        async with self.client.session(clients) as s:
            return await base.run_ops(
                count, clients, lambda i: self._decoded(s, f"{self.url}/{name}"), deadline=DEADLINE
            )

    async def list_(self, clients: int, count: int) -> base.Stats:
        async with self.client.session(clients) as s:
            return await base.run_ops(count, clients, lambda i: self._decoded(s, self.url), deadline=DEADLINE)

    async def refuse(self, clients: int, bodies: list[bytes]) -> base.Stats:
        async with self.client.session(clients) as s:
            return await base.run_ops(len(bodies), clients, lambda i: refuse(s, self.url, bodies[i]), deadline=DEADLINE)

    async def delete(self, names: list[str]) -> base.Stats:
        async with self.client.session(8) as s:
            return await base.run_ops(
                len(names), 8, lambda i: base._send(s, "DELETE", f"{self.url}/{names[i]}"), deadline=DEADLINE
            )

    async def _decoded(self, s: aiohttp.ClientSession, url: str) -> Any:
        return json.loads(await base._send(s, "GET", url))

    async def inspect(self, name: str) -> None:
        """One stored shoot and one LIST, untimed: their sizes and the stored Kubernetes version."""
        async with self.client.session(1) as s:
            raw = await base._send(s, "GET", f"{self.url}/{name}")
            self.result.shoot_bytes = len(raw)
            self.result.stored_version = json.loads(raw)["spec"]["kubernetes"]["version"]
            raw = await base._send(s, "GET", self.url)
            self.result.list_mb = len(raw) / 2**20
            self.result.listed = len(json.loads(raw).get("items") or [])

    async def expect(self, count: int, when: str) -> None:
        """Notes it when the namespace does not hold ``count`` shoots."""
        async with self.client.session(1) as s:
            held = len(json.loads(await base._send(s, "GET", self.url)).get("items") or [])
        if held != count:
            self.result.notes.append(f"{when}, the namespace held {held:,} shoots, not {count:,}")

    def bodies(self, prefix: str, count: int, **kwargs: Any) -> tuple[list[str], list[bytes]]:
        width = max(4, len(str(count)))
        names = [f"{prefix}s{i + 1:0{width}d}" for i in range(count)]
        return names, [shoot(name, peer=self.peer, **kwargs) for name in names]


async def measure(client: base.KubeClient, result: Result, scale: Scale, *, peer: bool) -> None:
    phases = Phases(client, result, peer=peer)
    crds = [yaml.safe_load(path.read_text()) for path in sorted(CRD_DIR.glob("*.yaml"))]
    async with client.session(8) as s:
        started = time.perf_counter()
        if peer:  # the garden installs its CRDs itself before it serves
            await apply_crds(client, s, crds)
        await wait_served(client, s, crds)
        result.crd_seconds = time.perf_counter() - started
        started = time.perf_counter()
        for obj in setup_objects():
            await base._send(s, "POST", client.base_url + collection(obj), json.dumps(obj).encode())
        result.setup_seconds = time.perf_counter() - started
    base.log(f"{result.name}: CRDs served after {result.crd_seconds:.2f} s, landscape in {result.setup_seconds:.2f} s")

    names, bodies = phases.bodies("w-", scale.warmup, confirm_deletion=True)
    warm = [await phases.create(8, bodies), await phases.get(8, scale.warmup, names[0]), await phases.list_(8, 2)]
    if not peer:
        warm.append(await phases.refuse(8, phases.bodies("wr-", scale.warmup, region=UNKNOWN_REGION)[1]))
    warm.append(await phases.delete(names))
    for stats in warm:
        if stats.errors:
            result.notes.append(f"warm-up: {stats.errors} errors, first: {stats.first_error}")

    # 1 client's creates, then the reads while the namespace holds exactly those shoots, then 8 clients' creates.
    names, bodies = phases.bodies("c1-", scale.shoots)
    _record(result, "create", 1, await phases.create(1, bodies))
    await phases.expect(scale.shoots, "after the 1-client creates")
    await phases.inspect(names[0])
    for clients in LEVELS:
        _record(result, "get", clients, await phases.get(clients, scale.gets, names[0]))
        _record(result, "list", clients, await phases.list_(clients, scale.lists))
        if not peer:
            refused = phases.bodies(f"r{clients}-", scale.refusals, region=UNKNOWN_REGION)[1]
            _record(result, "refuse", clients, await phases.refuse(clients, refused))
    _record(result, "create", 8, await phases.create(8, phases.bodies("c8-", scale.shoots)[1]))
    await phases.expect(2 * scale.shoots, "at the end")  # every create was stored, nothing refused was


def cpu_ticks(*pids: int) -> tuple[int, int, int]:
    """The machine's busy and total CPU time, and the user plus system time of ``pids``, in clock ticks."""
    times = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    busy = sum(times) - times[3] - times[4]  # all but idle and iowait
    used = 0
    for pid in pids:  # the fields after the command's ")": utime and stime are the 12th and 13th
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        used += int(fields[11]) + int(fields[12])
    return busy, sum(times), used


async def bench(workdir: Path, scale: Scale, *, peer: bool) -> Result:
    name, program = ("peer", "kubelite") if peer else ("garden", "garden")
    result = Result(name)
    async with serve(workdir, name, program) as (server, client):
        result.idle = base.memory(server.proc.pid)
        before = cpu_ticks(os.getpid(), server.proc.pid)
        await measure(client, result, scale, peer=peer)
        after = cpu_ticks(os.getpid(), server.proc.pid)
        result.loaded = base.memory(server.proc.pid)
    other = (after[0] - before[0]) - (after[2] - before[2])
    result.other_cores = max(0, other) / max(1, after[1] - before[1]) * (os.cpu_count() or 1)
    return result


# -- the report -------------------------------------------------------------------------------------------------------


def _ratio(garden: base.Stats | None, peer: base.Stats | None) -> str:
    if not garden or not peer or not garden.latencies or not peer.latencies:
        return "-"
    extra = (garden.p(0.5) - peer.p(0.5)) * 1e3
    return (
        f"{garden.rate / peer.rate:.2f}x rate · {garden.p(0.5) / peer.p(0.5):.2f}x / "
        f"{garden.p(0.99) / peer.p(0.99):.2f}x latency ({extra:+.2f} ms at p50)"
    )


def admission_clock(now: datetime.datetime) -> str:
    """The clock the garden's expiry checks read, and whether the shoots' Kubernetes version is valid by it."""
    profile = yaml.safe_load((ROOT / "cloudprofiles" / "aws.yaml").read_text())
    entry = next(v for v in profile["spec"]["kubernetes"]["versions"] if v["version"] == FULL_VERSION)
    expires = entry.get("expirationDate")
    if expires is None:
        return f"the real clock; {FULL_VERSION} has no expirationDate in cloudprofiles/aws.yaml: none needed"
    valid = now < datetime.datetime.fromisoformat(expires.replace("Z", "+00:00"))
    verdict = "none needed (no pinning)" if valid else "**expired: the garden refuses these shoots; pin the clock**"
    return (
        f"the real clock (AdmissionOptions.now, {now:%Y-%m-%d} during the run); {FULL_VERSION}"
        f" ({entry['classification']} in cloudprofiles/aws.yaml) expires {expires[:10]}: {verdict}"
    )


def render(
    results: dict[str, Result], mode: base.Mode, command: str, started: datetime.datetime, seconds: float, load: float
) -> str:
    scale = SCALES[mode]

    def version(package: str) -> str:
        with contextlib.suppress(metadata.PackageNotFoundError):
            return metadata.version(package)
        return "?"

    garden, peer = results.get("garden"), results.get("peer")
    levels = " | ".join(f"{c} client{'s' if c > 1 else ''}" for c in LEVELS)
    out = [
        "# Garden API server benchmark: what admission costs on the write path",
        "",
        f"- date: {started:%Y-%m-%d %H:%M} UTC; the run took {seconds / 60:.1f} minutes",
        f"- command: `{command}`",
        base.machine_line(mode, load),
        f"- source: {base.source_of(ROOT / 'garden')}",
        f"- Python {platform.python_version()}, aiohttp {version('aiohttp')} (server and client), garden"
        f" {version('garden')} (kubelite is part of it)",
        f"- mode: {mode}; {scale.describe()}",
        f"- admission clock: {admission_clock(started)}",
        "",
        "| server | what it is |",
        "| --- | --- |",
        "| garden | `garden apiserver`: kubelite + Gardener's CRDs + in-process admission (shoot defaulting and"
        " validation against the CloudProfile, reference, quota and project checks) |",
        "| peer (CRDs only) | `kubelite apiserver` with `charts/crds/garden/*.yaml` applied through the API; no"
        " admission: the CRD's schema is the only check |",
        "",
        "## Creates of a small AWS shoot: rate · p50 / p99 latency",
        "",
        "Each cell: completed creates per second, then the median and 99th-percentile latency of one request. The"
        f" peer gets the same manifest with `cloudProfile.kind: CloudProfile` and Kubernetes `{FULL_VERSION}`.",
        "",
        f"| server | {levels} |",
        "| --- | " + " | ".join("---" for _ in LEVELS) + " |",
    ]
    for result in results.values():
        cells = " | ".join(base._fmt_rate(result.ops.get(("create", c))) for c in LEVELS)
        out.append(f"| {result.name} | {cells} |")
    if garden and peer:
        cells = " | ".join(_ratio(garden.ops.get(("create", c)), peer.ops.get(("create", c))) for c in LEVELS)
        out.append(f"| **garden / peer** | {cells} |")
    out += [
        "",
        "## Reads and refusals",
        "",
        f"GET of one shoot; LIST of the namespace holding the {scale.shoots:,} shoots the 1-client phase created; a"
        f" create with `region: {UNKNOWN_REGION}`, which the garden must answer with 422 (any other answer counts as"
        " an error; the peer would store it). garden / peer compares the same operation; refused / accepted compares"
        " the garden's refusals with its own creates.",
        "",
        f"| operation | server | {levels} |",
        "| --- | --- | " + " | ".join("---" for _ in LEVELS) + " |",
    ]
    for operation in ("get", "list", "refuse"):
        label = OPERATIONS[operation]
        for result in results.values():
            if any((operation, c) in result.ops for c in LEVELS):
                cells = " | ".join(base._fmt_rate(result.ops.get((operation, c))) for c in LEVELS)
                out.append(f"| {label} | {result.name} | {cells} |")
        if garden and peer and operation != "refuse":
            cells = " | ".join(_ratio(garden.ops.get((operation, c)), peer.ops.get((operation, c))) for c in LEVELS)
            out.append(f"| {label} | **garden / peer** | {cells} |")
    if garden:
        cells = " | ".join(_ratio(garden.ops.get(("refuse", c)), garden.ops.get(("create", c))) for c in LEVELS)
        out.append(f"| {OPERATIONS['refuse']} | **refused / accepted (garden)** | {cells} |")
        if peer and peer.shoot_bytes:
            out += [
                "",
                f"A stored shoot is {garden.shoot_bytes / peer.shoot_bytes:.1f}x as large on the garden (it stores the"
                " defaulted shoot), so its GETs and LISTs return that much more JSON; the read path itself runs no"
                " admission.",
            ]
        refused = [garden.ops[("refuse", c)] for c in LEVELS if ("refuse", c) in garden.ops]
        if refused:
            sent = sum(len(r.latencies) + r.errors for r in refused)
            answered = sum(len(r.latencies) for r in refused)
            out += ["", f"Refused creates: {answered:,} of {sent:,} answered 422 ({answered / sent:.0%})."]
    out += [
        "",
        "## Objects, set-up and memory",
        "",
        "Stored shoot: one shoot as a GET returns it (the garden stores it defaulted). LIST: the response for the"
        f" {scale.shoots:,}-shoot namespace. CRDs: from applying them (peer) or from the server being ready (garden,"
        " which installs them before it serves) to every kind being Established and listable. RSS: VmRSS of the server"
        " a second after it was ready, and after the last phase. Other work: the CPU that processes other than the"
        " server and the benchmark used during the measurement, in cores on average (of"
        f" {os.cpu_count()}): figures taken while it is high are disturbed.",
        "",
        "| server | stored shoot | stored version | LIST response | CRDs served | landscape set-up | idle RSS"
        " | RSS after load | other work |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results.values():
        if r.failed:
            continue
        idle = f"{r.idle.rss_mb:.1f} MB" if r.idle else "-"
        loaded = f"{r.loaded.rss_mb:.0f} MB" if r.loaded else "-"
        out.append(
            f"| {r.name} | {r.shoot_bytes:,} B | {r.stored_version} | {r.list_mb:.1f} MB ({r.listed:,} items) |"
            f" {r.crd_seconds:.2f} s | {r.setup_seconds:.2f} s | {idle} | {loaded} | {r.other_cores:.2f} cores |"
        )
    notes = [(r.name, n) for r in results.values() for n in ([f"**failed**: {r.failed}"] if r.failed else []) + r.notes]
    if notes:
        out += ["", "## Notes", ""]
        out += [f"- {name}: {note}" for name, note in notes]
    return "\n".join(out) + "\n"


# -- main -------------------------------------------------------------------------------------------------------------


async def run(args: argparse.Namespace, command: str) -> str:
    mode: base.Mode = "quick" if args.quick else "full"
    started = datetime.datetime.now(datetime.UTC)
    began = time.monotonic()
    load = os.getloadavg()[0]
    results: dict[str, Result] = {}
    with tempfile.TemporaryDirectory(prefix="bench-garden-apiserver-") as tmp:
        for peer in (False, True):  # one server at a time: each is stopped before the next starts
            name = "peer" if peer else "garden"
            base.log(f"== {name}")
            try:
                results[name] = await bench(Path(tmp), SCALES[mode], peer=peer)
            except Exception as exc:  # one server failing leaves the other's figures standing
                base.log(f"{name} failed: {exc!r}")
                results[name] = Result(name, failed=f"{type(exc).__name__}: {exc}".splitlines()[0][:300])
    return render(results, mode, command, started, time.monotonic() - began, load)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="The garden API server (admission) beside kubelite with its CRDs only.")
    p.add_argument("--quick", action="store_true", help="a small run (about a minute) to check that it works")
    p.add_argument("--out", type=Path, help="also write the markdown report here")
    args = p.parse_args(argv)
    command = shlex.join([".venv/bin/python", "bench/garden_apiserver.py", *(sys.argv[1:] if argv is None else argv)])
    text = asyncio.run(run(args, command))
    print(text)
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text)
        base.log(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
