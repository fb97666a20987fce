"""The webhook pages are the administrator's: every other role gets a 404 on each of them
(nothing to learn), a visitor the login page. The administrator subscribes with the event
checkboxes, sees a refused URL explained on the form, sends a test and reads the log."""

from __future__ import annotations

import pytest

from encaisse.webhooks.models import Subscription
from encaisse.webhooks.services import emit
from encaisse.webhooks.tests.conftest import blocked

ROLES = ["finance_fanny", "manager_maud", "agency_manager_anna", "rep_remi", "viewer_victor"]


def _urls(subscription, delivery_pk):
    base = "/integrations/webhooks/"
    return [
        base,
        f"{base}new/",
        f"{base}{subscription.pk}/",
        f"{base}deliveries/",
        f"{base}deliveries/?status=failed&event=customer.blocked&subscription={subscription.pk}",
        f"{base}deliveries/{delivery_pk}/",
    ]


def _posts(subscription, delivery_pk):
    base = "/integrations/webhooks/"
    return [
        f"{base}new/",
        f"{base}{subscription.pk}/",
        f"{base}{subscription.pk}/active/",
        f"{base}{subscription.pk}/secret/",
        f"{base}{subscription.pk}/ping/",
        f"{base}deliveries/{delivery_pk}/replay/",
    ]


@pytest.mark.parametrize("role", ROLES)
def test_no_one_but_the_administrator_opens_a_webhook_page(client, request, role, subscription):
    delivery = emit("customer.blocked", blocked(), key="b:1").deliveries.get()
    client.force_login(request.getfixturevalue(role))
    for url in _urls(subscription, delivery.pk):
        assert client.get(url).status_code == 404, url
    secret = subscription.secret
    for url in _posts(subscription, delivery.pk):
        assert client.post(url, {"active": "0", "name": "x"}).status_code == 404, url
    subscription.refresh_from_db()
    assert (subscription.active, subscription.secret, subscription.name) == (
        True,
        secret,
        "ERP orders",
    )


def test_a_visitor_is_sent_to_the_login_page(client, subscription):
    response = client.get("/integrations/webhooks/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_the_administrator_subscribes_tests_and_reads_the_log(
    client, admin_alice, receiver, jobs_run_inline, django_capture_on_commit_callbacks
):
    client.force_login(admin_alice)
    home = client.get("/").content.decode()
    assert "/integrations/webhooks/" in home  # in the Finance menu

    refused = client.post(
        "/integrations/webhooks/new/",
        {"name": "Metadata", "url": "http://169.254.169.254/", "events": ["customer.blocked"]},
    )
    assert refused.status_code == 200
    assert "internal network" in refused.content.decode()
    nothing = client.post(
        "/integrations/webhooks/new/", {"name": "ERP", "url": receiver.url}
    ).content.decode()
    assert "Choose at least one event" in nothing
    assert not Subscription.objects.exists()

    page = client.get("/integrations/webhooks/new/").content.decode()
    assert 'value="customer.blocked"' in page
    assert 'value="limit.decided"' in page
    created = client.post(
        "/integrations/webhooks/new/",
        {
            "name": "ERP orders",
            "url": receiver.url,
            "events": ["customer.blocked", "payment.received"],
        },
    )
    subscription = Subscription.objects.get()
    assert created["Location"] == f"/integrations/webhooks/{subscription.pk}/"
    assert subscription.events == ["customer.blocked", "payment.received"]
    assert subscription.created_by == admin_alice
    assert subscription.secret in client.get(created["Location"]).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/integrations/webhooks/{subscription.pk}/ping/")
    assert [r.headers["X-Encaisse-Event"] for r in receiver.received] == ["ping"]
    assert "HTTP 200" in client.get(response["Location"]).content.decode()

    client.post(
        f"/integrations/webhooks/{subscription.pk}/",
        {"name": "ERP orders", "url": receiver.url, "every_event": "on"},
    )
    subscription.refresh_from_db()
    assert subscription.events == ["*"]

    log = client.get("/integrations/webhooks/deliveries/?status=delivered").content.decode()
    assert "ping" in log
    assert (
        "No delivery here."
        in client.get("/integrations/webhooks/deliveries/?status=failed").content.decode()
    )

    client.post(f"/integrations/webhooks/{subscription.pk}/active/", {"active": "0"})
    subscription.refresh_from_db()
    assert not subscription.active
    old_secret = subscription.secret
    client.post(f"/integrations/webhooks/{subscription.pk}/secret/")
    subscription.refresh_from_db()
    assert subscription.secret != old_secret
    assert subscription.secret.startswith("whsec_")
