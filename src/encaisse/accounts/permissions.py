"""Role capabilities: what a role may do. Which rows a user sees is ledger.scoping's job."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest

from encaisse.accounts.models import Role, User

SEES_EVERY_CUSTOMER = frozenset({Role.ADMIN, Role.FINANCE, Role.VIEWER})
MANAGES_PEOPLE = frozenset({Role.ADMIN, Role.FINANCE, Role.SALES_MANAGER, Role.AGENCY_MANAGER})
KEEPS_THE_BOOKS = frozenset({Role.ADMIN, Role.FINANCE})


def can_see_team_reports(user: User) -> bool:
    """Reports grouped by rep or agency make sense beyond a single portfolio."""
    return user.is_authenticated and user.role in MANAGES_PEOPLE | {Role.VIEWER}


def _works_in_finance(user: User) -> bool:
    """An active finance user or administrator: who keeps the books and decides."""
    return user.is_authenticated and user.is_active and user.role in KEEPS_THE_BOOKS


def can_import_ledger(user: User) -> bool:
    """Feeding the ledger (files, statements) is finance's and the administrator's job."""
    return _works_in_finance(user)


def can_edit_company(user: User) -> bool:
    """The legal entities (names, SIREN, VAT, bank details on letters): finance's and the
    administrator's."""
    return _works_in_finance(user)


def can_run_dunning(user: User) -> bool:
    """Approving letters, deciding holds, reading the outbox: finance's decisions."""
    return _works_in_finance(user)


def people_who_run_dunning() -> QuerySet[User]:
    """Everyone can_run_dunning says yes to, in one query: who is told a decision waits
    for finance (a hold requested)."""
    return User.objects.filter(is_active=True, role__in=KEEPS_THE_BOOKS)


def sees_only_own_customers(user: User) -> bool:
    """A sales rep's portfolio is their own customers ("My customers")."""
    return user.is_authenticated and user.role == Role.SALES_REP


def is_read_only(user: User) -> bool:
    return user.role == Role.VIEWER


def acting_user(request: HttpRequest) -> User:
    """The logged-in user behind a request (views are behind login_required)."""
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user
