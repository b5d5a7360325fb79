"""The secrets manager's decisions (reuse, renewal, rotation bundles, cleanup) on an in-memory store."""

from __future__ import annotations

import base64
import dataclasses
from datetime import timedelta
from typing import Any

import pytest
import yaml
from cryptography import x509
from cryptography.x509.oid import NameOID

from gardenlet.secrets import controlplane as cp
from gardenlet.secrets.configs import CAConfig, CertificateConfig, RSAKeyConfig, StaticTokenConfig
from gardenlet.secrets.manager import SecretsManager, SecretsManagerError
from gardenlet.secrets.pki import CertificateSpec
from gardenlet.secrets.rotation import Rotation, RotationKind, Rotations, apply_operation, settle
from gardenlet.secrets.tokens import TokenUser, parse_token_file
from tests.fakes.clock import FakeClock
from tests.unit.secrets.memory_kube import MemoryKube

pytestmark = pytest.mark.unit

NS = "shoot--dev--a"
VALUES = cp.ControlPlaneSecretsValues(
    NS,
    external_server="https://api.a.dev.example.com",
    api_domains=("api.a.dev.example.com",),
    api_ips=("127.0.0.1",),
    services_cidr="10.112.0.0/13",
    etcd_names=("etcd-main-client", f"etcd-main-client.{NS}.svc"),
    etcd_peer_names=("etcd-main-peer",),
)
CA_KIND, SA_KIND = RotationKind.CERTIFICATE_AUTHORITIES, RotationKind.SERVICE_ACCOUNT_KEY


def manager(kube: MemoryKube, clock: FakeClock, rotations: Rotations | None = None) -> SecretsManager:
    return SecretsManager(kube, NS, rotations=rotations, clock=clock)  # type: ignore[arg-type]


def cert_of(secret_data: Any, key: str = "tls.crt") -> x509.Certificate:
    return x509.load_pem_x509_certificate(secret_data[key])


def issuer_key_id(cert: x509.Certificate) -> bytes:
    value = cert.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value.key_identifier
    assert value is not None
    return value


def key_id(cert: x509.Certificate) -> bytes:
    return cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest


def bundle_ids(m: SecretsManager, name: str) -> list[bytes]:
    return [key_id(c) for c in x509.load_pem_x509_certificates(m.bundle(name))]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def test_a_second_run_with_the_same_values_writes_nothing(clock: FakeClock) -> None:
    kube = MemoryKube()
    first = manager(kube, clock)
    names = cp.generate(first, VALUES)
    assert first.cleanup() == []
    writes = len(kube.writes)
    assert writes == len(cp.configs(VALUES)) + 5  # one Secret per config plus four CA bundles and the key bundle
    second = manager(kube, clock)
    assert cp.generate(second, VALUES) == names
    assert second.cleanup() == []
    assert second.created == []
    assert len(kube.writes) == writes
    labels = kube.objects[(NS, names.kube_apiserver)]["metadata"]["labels"]
    assert labels["managed-by"] == "secrets-manager"
    assert labels["name"] == "kube-apiserver"
    assert len(labels["checksum-of-config"]) == 32
    assert kube.objects[(NS, names.kube_apiserver)]["immutable"] is True


def test_a_changed_config_replaces_only_its_secret_and_cleanup_removes_the_old_one(clock: FakeClock) -> None:
    kube = MemoryKube()
    before = cp.generate(manager(kube, clock), VALUES)
    changed = dataclasses.replace(VALUES, api_domains=("api.other.example.com",))
    after_manager = manager(kube, clock)
    after = cp.generate(after_manager, changed)
    assert after_manager.created == [after.kube_apiserver]
    assert after.kube_apiserver != before.kube_apiserver
    assert after_manager.cleanup() == [before.kube_apiserver]
    sans = cert_of(after_manager.get(cp.KUBE_APISERVER).data).extensions.get_extension_for_class(
        x509.SubjectAlternativeName
    )
    assert "api.other.example.com" in sans.value.get_values_for_type(x509.DNSName)


