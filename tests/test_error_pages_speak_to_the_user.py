"""A page that does not exist, or is outside the portfolio, answers with Encaisse's own 404
page, in the reader's language; the 500 page needs nothing from the request."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation


def test_a_missing_page_is_encaisses_404_in_french(client, rep_remi):
    client.force_login(rep_remi)
    response = client.get("/customers/999999/", headers={"accept-language": "fr"})
    assert response.status_code == 404
    page = response.content.decode()
    assert 'data-testid="not-found"' in page
    assert "Not Found" not in page
    assert "ne vous est pas ouverte" in page


def test_the_500_page_renders_without_a_request():
    with translation.override("fr"):
        page = render_to_string("500.html")
    assert "Encaisse" in page
    assert "500" in page
