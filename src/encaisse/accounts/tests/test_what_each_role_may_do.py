"""The permissions module, role by role: the one place that says what a role may do. Every
view, template (through the ``can`` context) and service asks it, so this table is the
product's access policy in one screen."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from encaisse.accounts import permissions
from encaisse.accounts.context_processors import capabilities
from encaisse.accounts.models import Role, User

# role: (books: import, company, dunning), team reports, only own customers, read-only
POLICY = {
    Role.ADMIN: (True, True, False, False),
    Role.FINANCE: (True, True, False, False),
    Role.SALES_MANAGER: (False, True, False, False),
    Role.AGENCY_MANAGER: (False, True, False, False),
    Role.SALES_REP: (False, False, True, False),
    Role.VIEWER: (False, True, False, True),
}


def user_with(role: Role, *, active: bool = True) -> User:
    return User(username=f"u-{role}", role=role, is_active=active)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_may_do_what_the_policy_says(role: Role) -> None:
    books, team_reports, own_only, read_only = POLICY[role]
    user = user_with(role)
    assert permissions.can_import_ledger(user) is books
    assert permissions.can_edit_company(user) is books
    assert permissions.can_edit_customer(user) is books
    assert permissions.can_record_credit_cover(user) is books
    assert permissions.can_run_dunning(user) is books
    assert permissions.can_hold_portfolio(user) is (role == Role.SALES_REP)
    assert permissions.can_see_team_reports(user) is team_reports
    assert permissions.sees_only_own_customers(user) is own_only
    assert permissions.is_read_only(user) is read_only
    assert permissions.can_decide_disputes(user) is books
    assert permissions.can_follow_disputes(user) is team_reports
    assert permissions.can_open_disputes(user) is not read_only
    assert permissions.can_manage_integrations(user) is (role == Role.ADMIN)
    assert permissions.can_block_customers(user) is books
    assert permissions.can_follow_blocked_customers(user) is team_reports
    assert permissions.can_see_over_limit(user) is team_reports
    assert permissions.can_decide_limits(user) is books
    assert permissions.can_request_limit(user) is (
        role in {Role.SALES_REP, Role.AGENCY_MANAGER, Role.SALES_MANAGER}
    )


def test_the_policy_names_every_role() -> None:
    assert set(POLICY) == set(Role)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.FINANCE])
def test_a_deactivated_finance_user_keeps_no_books(role: Role) -> None:
    user = user_with(role, active=False)
    assert not permissions.can_import_ledger(user)
    assert not permissions.can_run_dunning(user)
    assert not permissions.can_edit_company(user)
    assert not permissions.can_decide_disputes(user)
    assert not permissions.can_open_disputes(user)
    assert not permissions.can_manage_integrations(user)
    assert not permissions.can_block_customers(user)


def test_an_anonymous_visitor_may_do_nothing() -> None:
    visitor = AnonymousUser()
    for may in (
        permissions.can_import_ledger,
        permissions.can_edit_company,
        permissions.can_run_dunning,
        permissions.can_see_team_reports,
        permissions.sees_only_own_customers,
        permissions.can_decide_disputes,
        permissions.can_follow_disputes,
        permissions.can_open_disputes,
        permissions.can_manage_integrations,
        permissions.can_block_customers,
        permissions.can_follow_blocked_customers,
        permissions.can_see_over_limit,
        permissions.can_request_limit,
        permissions.can_decide_limits,
    ):
        assert may(visitor) is False  # type: ignore[arg-type]


def test_the_acting_user_of_an_anonymous_request_is_refused() -> None:
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with pytest.raises(PermissionDenied):
        permissions.acting_user(request)


@pytest.mark.parametrize("role", list(Role))
def test_templates_see_the_same_capabilities(role: Role) -> None:
    request = RequestFactory().get("/")
    request.user = user_with(role)
    books, team, own_only, _read_only = POLICY[role]
    assert capabilities(request) == {
        "can": {
            "work_in_finance": books,
            "edit_customers": books,
            "see_only_own_customers": own_only,
            "follow_disputes": team,
            "manage_integrations": role == Role.ADMIN,
            "see_over_limit": team,
        }
    }


def test_templates_of_an_anonymous_request_see_no_capability() -> None:
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert capabilities(request) == {"can": {}}


# role: may write a note (on a customer they see)
WRITES_NOTES = {
    Role.ADMIN: True,
    Role.FINANCE: True,
    Role.SALES_MANAGER: True,
    Role.AGENCY_MANAGER: True,
    Role.SALES_REP: True,
    Role.VIEWER: False,
}

# role: records special terms agreed at the sale, confirms or refuses them
TERMS_POLICY = {
    Role.ADMIN: (True, True),
    Role.FINANCE: (True, True),
    Role.SALES_MANAGER: (True, False),
    Role.AGENCY_MANAGER: (True, False),
    Role.SALES_REP: (True, False),
    Role.VIEWER: (False, False),
}


@pytest.mark.parametrize("role", list(Role))
def test_who_may_write_notes(role: Role) -> None:
    assert permissions.can_write_notes(user_with(role)) is WRITES_NOTES[role]
    assert permissions.can_write_notes(user_with(role, active=False)) is False
    assert permissions.can_write_notes(AnonymousUser()) is False  # type: ignore[arg-type]


@pytest.mark.parametrize("role", list(Role))
def test_sales_records_special_terms_and_finance_decides_them(role: Role) -> None:
    records, decides = TERMS_POLICY[role]
    assert permissions.can_record_terms(user_with(role)) is records
    assert permissions.can_decide_terms(user_with(role)) is decides
    assert not permissions.can_record_terms(user_with(role, active=False))
    assert not permissions.can_decide_terms(user_with(role, active=False))


@pytest.mark.django_db
def test_finance_users_are_told_of_terms_to_confirm() -> None:
    finance = User.objects.create(username="f", role=Role.FINANCE)
    User.objects.create(username="gone", role=Role.FINANCE, is_active=False)
    User.objects.create(username="r", role=Role.SALES_REP)
    assert list(permissions.terms_deciders()) == [finance]


# role: gets the weekly portfolio e-mail
PORTFOLIO_DIGEST = {
    Role.ADMIN: False,
    Role.FINANCE: False,
    Role.SALES_MANAGER: True,
    Role.AGENCY_MANAGER: True,
    Role.SALES_REP: True,
    Role.VIEWER: False,
}


@pytest.mark.parametrize("role", list(Role))
def test_reps_and_managers_get_the_weekly_portfolio_and_no_one_else(role: Role) -> None:
    assert permissions.gets_portfolio_digest(user_with(role)) is PORTFOLIO_DIGEST[role]
    assert not permissions.gets_portfolio_digest(user_with(role, active=False))


@pytest.mark.django_db
def test_the_users_who_run_dunning_are_those_who_may(django_user_model) -> None:
    for role in Role:
        django_user_model.objects.create(username=f"on-{role}", role=role)
        django_user_model.objects.create(username=f"off-{role}", role=role, is_active=False)
    told = set(permissions.users_who_run_dunning())
    assert told == {u for u in django_user_model.objects.all() if permissions.can_run_dunning(u)}
    assert told


# role: assesses a customer it sees in the field (risk's field assessment)
ASSESSES_CUSTOMERS = {
    Role.ADMIN: True,
    Role.FINANCE: True,
    Role.SALES_MANAGER: True,
    Role.AGENCY_MANAGER: True,
    Role.SALES_REP: True,
    Role.VIEWER: False,
}


@pytest.mark.parametrize("role", list(Role))
def test_who_may_assess_a_customer_in_the_field(role: Role) -> None:
    assert permissions.can_assess_customers(user_with(role)) is ASSESSES_CUSTOMERS[role]
    assert permissions.can_assess_customers(user_with(role, active=False)) is False
    assert permissions.can_assess_customers(AnonymousUser()) is False  # type: ignore[arg-type]
