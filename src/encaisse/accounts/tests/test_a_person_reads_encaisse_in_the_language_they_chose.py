"""My preferences: the language I chose wins over my browser's once I am logged in, and I
choose how notifications reach me by e-mail; a bad choice changes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from encaisse.accounts.models import NotificationDelivery

pytestmark = pytest.mark.django_db


def test_an_english_speaking_user_reads_the_pages_in_english_whatever_the_browser(
    client, finance_fanny
):
    finance_fanny.language = "en"
    finance_fanny.save()
    client.force_login(finance_fanny)
    client.cookies["django_language"] = "fr"

    page = client.get(reverse("my-day"), HTTP_ACCEPT_LANGUAGE="fr")

    assert page["Content-Language"] == "en"
    assert '<html lang="en">' in page.content.decode()
    assert "My day" in page.content.decode()


def test_a_french_user_reads_the_pages_in_french_from_an_english_browser(client, rep_remi):
    rep_remi.language = "fr"
    rep_remi.save()
    client.force_login(rep_remi)

    page = client.get(reverse("my-day"), HTTP_ACCEPT_LANGUAGE="en")

    assert page["Content-Language"] == "fr"
    assert "Ma journée" in page.content.decode()


def test_without_a_choice_the_browser_decides_as_before(client, rep_remi):
    client.force_login(rep_remi)
    page = client.get(reverse("my-day"), HTTP_ACCEPT_LANGUAGE="en")
    assert page["Content-Language"] == "en"


def test_the_preferences_page_is_in_the_user_menu_and_saves_both_choices(client, rep_remi):
    client.force_login(rep_remi)
    home = client.get(reverse("my-day"), HTTP_ACCEPT_LANGUAGE="en")
    assert reverse("preferences") in home.content.decode()

    page = client.get(reverse("preferences"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "One e-mail a day" in page.content.decode()

    saved = client.post(
        reverse("preferences"),
        {"language": "en", "notification_delivery": NotificationDelivery.DAILY_DIGEST},
        follow=True,
    )
    rep_remi.refresh_from_db()
    assert rep_remi.language == "en"
    assert rep_remi.notification_delivery == NotificationDelivery.DAILY_DIGEST
    assert "Your preferences are saved." in saved.content.decode()
    assert client.cookies["django_language"].value == "en"  # the login page speaks it too


def test_a_language_that_does_not_exist_is_refused_and_nothing_changes(client, rep_remi):
    client.force_login(rep_remi)
    page = client.post(
        reverse("preferences"),
        {"language": "xx", "notification_delivery": "carrier-pigeon"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert page.status_code == 400
    assert page.content.decode().count('data-testid="field-error"') == 2
    rep_remi.refresh_from_db()
    assert rep_remi.language == ""
    assert rep_remi.notification_delivery == NotificationDelivery.IMMEDIATELY


def test_the_language_menu_keeps_the_choice_for_the_next_pages(client, finance_fanny):
    client.force_login(finance_fanny)
    client.post(
        reverse("preferences-language"),
        {"language": "fr", "next": reverse("my-day")},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    finance_fanny.refresh_from_db()
    assert finance_fanny.language == "fr"
    client.cookies.clear()
    client.force_login(finance_fanny)
    page = client.get(reverse("my-day"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Ma journée" in page.content.decode()


def test_an_administrator_sets_them_for_someone_in_the_admin(client, admin_alice, rep_remi):
    client.force_login(admin_alice)
    page = client.get(reverse("admin:accounts_user_change", args=[rep_remi.pk]))
    assert page.status_code == 200
    assert 'name="language"' in page.content.decode()
    assert 'name="notification_delivery"' in page.content.decode()
