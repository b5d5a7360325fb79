from __future__ import annotations

import ipaddress
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509 import DNSName, IPAddress
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

from gardenlet.secrets import pki

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def ca() -> pki.KeyPair:
    return pki.issue_ca("kubernetes", NOW)


def server_verifier(*cas: pki.KeyPair, at: datetime = NOW, name: x509.verification.Subject | None = None) -> object:
    store = Store([pair.cert for pair in cas])
    return PolicyBuilder().store(store).time(at).build_server_verifier(name or DNSName("kube-apiserver"))


def test_a_ca_is_self_signed_with_ca_constraints_and_key_identifier(ca: pki.KeyPair) -> None:
    cert = ca.cert
    assert cert.subject == cert.issuer
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "kubernetes"
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.key_cert_sign and usage.crl_sign
    cert.verify_directly_issued_by(cert)
    assert cert.not_valid_after_utc - NOW == timedelta(days=3650)
    assert isinstance(ca.key, ec.EllipticCurvePrivateKey)


def test_a_server_certificate_chains_to_its_ca_and_names_its_sans(ca: pki.KeyPair) -> None:
    spec = pki.CertificateSpec(
        "kube-apiserver",
        dns_names=("kube-apiserver", "api.dev.example.com"),
        ip_addresses=("10.0.0.1", "127.0.0.1"),
        usage="server",
    )
    pair = pki.issue_certificate(spec, ca, NOW)
    leaf = pair.cert
    sans = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert sans.get_values_for_type(x509.DNSName) == ["kube-apiserver", "api.dev.example.com"]
    assert sans.get_values_for_type(x509.IPAddress) == [
        ipaddress.ip_address("10.0.0.1"),
        ipaddress.ip_address("127.0.0.1"),
    ]
    eku = leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(eku) == [ExtendedKeyUsageOID.SERVER_AUTH]
    assert not leaf.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    # A full path validation, as TLS clients do: chain, validity, SAN and EKU.
    for name in (DNSName("api.dev.example.com"), IPAddress(ipaddress.ip_address("10.0.0.1"))):
        server_verifier(ca, name=name).verify(leaf, [])  # type: ignore[attr-defined]
    with pytest.raises(VerificationError):
        server_verifier(ca, name=DNSName("evil.example.com")).verify(leaf, [])  # type: ignore[attr-defined]
    # The private key belongs to the certificate.
    assert pair.key.public_key().public_numbers() == leaf.public_key().public_numbers()  # type: ignore[union-attr]


def test_a_client_certificate_carries_user_and_groups_and_only_client_usage(ca: pki.KeyPair) -> None:
    spec = pki.CertificateSpec("system:kube-controller-manager", organizations=("system:masters", "ops"))
    leaf = pki.issue_certificate(spec, ca, NOW).cert
    assert [a.value for a in leaf.subject.get_attributes_for_oid(NameOID.COMMON_NAME)] == [
        "system:kube-controller-manager"
    ]
    assert [a.value for a in leaf.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)] == [
        "system:masters",
        "ops",
    ]
    eku = leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(eku) == [ExtendedKeyUsageOID.CLIENT_AUTH]
    # NB: cryptography's client verifier follows the web PKI (a SAN is required); Kubernetes client certificates
    # carry none, so the signature is checked directly (the integration tests have a kube-apiserver accept them).
    leaf.verify_directly_issued_by(ca.cert)
    # A client certificate is no serving certificate.
    with pytest.raises(VerificationError):
        server_verifier(ca).verify(leaf, [])  # type: ignore[attr-defined]


def test_server_client_certificates_have_both_usages(ca: pki.KeyPair) -> None:
    leaf = pki.issue_certificate(pki.CertificateSpec("etcd", usage="server-client"), ca, NOW).cert
    eku = leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert set(eku) == {ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH}


