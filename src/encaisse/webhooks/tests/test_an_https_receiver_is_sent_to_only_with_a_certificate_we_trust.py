"""Over https, the receiver's certificate is checked (its name and its authority): one
signed by an unknown authority gets nothing; trusted (SSL_CERT_FILE naming the company's
own authority), it gets the event."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from encaisse.webhooks.models import Delivery, DeliveryStatus
from encaisse.webhooks.services import create_subscription, emit
from encaisse.webhooks.tests.conftest import blocked
from encaisse.webhooks.tests.receiver import Receiver, start_receiver


def _openssl(*args: str, cwd: Path) -> None:
    # The system's openssl, fixed arguments: a throwaway authority and certificate.
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def company_authority(tmp_path):
    """A certificate authority of the company's own and a certificate it signed for
    localhost: (authority file, certificate file, key file)."""
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key",
             "-out", "ca.pem", "-subj", "/CN=Encaisse test authority", "-days", "2",
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=tmp_path)  # fmt: skip
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "erp.key", "-out", "erp.csr",
             "-subj", "/CN=localhost", cwd=tmp_path)  # fmt: skip
    (tmp_path / "ext.cnf").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    _openssl("x509", "-req", "-in", "erp.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
             "-CAcreateserial", "-out", "erp.pem", "-days", "2", "-extfile", "ext.cnf",
             cwd=tmp_path)  # fmt: skip
    return tmp_path / "ca.pem", tmp_path / "erp.pem", tmp_path / "erp.key"


@pytest.fixture
def https_receiver(company_authority, settings):
    _ca, certificate, key = company_authority
    receiver = Receiver(scheme="https", host="localhost")
    server = start_receiver(receiver, tls=(str(certificate), str(key)))
    settings.ENCAISSE_WEBHOOK_ALLOWED_HOSTS = ["localhost"]
    yield receiver
    server.shutdown()
    server.server_close()


def test_an_https_receiver_is_sent_to_only_with_a_certificate_we_trust(
    admin_alice,
    https_receiver,
    company_authority,
    documented_verify,
    monkeypatch,
    jobs_run_inline,
    django_capture_on_commit_callbacks,
):
    subscription = create_subscription(
        name="ERP", url=https_receiver.url, events=["*"], created_by=admin_alice
    )
    with django_capture_on_commit_callbacks(execute=True):
        untrusted = emit("customer.blocked", blocked(), key="block:1")
    delivery = Delivery.objects.get(event=untrusted)
    assert delivery.status == DeliveryStatus.PENDING
    assert "CERTIFICATE_VERIFY_FAILED" in delivery.last_error
    assert https_receiver.received == []

    monkeypatch.setenv("SSL_CERT_FILE", str(company_authority[0]))
    with django_capture_on_commit_callbacks(execute=True):
        trusted = emit("customer.unblocked", blocked(), key="unblock:1")
    assert Delivery.objects.get(event=trusted).status == DeliveryStatus.DELIVERED
    [request] = https_receiver.received
    assert documented_verify(subscription.secret, request.headers, request.body)
