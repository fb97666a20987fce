"""Typing @ in a note box suggests only the active people who see that customer, and the
list of a customer outside one's own portfolio is not found."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def _suggested(client, customer, query=""):
    response = client.get(f"/customers/{customer.pk}/notes/mentions/", {"q": query})
    assert response.status_code == 200
    return [user["username"] for user in response.json()["users"]]


def test_a_rep_never_appears_for_a_customer_outside_his_portfolio(
    client, portfolios, rep_remi, finance_fanny, agency_manager_anna
):
    client.force_login(finance_fanny)
    everyone = _suggested(client, portfolios["remi1"])
    assert "remi" in everyone
    assert {"maud", "anna", "fanny"} <= set(everyone)
    assert not {"paul", "sarah"} & set(everyone)
    assert "paul" in _suggested(client, portfolios["paul1"])
    assert "remi" not in _suggested(client, portfolios["paul1"])


def test_suggestions_follow_what_is_typed_by_username_or_name(
    client, portfolios, rep_remi, finance_fanny
):
    client.force_login(rep_remi)
    assert _suggested(client, portfolios["remi1"], "fa") == ["fanny"]
    assert _suggested(client, portfolios["remi1"], "Fin") == ["fanny"]
    assert _suggested(client, portfolios["remi1"], "@Mau") == ["maud"]
    assert _suggested(client, portfolios["remi1"], "paul") == []
    response = client.get(f"/customers/{portfolios['remi1'].pk}/notes/mentions/?q=maud")
    assert response.json() == {"users": [{"username": "maud", "name": "Maud Manager"}]}


def test_the_list_of_a_customer_outside_the_portfolio_is_not_found(client, portfolios, rep_remi):
    client.force_login(rep_remi)
    response = client.get(f"/customers/{portfolios['paul1'].pk}/notes/mentions/?q=p")
    assert response.status_code == 404
    assert b"paul" not in response.content


def test_an_anonymous_visitor_is_sent_to_log_in(client, portfolios):
    response = client.get(f"/customers/{portfolios['remi1'].pk}/notes/mentions/")
    assert response.status_code == 302
