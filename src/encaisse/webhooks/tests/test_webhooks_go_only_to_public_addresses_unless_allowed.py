"""The SSRF stance: http(s) only, and no internal address (loopback, private, link-local
such as the cloud metadata server) unless ENCAISSE_WEBHOOK_ALLOWED_HOSTS lists it; DEBUG
allows loopback and private networks, never link-local. Checked when a subscription is
saved and again when it is sent."""

from __future__ import annotations

import pytest

from encaisse.core.errors import BadInput
from encaisse.webhooks.addresses import check_webhook_url
from encaisse.webhooks.models import Delivery, DeliveryStatus
from encaisse.webhooks.services import create_subscription, emit
from encaisse.webhooks.tests.conftest import blocked


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("ftp://93.184.216.34/hook", "only http"),
        ("file:///etc/passwd", "only http"),
        ("javascript:alert(1)", "only http"),
        ("http:///nohost", "no host"),
        ("http://93.184.216.34:99999/", "port"),
        ("http://10.0.0.5/hook", "internal network"),
        ("http://192.168.1.20/hook", "internal network"),
        ("http://172.16.0.1/hook", "internal network"),
        ("http://169.254.169.254/latest/meta-data/", "internal network"),
        ("http://127.0.0.2:8000/", "internal network"),
        ("http://localhost:8000/", "internal network"),
        ("http://[::1]/hook", "internal network"),
        ("http://[::ffff:10.0.0.1]/hook", "internal network"),
        ("http://0.0.0.0/hook", "internal network"),
        ("http://224.0.0.1/hook", "internal network"),
        ("https://no-such-host.invalid/hook", "cannot be found"),
    ],
)
def test_a_url_that_could_reach_inside_is_refused(settings, url, why):
    settings.ENCAISSE_WEBHOOK_ALLOWED_HOSTS = []
    with pytest.raises(BadInput, match=why):
        check_webhook_url(url)


def test_a_public_address_is_accepted(settings):
    settings.ENCAISSE_WEBHOOK_ALLOWED_HOSTS = []
    assert check_webhook_url(" https://93.184.216.34/hook ") == "https://93.184.216.34/hook"


def test_an_internal_erp_is_accepted_once_listed(settings):
    settings.ENCAISSE_WEBHOOK_ALLOWED_HOSTS = ["10.1.0.0/16", "localhost"]
    assert check_webhook_url("http://10.1.2.3/erp")
    assert check_webhook_url("http://localhost:8080/erp")
    with pytest.raises(BadInput):
        check_webhook_url("http://10.2.0.1/erp")


def test_debug_allows_a_developers_receiver_but_never_the_metadata_server(settings):
    settings.ENCAISSE_WEBHOOK_ALLOWED_HOSTS = []
    settings.DEBUG = True
    assert check_webhook_url("http://127.0.0.1:9000/hook")
    assert check_webhook_url("http://192.168.1.20/hook")
    with pytest.raises(BadInput, match="internal network"):
        check_webhook_url("http://169.254.169.254/latest/meta-data/")


def test_a_host_no_longer_allowed_when_sent_is_not_contacted(
    settings, subscription, receiver, jobs_run_inline, django_capture_on_commit_callbacks
):
    settings.ENCAISSE_WEBHOOK_ALLOWED_HOSTS = []  # the administrator removed it meanwhile
    with django_capture_on_commit_callbacks(execute=True):
        event = emit("customer.blocked", blocked(), key="block:1")

    delivery = Delivery.objects.get(event=event)
    assert delivery.status == DeliveryStatus.PENDING
    assert "internal network" in delivery.last_error
    assert delivery.last_status_code is None
    assert receiver.received == []


def test_a_subscription_to_an_internal_address_is_not_saved(db, settings, admin_alice):
    settings.ENCAISSE_WEBHOOK_ALLOWED_HOSTS = []
    with pytest.raises(BadInput, match="URL"):
        create_subscription(
            name="Metadata",
            url="http://169.254.169.254/",
            events=["*"],
            created_by=admin_alice,
        )