def test_certificates_are_renewed_when_less_than_a_fifth_of_their_validity_is_left(clock: FakeClock) -> None:
    kube = MemoryKube()
    before = cp.generate(manager(kube, clock), VALUES)
    clock.advance(timedelta(days=71))  # of 90: 21 % left
    quiet = manager(kube, clock)
    cp.generate(quiet, VALUES)
    assert quiet.created == []
    clock.advance(timedelta(days=2))  # 19 % left
    renewing = manager(kube, clock)
    after = cp.generate(renewing, VALUES)
    renewed = {secret.split("-")[0] for secret in renewing.created}
    assert after.kube_apiserver != before.kube_apiserver
    assert after.etcd_server != before.etcd_server
    # CAs, keys and tokens are not renewed by age; bundles stay the same.
    assert (after.ca_bundle, after.service_account_key, after.static_token) == (
        before.ca_bundle,
        before.service_account_key,
        before.static_token,
    )
    assert "ca" not in renewed
    fresh = cert_of(renewing.get(cp.KUBE_APISERVER).data)
    assert fresh.not_valid_after_utc - clock.now() == timedelta(days=90)


def test_ca_rotation_keeps_the_old_ca_while_preparing_and_drops_it_on_completion(clock: FakeClock) -> None:
    kube = MemoryKube()
    m0 = manager(kube, clock)
    before = cp.generate(m0, VALUES)
    old_ca = m0.signer(cp.CA)
    old_client_ca = m0.signer(cp.CA_CLIENT)

    rotations = apply_operation("rotate-ca-start", {}, clock.now())
    preparing = manager(kube, clock, rotations)
    during = cp.generate(preparing, VALUES)
    # Replaced: the bundles (now with two CAs) and the client certificates (now of the new CAs); the old CAs stay.
    replaced = preparing.cleanup()
    assert before.ca_bundle in replaced and before.kube_scheduler in replaced
    assert not [name for name in replaced if name.startswith("ca-") and "bundle" not in name]
    assert before.kube_apiserver not in replaced and before.etcd_server not in replaced
    new_ca = preparing.signer(cp.CA)
    assert key_id(new_ca.cert) != key_id(old_ca.cert)
    assert preparing.old_signer(cp.CA) == old_ca
    assert bundle_ids(preparing, cp.CA) == [key_id(new_ca.cert), key_id(old_ca.cert)]
    # Servers keep certificates of the old CA; clients get certificates of the new one.
    assert during.kube_apiserver == before.kube_apiserver
    assert issuer_key_id(cert_of(preparing.get(cp.KUBE_APISERVER).data)) == key_id(old_ca.cert)
    scheduler = preparing.get(cp.KUBE_SCHEDULER)
    assert during.kube_scheduler != before.kube_scheduler
    assert issuer_key_id(cert_of(scheduler.data)) == key_id(preparing.signer(cp.CA_CLIENT).cert)
    assert preparing.signer(cp.CA_CLIENT) != old_client_ca
    # Kubeconfigs trust both CAs.
    kubeconfig = yaml.safe_load(scheduler.data["kubeconfig"])
    trusted = base64.b64decode(kubeconfig["clusters"][0]["cluster"]["certificate-authority-data"])
    assert trusted == preparing.bundle(cp.CA)
    # The service-account key is not part of a CA rotation.
    assert during.service_account_key == before.service_account_key

    # Prepared: the same secrets, nothing written.
    prepared = {kind: settle(rotation, clock.now()) for kind, rotation in rotations.items()}
    steady = manager(kube, clock, prepared)
    assert cp.generate(steady, VALUES) == during
    assert steady.created == [] and steady.cleanup() == []

    completing = apply_operation("rotate-ca-complete", prepared, clock.now())
    finishing = manager(kube, clock, completing)
    after = cp.generate(finishing, VALUES)
    assert finishing.old_signer(cp.CA) is None
    assert bundle_ids(finishing, cp.CA) == [key_id(new_ca.cert)]
    assert issuer_key_id(cert_of(finishing.get(cp.KUBE_APISERVER).data)) == key_id(new_ca.cert)
    assert after.kube_apiserver != before.kube_apiserver
    deleted = finishing.cleanup()
    old_ca_secrets = [name for name in deleted if name.startswith("ca-") and "bundle" not in name]
    assert len(old_ca_secrets) == 4  # the old ca, ca-client, ca-etcd and ca-front-proxy
    assert before.kube_apiserver in deleted
    assert during.ca_bundle in deleted
    completed = {kind: settle(rotation, clock.now()) for kind, rotation in completing.items()}
    again = manager(kube, clock, completed)
    assert cp.generate(again, VALUES) == after
    assert again.created == []


