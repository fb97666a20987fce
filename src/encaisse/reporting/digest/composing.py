"""A portfolio digest as an e-mail (text and HTML, in the recipient's language) and as JSON.

Everything a reader sees is worded and formatted once, into sections of plain strings; the
text body and the HTML template only lay those out, so both say the same.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from babel.dates import format_skeleton
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from encaisse.collaboration.models import DisputeReason
from encaisse.core.money import format_money, money_str, reader_locale
from encaisse.dunning.labels import channel_label, step_label
from encaisse.reporting.digest.selectors import PortfolioDigest
from encaisse.reporting.exports import aged_row_dict
from encaisse.reporting.selectors import AgedRow

# An e-mail lists this many lines of a kind, then says how many more and links to the page.
LIST_LIMIT = 10


@dataclass(frozen=True)
class Entry:
    text: str
    amount: str = ""
    link: str = ""


@dataclass(frozen=True)
class Section:
    title: str
    entries: list[Entry]
    more: str = ""  # "… and 3 more"
    more_link: str = ""
    empty: str = ""  # what to say when there is nothing


@dataclass(frozen=True)
class DigestEmail:
    subject: str
    text: str
    html: str
    language: str


@dataclass(frozen=True)
class _Wording:
    greeting: str
    intro: str
    headline: list[Entry]
    sections: list[Section] = field(default_factory=list)
    open_app: str = ""
    open_button: str = ""
    home: str = ""
    why: str = ""


def _link(name: str, *args: Any) -> str:
    return settings.ENCAISSE_BASE_URL.rstrip("/") + reverse(name, args=args)


def _day(day: dt.date) -> str:
    """A day short enough for a phone, in the reader's language: "Mon, Dec 7", "lun. 7 déc."."""
    return format_skeleton("MMMEd", day, locale=reader_locale())


def _customer_link(customer_id: int | None) -> str:
    return _link("customer-detail", customer_id) if customer_id else ""


def _section(title: str, entries: list[Entry], *, more_link: str = "", empty: str = "") -> Section:
    extra = max(len(entries) - LIST_LIMIT, 0)
    more = ngettext("… and %(n)s more", "… and %(n)s more", extra) % {"n": extra} if extra else ""
    return Section(
        title=title,
        entries=entries[:LIST_LIMIT],
        more=more,
        more_link=more_link if extra else "",
        empty=empty or _("Nothing this week."),
    )


def _reason(reason: str) -> str:
    return str(DisputeReason(reason).label) if reason in DisputeReason.values else reason


def _with_rep(text: str, rep: str, *, manager: bool) -> str:
    return f"{text} · {rep}" if manager and rep else text


def _figures(totals: list[AgedRow]) -> tuple[list[Entry], list[Section]]:
    headline: list[Entry] = []
    for row in totals:
        headline.append(Entry(_("Outstanding"), format_money(row.total, row.currency)))
        headline.append(Entry(_("Overdue"), format_money(row.overdue, row.currency)))
    sections = []
    for row in totals:
        entries = [
            Entry(str(label), format_money(amount, row.currency))
            for _key, label, amount in row.bucket_values
        ]
        if row.unallocated:
            entries.append(
                Entry(_("Unallocated payments"), format_money(-row.unallocated, row.currency))
            )
        title = _("Aged balance")
        if len(totals) > 1:
            title = f"{title} ({row.currency})"
        sections.append(Section(title=title, entries=entries))
    return headline, sections


def _wording(digest: PortfolioDigest) -> _Wording:
    manager = digest.team
    headline, sections = _figures(digest.totals)
    if manager:
        sections.append(
            _section(
                _("By sales rep"),
                [
                    Entry(
                        row.label,
                        _("%(total)s, of which %(overdue)s overdue")
                        % {
                            "total": format_money(row.total, row.currency),
                            "overdue": format_money(row.overdue, row.currency),
                        },
                    )
                    for row in digest.by_rep
                ],
                more_link=_link("aged-balance") + "?by=rep",
            )
        )
    sections.append(
        _section(
            _("Most overdue customers"),
            [
                Entry(
                    row.label,
                    format_money(row.overdue, row.currency),
                    _customer_link(row.customer_id),
                )
                for row in digest.top_overdue
            ],
            empty=_("No customer is overdue."),
        )
    )
    sections.append(
        _section(
            _("Promises to pay due this week"),
            [
                Entry(
                    _with_rep(
                        f"{_day(p.promised_for)} · {p.customer_name}", p.sales_rep, manager=manager
                    ),
                    format_money(p.amount, p.currency) if p.amount is not None else "",
                    _customer_link(p.customer_id),
                )
                for p in digest.promises
            ],
        )
    )
    sections.append(
        _section(
            _("Open disputes in your team") if manager else _("Disputes waiting on you"),
            [
                Entry(
                    _with_rep(
                        _("%(customer)s · %(reason)s, open since %(day)s")
                        % {
                            "customer": d.customer_name,
                            "reason": _reason(d.reason),
                            "day": _day(d.opened_on),
                        },
                        d.sales_rep,
                        manager=manager,
                    ),
                    "",
                    _customer_link(d.customer_id),
                )
                for d in digest.disputes
            ],
            empty=_("No open dispute."),
        )
    )
    sections.append(
        _section(
            _("What dunning will do this week"),
            [
                Entry(
                    _with_rep(
                        f"{_day(a.day)} · {a.customer_name} · {step_label(a.step)} "
                        f"({channel_label(a.channel)})",
                        a.sales_rep,
                        manager=manager,
                    ),
                    format_money(a.amount, a.currency),
                    _customer_link(a.customer_id),
                )
                for a in digest.dunning
            ],
            more_link=_link("dunning-upcoming"),
        )
    )
    sections.append(
        _section(
            _("What you must do"),
            [
                Entry(
                    f"{_day(t.due_on)} · {t.customer_name} · {t.title}",
                    "",
                    _link("task-detail", t.task_id),
                )
                for t in digest.tasks
            ],
            more_link=_link("my-day"),
            empty=_("No task due this week."),
        )
    )
    first_name = digest.name.split(" ")[0] if digest.name else digest.username
    return _Wording(
        greeting=_("Hello %(name)s,") % {"name": first_name},
        intro=(
            _("Your team's portfolio for the week of %(day)s.")
            if manager
            else _("Your portfolio for the week of %(day)s.")
        )
        % {"day": formats.date_format(digest.as_of, "DATE_FORMAT")},
        headline=headline or [Entry(_("Outstanding"), format_money(0))],
        sections=sections,
        open_app=_("Open Encaisse:"),
        open_button=_("Open Encaisse"),
        home=_link("home"),
        why=_("You get this e-mail every week because you follow a portfolio in Encaisse."),
    )


