from encaisse.ledger.scoping import visible_customers, visible_invoices


def names(user):
    return set(visible_customers(user).values_list("external_id", flat=True))


def test_rep_sees_only_own_portfolio(portfolios, rep_remi):
    assert names(rep_remi) == {"REMI-1", "REMI-2"}


def test_rep_cannot_see_another_reps_invoices(portfolios, rep_remi):
    numbers = set(visible_invoices(rep_remi).values_list("number", flat=True))
    assert numbers == {"F-remi-1", "F-remi-2"}


def test_sales_manager_sees_the_reps_they_manage(portfolios, manager_maud):
    assert names(manager_maud) == {"REMI-1", "REMI-2", "SARAH-1", "SARAH-2"}


def test_agency_manager_sees_their_agency(portfolios, agency_manager_anna):
    assert names(agency_manager_anna) == {"REMI-1", "REMI-2", "SARAH-1", "SARAH-2"}


def test_finance_admin_and_viewer_see_everything(
    portfolios, finance_fanny, admin_alice, viewer_victor
):
    for user in (finance_fanny, admin_alice, viewer_victor):
        assert len(names(user)) == 6


def test_inactive_user_sees_nothing(portfolios, rep_remi):
    rep_remi.is_active = False
    assert names(rep_remi) == set()


def test_rep_without_customers_sees_nothing(db, portfolios):
    from encaisse.ledger.tests.factories import UserFactory

    assert names(UserFactory(username="newbie")) == set()
