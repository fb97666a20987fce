"""Role capabilities: what a role may do. Which rows a user sees is ledger.scoping's job."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest

from encaisse.accounts.models import Role, User

SEES_EVERY_CUSTOMER = frozenset({Role.ADMIN, Role.FINANCE, Role.VIEWER})
MANAGES_PEOPLE = frozenset({Role.ADMIN, Role.FINANCE, Role.SALES_MANAGER, Role.AGENCY_MANAGER})
KEEPS_THE_BOOKS = frozenset({Role.ADMIN, Role.FINANCE})
# Who gets the weekly portfolio e-mail: a rep their portfolio, a manager their scope by rep.
GETS_PORTFOLIO_DIGEST = frozenset({Role.SALES_REP, Role.SALES_MANAGER, Role.AGENCY_MANAGER})


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


def can_edit_customer(user: User) -> bool:
    """A customer's collection data (rep, agency, terms, limit, contacts) is finance's."""
    return _works_in_finance(user)


def can_record_credit_cover(user: User) -> bool:
    """A customer's credit-insurance cover, as the insurer granted it: finance's."""
    return _works_in_finance(user)


def can_hold_portfolio(user: User) -> bool:
    """Who may be given customers as their portfolio: an active sales rep."""
    return user.is_active and user.role == Role.SALES_REP


def portfolio_holders() -> QuerySet[User]:
    """The users ``can_hold_portfolio`` accepts, for a form's choices."""
    return User.objects.filter(is_active=True, role=Role.SALES_REP).order_by(
        "last_name", "first_name", "username"
    )


def can_run_dunning(user: User) -> bool:
    """Approving letters, deciding holds, reading the outbox: finance's decisions."""
    return _works_in_finance(user)


def _works_the_customers(user: User) -> bool:
    """An active user who acts on the customers they see: everyone but the read-only viewer."""
    return user.is_authenticated and user.is_active and user.role != Role.VIEWER


def can_act_on_customers(user: User) -> bool:
    """Recording what happens with a customer one sees: a promise, a call, a hold request."""
    return _works_the_customers(user)


def can_write_notes(user: User) -> bool:
    """Whoever works the customers may write a note on one they see."""
    return _works_the_customers(user)


def can_record_terms(user: User) -> bool:
    """Special terms agreed at the sale are recorded by whoever sells or keeps the books."""
    return _works_the_customers(user)


def can_assess_customers(user: User) -> bool:
    """The field assessment of a customer one sees: its rep, the managers over them, finance
    (not the read-only viewer)."""
    return _works_the_customers(user)


def can_decide_terms(user: User) -> bool:
    """Finance confirms or refuses the special terms sales agreed."""
    return _works_in_finance(user)


def terms_deciders() -> QuerySet[User]:
    """Who is told of new special terms to confirm: finance."""
    return users_who_run_dunning()


def gets_portfolio_digest(user: User) -> bool:
    """The weekly portfolio e-mail is for the people who work a portfolio: reps and their
    managers (finance has the dashboard and the aged balance)."""
    return user.is_authenticated and user.is_active and user.role in GETS_PORTFOLIO_DIGEST


def users_who_run_dunning() -> QuerySet[User]:
    """Everyone ``can_run_dunning`` says yes to: whom finance's notifications go to."""
    return User.objects.filter(is_active=True, role__in=KEEPS_THE_BOOKS)


def can_decide_disputes(user: User) -> bool:
    """Moving any dispute on, resolving it by a credit note or rejecting it: finance's call
    (the dispute's owner may too, see collaboration.permissions)."""
    return _works_in_finance(user)


def can_follow_disputes(user: User) -> bool:
    """The disputes page, every dispute of the portfolio: finance and the managers."""
    return can_see_team_reports(user)


def can_open_disputes(user: User) -> bool:
    """Anyone who works a customer may record that it disputes invoices."""
    return _works_the_customers(user)


def can_block_customers(user: User) -> bool:
    """Blocking a customer (its orders stop), unblocking it, approving another's request to
    unblock: finance's decisions."""
    return _works_in_finance(user)


def can_follow_blocked_customers(user: User) -> bool:
    """The list of blocked customers (and its CSV for the ERP): finance and the managers."""
    return can_see_team_reports(user)


def can_manage_integrations(user: User) -> bool:
    """Webhooks to the ERP/TMS (URLs, secrets, the delivery log): the administrator's."""
    return user.is_authenticated and user.is_active and user.role == Role.ADMIN


def can_see_over_limit(user: User) -> bool:
    """The list of customers over their credit limits: finance and the managers."""
    return can_see_team_reports(user)


ASKS_FOR_LIMITS = frozenset({Role.SALES_REP, Role.AGENCY_MANAGER, Role.SALES_MANAGER})


def can_request_limit(user: User) -> bool:
    """A rep or a manager of reps asks finance for a new credit limit."""
    return user.is_authenticated and user.is_active and user.role in ASKS_FOR_LIMITS


def can_decide_limits(user: User) -> bool:
    """Approving, refusing or counter-proposing a credit limit: finance's decision."""
    return _works_in_finance(user)


def limit_deciders() -> QuerySet[User]:
    """Who is told of a new limit request: finance."""
    return users_who_run_dunning()


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