def _labelled(label: str, value: str) -> str:
    # French puts a no-break space before the colon: the pattern is translated.
    return _("%(label)s: %(value)s") % {"label": label, "value": value}


def _text(wording: _Wording) -> str:
    lines = [wording.greeting, "", wording.intro, ""]
    lines += [_labelled(entry.text, entry.amount) for entry in wording.headline]
    for section in wording.sections:
        lines += ["", section.title]
        if not section.entries and section.empty:
            lines.append(f"  {section.empty}")
        for entry in section.entries:
            text = f"  {entry.text}"
            if entry.amount:
                text = _labelled(text, entry.amount)
            if entry.link:
                text += f"\n    {entry.link}"
            lines.append(text)
        if section.more:
            more = f"  {section.more}"
            lines.append(_labelled(more, section.more_link) if section.more_link else more)
    lines += ["", f"{wording.open_app} {wording.home}", "", "-- ", wording.why, ""]
    return "\n".join(lines)


def compose_digest_email(digest: PortfolioDigest, *, language: str) -> DigestEmail:
    """The e-mail of a digest in ``language``: subject, text body and HTML body."""
    with translation.override(language):
        wording = _wording(digest)
        subject = _("Your week in Encaisse: %(outstanding)s outstanding, %(overdue)s overdue") % {
            "outstanding": wording.headline[0].amount,
            "overdue": wording.headline[1].amount if len(wording.headline) > 1 else format_money(0),
        }
        html = render_to_string(
            "reporting/email/portfolio_digest.html",
            {"wording": wording, "subject": subject, "language": language},
        )
        return DigestEmail(subject=subject, text=_text(wording), html=html, language=language)


def digest_data(digest: PortfolioDigest) -> dict[str, Any]:
    """The digest as JSON-ready data: the figures with the keys of ``report aged-balance``
    (amounts as strings), then the lists."""
    return {
        "user": digest.username,
        "as_of": digest.as_of.isoformat(),
        "week": digest.week,
        "week_end": digest.week_end.isoformat(),
        "outstanding": {row.currency: money_str(row.total) for row in digest.totals},
        "overdue": {row.currency: money_str(row.overdue) for row in digest.totals},
        "aged_balance": [aged_row_dict(row) for row in digest.totals],
        "by_rep": [
            {**aged_row_dict(row), "overdue": money_str(row.overdue)} for row in digest.by_rep
        ],
        "top_overdue": [
            {**aged_row_dict(row), "overdue": money_str(row.overdue)} for row in digest.top_overdue
        ],
        "promises_due": [
            {
                "customer": p.customer_name,
                "sales_rep": p.sales_rep,
                "promised_for": p.promised_for.isoformat(),
                "amount": money_str(p.amount) if p.amount is not None else None,
                "currency": p.currency,
            }
            for p in digest.promises
        ],
        "disputes": [
            {
                "customer": d.customer_name,
                "sales_rep": d.sales_rep,
                "reason": d.reason,
                "opened_on": d.opened_on.isoformat(),
                "invoices": d.invoices,
            }
            for d in digest.disputes
        ],
        "dunning": [
            {
                "day": a.day.isoformat(),
                "customer": a.customer_name,
                "sales_rep": a.sales_rep,
                "step": a.step,
                "channel": a.channel,
                "amount": money_str(a.amount),
                "currency": a.currency,
            }
            for a in digest.dunning
        ],
        "tasks": [
            {"due_on": t.due_on.isoformat(), "customer": t.customer_name, "title": t.title}
            for t in digest.tasks
        ],
    }
