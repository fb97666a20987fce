"""Who sees which customer: the only definition of a user's portfolio.

Every view, export, report, search and API that shows customer data starts from these
querysets and fetches single objects with ``get_object_or_404(visible_customers(user), ...)``,
so outside a portfolio is a 404, never a 403 that would confirm the customer exists.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from encaisse.accounts.models import Role, User
from encaisse.accounts.permissions import SEES_EVERY_CUSTOMER
from encaisse.ledger.models import (
    Allocation,
    Customer,
    Invoice,
    InvoiceQuerySet,
    Payment,
    PaymentQuerySet,
)


def visible_customers(user: User) -> QuerySet[Customer]:
    """The customers ``user`` may see, by role."""
    if not user.is_authenticated or not user.is_active:
        return Customer.objects.none()
    if user.role in SEES_EVERY_CUSTOMER:
        return Customer.objects.all()
    if user.role == Role.AGENCY_MANAGER:
        return Customer.objects.filter(agency__in=user.managed_agencies.all())
    if user.role == Role.SALES_MANAGER:
        return Customer.objects.filter(sales_rep__manager=user) | Customer.objects.filter(
            sales_rep=user
        )
    if user.role == Role.SALES_REP:
        return Customer.objects.filter(sales_rep=user)
    return Customer.objects.none()


def customer_audience(customer: Customer) -> QuerySet[User]:
    """The active users who see ``customer``: visible_customers read the other way round
    (who may be mentioned in a note on it). A test keeps the two in step, role by role."""
    sees = Q(role__in=SEES_EVERY_CUSTOMER)
    if customer.agency_id is not None:
        sees |= Q(role=Role.AGENCY_MANAGER, managed_agencies=customer.agency_id)
    if customer.sales_rep_id is not None:
        sees |= Q(role__in=[Role.SALES_REP, Role.SALES_MANAGER], pk=customer.sales_rep_id)
        sees |= Q(role=Role.SALES_MANAGER, team=customer.sales_rep_id)
    return User.objects.filter(sees, is_active=True).distinct()


def visible_invoices(user: User) -> InvoiceQuerySet:
    return Invoice.objects.filter(customer__in=visible_customers(user).values("pk"))


def visible_payments(user: User) -> PaymentQuerySet:
    return Payment.objects.filter(customer__in=visible_customers(user).values("pk"))


def visible_allocations(user: User) -> QuerySet[Allocation]:
    return Allocation.objects.filter(invoice__customer__in=visible_customers(user).values("pk"))
