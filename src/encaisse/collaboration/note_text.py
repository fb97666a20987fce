"""A note's text: light formatting (bold, italic, lists, line breaks, http(s) links) turned
into HTML that cannot carry anything else, and the @mentions it holds.

markdown-it-py (CommonMark) with raw HTML off: whatever a user types is escaped; only the
few rules enabled below make tags, and a link goes only to http(s).
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

# @username as Django allows it (letters, digits, . + - _), not inside an e-mail address.
MENTION = re.compile(r"(?<![\w@.+-])@([\w][\w.+-]*)")
MAX_LENGTH = 5000

_ALLOWED_LINKS = ("http://", "https://")


def _markdown() -> MarkdownIt:
    md = MarkdownIt("zero", {"html": False, "breaks": True, "linkify": False})
    md.enable(["emphasis", "list", "link", "autolink", "newline", "escape"])
    md.validateLink = lambda url: url.strip().lower().startswith(_ALLOWED_LINKS)  # type: ignore[method-assign]

    def link_open(renderer: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
        tokens[idx].attrSet("rel", "nofollow noopener noreferrer")
        tokens[idx].attrSet("target", "_blank")
        return str(renderer.renderToken(tokens, idx, options, env))

    md.add_render_rule("link_open", link_open)
    return md


_MD = _markdown()


def render_note(body: str) -> SafeString:
    """The note as HTML, safe to show: every character the user typed is escaped."""
    html: str = _MD.render(body)
    return mark_safe(html)  # noqa: S308  (markdown-it escapes; raw HTML is off)


def mentioned_usernames(body: str) -> list[str]:
    """The usernames ``body`` mentions, in order, each once (a final full stop is not part
    of a name: "ask @remi." mentions remi)."""
    names: list[str] = []
    for match in MENTION.finditer(body):
        name = match.group(1).rstrip(".")
        if name and name.lower() not in (n.lower() for n in names):
            names.append(name)
    return names
