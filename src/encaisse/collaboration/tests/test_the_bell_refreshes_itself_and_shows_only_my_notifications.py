"""The bell asks again for its count every minute (htmx polling, not while the tab is hidden
nor while its menu is open), its menu shows my latest unread notifications (never someone
else's, never about a customer I no longer see), and I mark one or all of them read."""

from __future__ import annotations

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from encaisse.collaboration.models import Notification
from encaisse.collaboration.services import notify

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/customers/?q=x"}


@pytest.fixture
def remis_notifications(rep_remi, rep_sarah, portfolios):
    for index in range(7):
        notify(recipient=rep_remi, title=f"For Rémi {index}", customer=portfolios["remi1"])
    notify(recipient=rep_sarah, title="For Sarah", customer=portfolios["sarah1"])
    # About a customer Rémi no longer sees: neither counted nor shown.
    notify(recipient=rep_remi, title="About Paul's customer", customer=portfolios["paul1"])
    return Notification.objects.filter(recipient=rep_remi, title__startswith="For Rémi")


def test_every_page_draws_a_bell_that_polls_while_the_tab_is_seen(client, rep_remi):
    client.force_login(rep_remi)
    page = client.get(reverse("my-day"))
    assertContains(page, f'hx-get="{reverse("notification-bell")}"')
    assertContains(page, "every 60s [document.visibilityState === 'visible'")
    assertContains(page, f'hx-get="{reverse("notification-latest")}"')


def test_the_bell_endpoint_counts_only_my_unread_notifications(
    client, rep_remi, rep_sarah, remis_notifications
):
    client.force_login(rep_remi)
    bell = client.get(reverse("notification-bell"), **HTMX)
    assertContains(bell, 'id="notification-bell"')
    assertContains(bell, 'data-testid="unread-count">7<')
    assertNotContains(bell, "<html")

    client.force_login(rep_sarah)
    sarahs = client.get(reverse("notification-bell"), **HTMX)
    assertContains(sarahs, 'data-testid="unread-count">1<')


def test_the_menu_shows_my_five_latest_unread(client, rep_remi, remis_notifications):
    client.force_login(rep_remi)
    menu = client.get(reverse("notification-latest"), **HTMX).content.decode()
    assert menu.count('data-testid="bell-notification"') == 5
    assert "For Rémi 6" in menu
    assert "For Rémi 1" not in menu
    assert "For Sarah" not in menu
    assert "About Paul" not in menu
    assert 'name="next" value="/customers/"' in menu  # mark all read, and stay on the page


def test_marking_one_read_then_all_read_empties_the_bell(client, rep_remi, remis_notifications):
    client.force_login(rep_remi)
    first = remis_notifications.order_by("pk").first()
    client.post(reverse("notifications-read"), {"id": first.pk})
    assertContains(client.get(reverse("notification-bell"), **HTMX), 'unread-count">6<')

    response = client.post(reverse("notifications-read"), {"next": "/customers/"})
    assert response["Location"] == "/customers/"
    assertNotContains(client.get(reverse("notification-bell"), **HTMX), "unread-count")
    assertContains(client.get(reverse("notification-latest"), **HTMX), "Nothing unread.")


def test_the_page_offers_to_mark_one_read(client, rep_remi, remis_notifications):
    client.force_login(rep_remi)
    page = client.get(reverse("notification-list"))
    assert page.content.decode().count('data-testid="mark-read"') == 7


def test_after_the_session_ends_the_bell_stays_as_it_is(client):
    assert client.get(reverse("notification-bell"), **HTMX).status_code == 204
    assert client.get(reverse("notification-latest"), **HTMX).status_code == 204
