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
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

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
    md.core.ruler.push("mentions", _split_mentions)
    md.add_render_rule(
        "mention",
        lambda renderer, tokens, idx, options, env: (
            f'<span class="mention">@{escapeHtml(tokens[idx].content)}</span>'
        ),
    )
    return md


def _split_mentions(state: StateCore) -> None:
    """Cut each @username out of the text into a "mention" token (drawn as a badge)."""
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        for token in block.children:
            if token.type != "text" or "@" not in token.content:
                children.append(token)
                continue
            text, start = token.content, 0
            for match in MENTION.finditer(text):
                name = match.group(1).rstrip(".")
                if match.start() > start:
                    children.append(_text(text[start : match.start()]))
                children.append(Token("mention", "", 0, content=name))
                start = match.start() + 1 + len(name)
            children.append(_text(text[start:]))
        block.children = children


def _text(content: str) -> Token:
    return Token("text", "", 0, content=content)


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
