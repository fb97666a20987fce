"""The aged balance page: as of a date, grouped, drill-down, exports."""

import pytest


@pytest.fixture
def logged_in(client, finance_fanny, portfolios):
    client.force_login(finance_fanny)
    return client


def test_page_groups_by_customer_by_default_with_links_to_each(logged_in, portfolios):
    response = logged_in.get("/reports/aged-balance/", {"as_of": "2026-04-15"})
    html = response.content.decode()
    assert response.context["by"] == "customer"
    for customer in portfolios.values():
        assert f"/customers/{customer.pk}/" in html


def test_rep_row_drills_down_to_that_reps_customers(logged_in):
    by_rep = logged_in.get("/reports/aged-balance/", {"as_of": "2026-04-15", "by": "rep"})
    assert "by=customer&amp;rep=remi" in by_rep.content.decode()
    drilled = logged_in.get(
        "/reports/aged-balance/", {"as_of": "2026-04-15", "by": "customer", "rep": "remi"}
    )
    assert {row.key for row in drilled.context["report"].rows} == {"REMI-1", "REMI-2"}


def test_agency_row_drills_down_to_its_reps(logged_in):
    drilled = logged_in.get(
        "/reports/aged-balance/", {"as_of": "2026-04-15", "by": "rep", "agency": "LYO"}
    )
    assert {row.key for row in drilled.context["report"].rows} == {"remi", "sarah"}


def test_bad_date_shows_the_form_error_and_todays_balance(logged_in):
    response = logged_in.get("/reports/aged-balance/", {"as_of": "2026-02-31"})
    assert response.status_code == 200
    assert response.context["form"].errors["as_of"]


def test_csv_export_is_a_download(logged_in):
    response = logged_in.get("/reports/aged-balance/", {"as_of": "2026-04-15", "export": "csv"})
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.decode().startswith("key,label,currency,not_due")


def test_dashboard_shows_the_scope_totals(client, rep_remi, portfolios):
    client.force_login(rep_remi)
    response = client.get("/")
    assert response.context["customer_count"] == 2
    assert response.context["total"].total == 2000


def test_dashboard_of_an_empty_ledger_shows_zeros(client, finance_fanny):
    client.force_login(finance_fanny)
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    assert "0,00\u00a0€" in response.content.decode()
