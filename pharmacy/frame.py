"""The storefront page around a view's content (base.html), written once per process for anonymous visitors.

An anonymous visitor's header, nav and footer are the same on every page: only the title, the search box's
`q` and the content differ (and flash messages, when there are any). Rendering base.html for each request
cost about a fifth of a cached catalog page. So the page is rendered once per process with a stand-in for
each of those three and for two messages, split at them into constant strings, and a request only escapes
its values and joins.

What the frame does not cover goes through the template as before, so it renders exactly as it always did:
a signed-in visitor (their nav holds the sign-out form with its CSRF token), and every visitor when the
frame failed its self-check when built (the template changed shape: a stand-in missing, doubled or moved).

The frame depends on settings (the footer's pharmacy details, the static files' storage and manifest, the
templates), so any setting_changed (override_settings in tests) forgets it; and on the URLconf and script
prefix of the request, which are part of its key, as for `{% fixed_url %}`.
"""

import re
from dataclasses import dataclass

from django.contrib.messages import get_messages
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.template.loader import get_template
from django.urls import get_script_prefix, get_urlconf
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe

# The template a framed page would render: base.html with the title and content blocks filled from context.
FRAMED_TEMPLATE = "framed_page.html"

# Stand-ins written into the frame where the per-request parts go. They hold no character HTML escapes, so
# the template writes them as they are; the frame is searched for them once, never a visitor's text.
_SLOTS = {"title": "frame-slot-title-5d0c1a", "q": "frame-slot-q-5d0c1a", "content": "frame-slot-content-5d0c1a"}
# Two stand-in messages (tags, text) show where one message's tags and text go and what lies between two.
_MESSAGE_SLOTS = (("frame-slot-tags1-5d0c1a", "frame-slot-text1-5d0c1a"),
                  ("frame-slot-tags2-5d0c1a", "frame-slot-text2-5d0c1a"))


@dataclass(frozen=True)
class Frame:
    """base.html for an anonymous visitor, as str.format() templates with {title}, {q} and {content} fields."""

    plain: str  # without messages
    # With messages: head + tags + tags_to_text + text (+ between + tags + tags_to_text + text ...) + tail
    head: str
    tags_to_text: str
    between: str
    tail: str


_frames: dict[tuple, Frame | None] = {}


def render_framed(request, *, title, content_html: str, status: int = 200) -> HttpResponse:
    """The storefront page (base.html) with `title` and `content_html`, byte for byte what rendering
    `framed_page.html` gives: `{% extends "base.html" %}` with `{{ title }}` in the title block and
    `{{ content }}` (marked safe) in the content block. Any layer may call it (pharmacy is the kernel).

    - `title`: text, escaped here as `{{ title }}` would (a SafeString is written as it is).
    - `content_html`: the page's content as finished HTML, written as it is: escape what you put in it.
      It is the whole content block, so include any newlines the old template had around its content.
    - `status`: the response's status code.

    Anonymous visitors get the per-process frame, with their flash messages (shown, so consumed, as the
    template does); signed-in visitors the template."""
    user = getattr(request, "user", None)  # without it the auth context processor shows an anonymous visitor
    frame = None if user is not None and user.is_authenticated else _frame()
    if frame is None:
        return render(request, FRAMED_TEMPLATE, {"title": title, "content": mark_safe(content_html)}, status=status)
    values = {"title": conditional_escape(title), "q": escape(request.GET.get("q") or ""), "content": content_html}
    messages = get_messages(request)
    if not messages:  # counting them reads them without consuming them, as `{% if messages %}` does
        return HttpResponse(frame.plain.format_map(values), status=status)
    # Iterating consumes them, as `{% for %}` does; each escaped as `{{ message.tags }}` and `{{ message }}` are.
    shown = frame.between.join(conditional_escape(message.tags) + frame.tags_to_text + conditional_escape(str(message))
                               for message in messages)
    return HttpResponse(frame.head.format_map(values) + shown + frame.tail.format_map(values), status=status)


def _frame() -> Frame | None:
    key = (get_urlconf(), get_script_prefix())
    try:
        return _frames[key]
    except KeyError:
        frame = _frames[key] = _build_frame()
        return frame


class _StandInMessage:
    def __init__(self, tags: str, text: str):
        self.tags, self.text = tags, text

    def __str__(self):
        return self.text


def _build_frame() -> Frame | None:
    """The frame, from base.html rendered with stand-ins; None (every request renders the template) unless
    each stand-in appears where expected, the parts rebuild the page with one message exactly, and the
    engine escapes as render_framed does (autoescape on, an absent q written as "")."""
    template = get_template(FRAMED_TEMPLATE)
    if not template.template.engine.autoescape or template.template.engine.string_if_invalid:
        return None
    stand_in = HttpRequest()
    stand_in.GET = QueryDict(mutable=True)
    stand_in.GET["q"] = _SLOTS["q"]

    def page(*messages) -> str:
        context = {"title": _SLOTS["title"], "content": _SLOTS["content"], "messages": [
            _StandInMessage(tags, text) for tags, text in messages]}
        return template.render(context, request=stand_in)

    plain, one, two = page(), page(_MESSAGE_SLOTS[0]), page(*_MESSAGE_SLOTS)
    if any(plain.count(slot) != 1 or two.count(slot) != 1 for slot in _SLOTS.values()):
        return None
    parts = re.split("(" + "|".join(slot for pair in _MESSAGE_SLOTS for slot in pair) + ")", two)
    if parts[1::2] != [slot for pair in _MESSAGE_SLOTS for slot in pair] or parts[2] != parts[6]:
        return None
    head, tags_to_text, between, _, tail = parts[0::2]
    if head + _MESSAGE_SLOTS[0][0] + tags_to_text + _MESSAGE_SLOTS[0][1] + tail != one or any(
            slot in tags_to_text + between for slot in _SLOTS.values()):
        return None
    return Frame(plain=_fields(plain), head=_fields(head), tags_to_text=tags_to_text, between=between,
                 tail=_fields(tail))


def _fields(html: str) -> str:
    """`html` as a str.format() template: its own braces are text, each stand-in a field."""
    html = html.replace("{", "{{").replace("}", "}}")
    for name, slot in _SLOTS.items():
        html = html.replace(slot, "{" + name + "}")
    return html


def forget_frames(**signal_arguments) -> None:
    """setting_changed: the next request builds the frame from the new settings."""
    _frames.clear()


setting_changed.connect(forget_frames)
