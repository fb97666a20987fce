"""Customers by external id, with their sales rep (by e-mail) and agency (by code)."""

from __future__ import annotations

from typing import Any, cast

from django.db.models.functions import Lower

from encaisse.accounts.models import Agency, Role, User
from encaisse.core.i18n import sentence
from encaisse.imports.fields import Kind
from encaisse.imports.loaders.base import Loader, model_field, quote
from encaisse.imports.loaders.records import CustomerRecord
from encaisse.imports.rows import Row
from encaisse.ledger.models import Customer


class CustomerLoader(Loader[CustomerRecord]):
    kind = Kind.CUSTOMERS
    model = Customer
    key_field = "external_id"
    fields = (
        ("name", "text", "name"),
        ("siren", "text", "siren"),
        ("siret", "text", "siret"),
        ("vat_number", "text", "vat_number"),
        ("segment", "text", "segment"),
        ("payment_terms_days", "int", "payment_terms_days"),
        ("credit_limit", "money", "credit_limit"),
        ("sales_rep_id", "int", "sales_rep_email"),
        ("agency_id", "int", "agency_code"),
        ("address", "text", "address"),
        ("postal_code", "text", "postal_code"),
        ("city", "text", "city"),
        ("country", "text", "country"),
        ("email", "text", "email"),
        ("phone", "text", "phone"),
    )
    extra_columns = (("refresh", "bool"), ("rep_email", "text"), ("agency_code", "text"))
    # An empty cell clears these; for the others (not blank in the ledger) it keeps the value.
    KEEP_WHEN_EMPTY = frozenset({"name", "segment", "payment_terms_days", "country"})

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.reps: dict[str, list[int]] = {}
        for pk, email in User.objects.exclude(email="").values_list("pk", Lower("email")):
            self.reps.setdefault(email, []).append(pk)
        self.agencies = {code.upper(): pk for pk, code in Agency.objects.values_list("pk", "code")}
        self.new_reps: set[str] = set()
        self.new_agencies: dict[str, str] = {}  # upper code -> code as written in the file
        self.defaults = cast(
            CustomerRecord,
            {name: model_field(Customer, name).get_default() for name, _t, _s in self.fields},
        )

    def values(self, row: Row, current: CustomerRecord | None) -> CustomerRecord | None:
        v = row.values
        values = (current or self.defaults).copy()
        # The file's fields, named by the kind's list rather than one by one.
        fields, defaults = cast(dict[str, object], values), cast(dict[str, object], self.defaults)
        for name, _kind, source in self.fields:
            if source not in self.file_fields or source in ("sales_rep_email", "agency_code"):
                continue
            value = v.get(source)
            if value is None:
                if name in self.KEEP_WHEN_EMPTY:
                    continue
                value = defaults[name]
            fields[name] = value
        if "sales_rep_email" in self.file_fields:
            values["sales_rep_id"] = self._rep(row, v.get("sales_rep_email"), values)
        if "agency_code" in self.file_fields:
            values["agency_id"] = self._agency(row, v.get("agency_code"), values)
        return None if row.problems else values

    def _rep(self, row: Row, email: str | None, values: CustomerRecord) -> int | None:
        if not email:
            return None
        pks = self.reps.get(email.lower(), [])
        if len(pks) == 1:
            return pks[0]
        if len(pks) > 1:
            row.problem("sales_rep_email", sentence("several users have this e-mail"))
        elif self.create_missing:
            self.new_reps.add(email.lower())
            values["rep_email"] = email.lower()
            values["force_update"] = True
        else:
            row.problem(
                "sales_rep_email",
                sentence(
                    "unknown sales rep (create the user first, or import with --create-missing)"
                ),
            )
        return None

    def _agency(self, row: Row, code: str | None, values: CustomerRecord) -> int | None:
        if not code:
            return None
        pk = self.agencies.get(code.upper())
        if pk is not None:
            return pk
        if self.create_missing:
            self.new_agencies.setdefault(code.upper(), code)
            values["agency_code"] = code.upper()
            values["force_update"] = True
        else:
            row.problem(
                "agency_code",
                sentence("unknown agency (create it first, or import with --create-missing)"),
            )
        return None

    def before_write(self) -> None:
        for email in sorted(self.new_reps):
            username, suffix = email[:150], 1
            while User.objects.filter(username=username).exists():
                suffix += 1
                username = f"{email[:140]}-{suffix}"
            local = email.split("@")[0].replace("_", ".").split(".")
            rep = User(
                username=username,
                email=email,
                role=Role.SALES_REP,
                first_name=local[0].title()[:150],
                last_name=" ".join(part.title() for part in local[1:])[:150],
            )
            rep.set_unusable_password()
            rep.save()
            self.note(
                sentence(
                    "sales rep %(email)s created (no password yet: set one to let them in)",
                    email=email,
                )
            )
        for code in sorted(self.new_agencies.values()):
            Agency.objects.create(code=code, name=code)
            self.note(
                sentence(
                    "agency %(code)s created (give it a name in the administration)", code=code
                )
            )
        user_table, agency_table = quote(User._meta.db_table), quote(Agency._meta.db_table)
        if self.new_reps:
            self.stage.execute(
                f"UPDATE {{stage}} SET sales_rep_id = (SELECT u.id FROM {user_table} u "  # noqa: S608
                "WHERE LOWER(u.email) = {stage}.rep_email) WHERE rep_email IS NOT NULL"
            )
        if self.new_agencies:
            self.stage.execute(
                f"UPDATE {{stage}} SET agency_id = (SELECT a.id FROM {agency_table} a "  # noqa: S608
                "WHERE UPPER(a.code) = {stage}.agency_code) WHERE agency_code IS NOT NULL"
            )
