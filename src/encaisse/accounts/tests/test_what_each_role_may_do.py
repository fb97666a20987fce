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
    assert permissions.can_run_dunning(user) is books
    assert permissions.can_see_team_reports(user) is team_reports
    assert permissions.sees_only_own_customers(user) is own_only
    assert permissions.is_read_only(user) is read_only


def test_the_policy_names_every_role() -> None:
    assert set(POLICY) == set(Role)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.FINANCE])
def test_a_deactivated_finance_user_keeps_no_books(role: Role) -> None:
    user = user_with(role, active=False)
    assert not permissions.can_import_ledger(user)
    assert not permissions.can_run_dunning(user)
    assert not permissions.can_edit_company(user)


def test_an_anonymous_visitor_may_do_nothing() -> None:
    visitor = AnonymousUser()
    for may in (
        permissions.can_import_ledger,
        permissions.can_edit_company,
        permissions.can_run_dunning,
        permissions.can_see_team_reports,
        permissions.sees_only_own_customers,
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
    books, _team, own_only, _read_only = POLICY[role]
    assert capabilities(request) == {
        "can": {"work_in_finance": books, "see_only_own_customers": own_only}
    }


def test_templates_of_an_anonymous_request_see_no_capability() -> None:
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert capabilities(request) == {"can": {}}


@pytest.mark.django_db
def test_the_people_who_run_dunning_are_those_who_may(django_user_model) -> None:
    for role in Role:
        django_user_model.objects.create(username=f"on-{role}", role=role)
        django_user_model.objects.create(username=f"off-{role}", role=role, is_active=False)
    told = set(permissions.people_who_run_dunning())
    assert told == {u for u in django_user_model.objects.all() if permissions.can_run_dunning(u)}
    assert told