def test_key_encipherment_only_for_rsa_keys(ca: pki.KeyPair) -> None:
    ecdsa = pki.issue_certificate(pki.CertificateSpec("a"), ca, NOW).cert
    rsa_leaf = pki.issue_certificate(pki.CertificateSpec("b", key_type="rsa"), ca, NOW)
    assert not ecdsa.extensions.get_extension_for_class(x509.KeyUsage).value.key_encipherment
    assert rsa_leaf.cert.extensions.get_extension_for_class(x509.KeyUsage).value.key_encipherment
    assert rsa_leaf.private_key.startswith(b"-----BEGIN RSA PRIVATE KEY-----")


def test_a_certificate_never_outlives_its_ca() -> None:
    short_ca = pki.issue_ca("short", NOW, validity=timedelta(days=10))
    leaf = pki.issue_certificate(pki.CertificateSpec("x", validity=timedelta(days=365)), short_ca, NOW).cert
    assert leaf.not_valid_after_utc == short_ca.cert.not_valid_after_utc


def test_with_two_cas_of_one_name_the_bundle_verifies_certificates_of_either(ca: pki.KeyPair) -> None:
    new_ca = pki.issue_ca("kubernetes", NOW)
    spec = pki.CertificateSpec("kube-apiserver", dns_names=("kube-apiserver",), usage="server")
    by_old, by_new = pki.issue_certificate(spec, ca, NOW).cert, pki.issue_certificate(spec, new_ca, NOW).cert
    bundle = x509.load_pem_x509_certificates(pki.bundle([new_ca.certificate, ca.certificate]))
    store = Store(bundle)
    for leaf in (by_old, by_new):
        PolicyBuilder().store(store).time(NOW).build_server_verifier(DNSName("kube-apiserver")).verify(leaf, [])
    # Only the new CA: the old CA's certificates no longer verify.
    with pytest.raises(VerificationError):
        server_verifier(new_ca).verify(by_old, [])  # type: ignore[attr-defined]


def test_bundles_drop_duplicates_and_keep_order(ca: pki.KeyPair) -> None:
    other = pki.issue_ca("other", NOW)
    combined = pki.bundle([other.certificate, ca.certificate, other.certificate + b"\n\n", b""])
    assert [c.subject for c in x509.load_pem_x509_certificates(combined)] == [other.cert.subject, ca.cert.subject]


def test_rsa_keys_are_pem_and_at_least_2048_bits() -> None:
    pem = pki.rsa_key_pem(2048)
    key = pki.load_private_key(pem)
    assert isinstance(key, rsa.RSAPrivateKey)
    assert key.key_size == 2048
    with pytest.raises(pki.PKIError, match="at least 2048"):
        pki.rsa_key_pem(1024)


def test_bad_input_is_a_clear_error(ca: pki.KeyPair) -> None:
    with pytest.raises(pki.PKIError, match="not an IP address"):
        pki.issue_certificate(pki.CertificateSpec("x", ip_addresses=("10.0.0.300",)), ca, NOW)
    with pytest.raises(pki.PKIError, match="common name"):
        pki.issue_certificate(pki.CertificateSpec(""), ca, NOW)
    leaf = pki.issue_certificate(pki.CertificateSpec("leaf"), ca, NOW)
    with pytest.raises(pki.PKIError, match="not a certificate authority"):
        pki.issue_certificate(pki.CertificateSpec("x"), leaf, NOW)


@pytest.mark.parametrize(
    ("elapsed_days", "renew"),
    [(0, False), (50, False), (79, False), (81, True), (100, True), (120, True)],
    ids=str,
)
def test_renewal_is_due_once_less_than_a_fifth_of_the_validity_is_left(elapsed_days: int, renew: bool) -> None:
    issued, until = NOW, NOW + timedelta(days=100)
    assert pki.needs_renewal(issued, until, NOW + timedelta(days=elapsed_days)) is renew


def test_validity_reads_the_certificate_window(ca: pki.KeyPair) -> None:
    leaf = pki.issue_certificate(pki.CertificateSpec("x", validity=timedelta(days=30)), ca, NOW)
    assert pki.validity(leaf.certificate) == (NOW - pki.BACKDATE, NOW + timedelta(days=30))
