"""A note keeps light formatting (bold, italic, lists, line breaks, http(s) links) and
nothing else: HTML, scripts, javascript: links and template tags are shown as typed."""

from __future__ import annotations

import pytest

from encaisse.collaboration.note_text import mentioned_usernames, render_note
from encaisse.collaboration.notes import write_note

pytestmark = pytest.mark.django_db


def test_light_formatting_is_kept():
    html = render_note("**Paid** in *two* parts:\n- 500 € on Friday\n- the rest\n\nline\nbreak")
    assert "<strong>Paid</strong>" in html
    assert "<em>two</em>" in html
    assert "<li>500 € on Friday</li>" in html
    assert "line<br />\nbreak" in html or "line<br>\nbreak" in html


def test_an_http_link_opens_apart_and_passes_nothing():
    html = render_note("see [the PO](https://erp.example.com/po/42) and <https://example.fr>")
    assert (
        '<a href="https://erp.example.com/po/42" rel="nofollow noopener noreferrer" '
        'target="_blank">the PO</a>' in html
    )
    assert '<a href="https://example.fr"' in html


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(document.cookie)</script>",
        '<img src="x" onerror="alert(1)">',
        "[click](javascript:alert(1))",
        "[click](JAVASCRIPT:alert(1))",
        "[click]( javascript:alert(1))",
        "<javascript:alert(1)>",
        "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[file](file:///etc/passwd)",
        '<a href="https://x" onclick="alert(1)">x</a>',
    ],
)
def test_hostile_input_makes_no_tag_nor_link(hostile):
    html = render_note(hostile)
    assert "<script" not in html
    assert "<img" not in html
    assert "<a " not in html
    assert "onerror=" not in html or "&lt;img" in html


def test_an_image_is_not_loaded_only_linked():
    html = render_note("![pixel](https://tracker.example.com/p.gif)")
    assert "<img" not in html
    assert 'href="https://tracker.example.com/p.gif"' in html


def test_a_template_tag_in_a_note_is_shown_as_typed_on_the_customer_page(
    client, portfolios, rep_remi
):
    customer = portfolios["remi1"]
    write_note(
        customer=customer,
        author=rep_remi,
        body="{{ user.password }} {% debug %} <script>alert(1)</script>",
    )
    client.force_login(rep_remi)
    page = client.get(f"/customers/{customer.pk}/").content.decode()
    assert "{{ user.password }} {% debug %} &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert rep_remi.password not in page
    assert "<script>alert(1)</script>" not in page


def test_mentions_are_read_from_the_text():
    assert mentioned_usernames("ask @remi. then @Sarah, not a@b.fr nor @remi again") == [
        "remi",
        "Sarah",
    ]
    assert mentioned_usernames("(@jean-luc.m)") == ["jean-luc.m"]


def test_a_mention_is_drawn_as_such_and_stays_escaped():
    html = render_note("thanks @maud. <b>@x</b> write to a@b.fr")
    assert '<span class="mention">@maud</span>.' in html
    assert '&lt;b&gt;<span class="mention">@x</span>&lt;/b&gt;' in html
    assert "a@b.fr" in html