def test_service_account_key_rotation_bundles_both_public_keys(clock: FakeClock) -> None:
    kube = MemoryKube()
    m0 = manager(kube, clock)
    before = cp.generate(m0, VALUES)
    rotations = apply_operation("rotate-serviceaccount-key-start", {}, clock.now())
    m1 = manager(kube, clock, rotations)
    during = cp.generate(m1, VALUES)
    assert during.service_account_key != before.service_account_key
    assert during.ca_bundle == before.ca_bundle
    public_keys = m1.bundle(cp.SERVICE_ACCOUNT_KEY).count(b"BEGIN PUBLIC KEY")
    assert public_keys == 2
    assert m1.bundle(cp.SERVICE_ACCOUNT_KEY).startswith(m1.get(cp.SERVICE_ACCOUNT_KEY).data["id_rsa.pub"])
    completing = apply_operation(
        "rotate-serviceaccount-key-complete", {k: settle(r, clock.now()) for k, r in rotations.items()}, clock.now()
    )
    m2 = manager(kube, clock, completing)
    cp.generate(m2, VALUES)
    assert m2.bundle(cp.SERVICE_ACCOUNT_KEY).count(b"BEGIN PUBLIC KEY") == 1
    assert before.service_account_key in m2.cleanup()


def test_static_tokens_are_kept_for_users_that_stay(clock: FakeClock) -> None:
    kube = MemoryKube()
    admin = TokenUser("admin", "admin", ("system:masters",))
    first = manager(kube, clock).generate(StaticTokenConfig("static", (admin,)))
    second = manager(kube, clock).generate(StaticTokenConfig("static", (admin, TokenUser("ci", "ci"))))
    before = parse_token_file(first.data["static_tokens.csv"].decode())
    after = parse_token_file(second.data["static_tokens.csv"].decode())
    assert after["admin"] == before["admin"]
    assert set(after) == {"admin", "ci"}


def test_misuse_is_a_clear_error(clock: FakeClock) -> None:
    m = manager(MemoryKube(), clock)
    spec = CertificateSpec("x")
    with pytest.raises(SecretsManagerError, match="'ca' must be generated"):
        m.generate(CertificateConfig("cert", "ca", spec))
    m.generate(CAConfig("ca", "kubernetes"))
    with pytest.raises(SecretsManagerError, match="different config"):
        m.generate(CAConfig("ca", "other"))
    with pytest.raises(SecretsManagerError, match="not generated"):
        m.get("nope")
    m.generate(RSAKeyConfig("sa"))
    with pytest.raises(SecretsManagerError, match="not a certificate authority"):
        m.signer("sa")
    with pytest.raises(ValueError, match="at least 2048"):
        RSAKeyConfig("weak", 1024)
    with pytest.raises(ValueError, match="fraction"):
        SecretsManager(MemoryKube(), NS, renew_when_left=1.5)  # type: ignore[arg-type]


def test_admin_kubeconfigs_are_short_lived_masters_certificates_of_the_client_ca(clock: FakeClock) -> None:
    m = manager(MemoryKube(), clock)
    cp.generate(m, VALUES)
    text = m.issue_admin_kubeconfig(
        user="alice@example.com",
        server="https://api.a.dev.example.com",
        cluster_name="dev--a",
        expiration=timedelta(minutes=10),
    )
    config = yaml.safe_load(text)
    cert = x509.load_pem_x509_certificate(base64.b64decode(config["users"][0]["user"]["client-certificate-data"]))
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "alice@example.com"
    assert cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == "system:masters"
    assert cert.not_valid_after_utc == clock.now() + timedelta(minutes=10)
    assert issuer_key_id(cert) == key_id(m.signer(cp.CA_CLIENT).cert)
    assert base64.b64decode(config["clusters"][0]["cluster"]["certificate-authority-data"]) == m.bundle(cp.CA)
    with pytest.raises(ValueError, match="positive"):
        m.issue_admin_kubeconfig(user="a", server="https://x", cluster_name="c", expiration=timedelta(0))


def test_rotations_of_other_kinds_do_not_touch_cas(clock: FakeClock) -> None:
    kube = MemoryKube()
    before = cp.generate(manager(kube, clock), VALUES)
    unrelated = manager(kube, clock, {SA_KIND: Rotation()})
    assert cp.generate(unrelated, VALUES) == before
