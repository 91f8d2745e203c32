"""The storefront page around a view's content (base.html), written once per process for anonymous visitors.

An anonymous visitor's header, nav and footer are the same on every page: only the title, the search box's
`q` and the content differ (and flash messages, when there are any). Rendering base.html for each request
cost about a fifth of a cached catalog page. So the page is rendered once per process with a stand-in for
each of those three, split at them into constant strings, and a request only escapes its values and joins.

What the frame does not cover goes through the template as before, so it renders exactly as it always did:
a signed-in visitor (their nav holds the sign-out form with its CSRF token), a request with flash messages
(the template shows and consumes them), and a frame that failed its self-check when built.

The frame depends on settings (the footer's pharmacy details, the static files' storage and manifest, the
templates), so any setting_changed (override_settings in tests) forgets it; and on the URLconf and script
prefix of the request, which are part of its key, as for `{% fixed_url %}`.
"""

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

_frames: dict[tuple, str | None] = {}


def render_framed(request, *, title, content_html: str, status: int = 200) -> HttpResponse:
    """The storefront page (base.html) with `title` and `content_html`, byte for byte what rendering
    `framed_page.html` gives: `{% extends "base.html" %}` with `{{ title }}` in the title block and
    `{{ content }}` (marked safe) in the content block. Any layer may call it (pharmacy is the kernel).

    - `title`: text, escaped here as `{{ title }}` would (a SafeString is written as it is).
    - `content_html`: the page's content as finished HTML, written as it is: escape what you put in it.
      It is the whole content block, so include any newlines the old template had around its content.
    - `status`: the response's status code.

    Anonymous visitors without flash messages get the per-process frame; everyone else the template."""
    frame = _frame() if _plain_anonymous(request) else None
    if frame is None:
        return render(request, FRAMED_TEMPLATE, {"title": title, "content": mark_safe(content_html)}, status=status)
    html = frame.format(title=conditional_escape(title), q=escape(request.GET.get("q") or ""), content=content_html)
    return HttpResponse(html, status=status)


def _plain_anonymous(request) -> bool:
    user = getattr(request, "user", None)  # without it the auth context processor shows an anonymous visitor
    if user is not None and user.is_authenticated:
        return False
    return not get_messages(request)  # counting them reads them without consuming them, as `{% if %}` does


def _frame() -> str | None:
    key = (get_urlconf(), get_script_prefix())
    try:
        return _frames[key]
    except KeyError:
        frame = _frames[key] = _build_frame()
        return frame


def _build_frame() -> str | None:
    """base.html for an anonymous visitor without messages as a str.format() template with a {title}, {q}
    and {content} field; None (every request renders the template) unless each stand-in appears once."""
    stand_in = HttpRequest()
    stand_in.GET = QueryDict(mutable=True)
    stand_in.GET["q"] = _SLOTS["q"]
    html = get_template(FRAMED_TEMPLATE).render(
        {"title": _SLOTS["title"], "content": _SLOTS["content"], "messages": ()}, request=stand_in)
    if any(html.count(slot) != 1 for slot in _SLOTS.values()):
        return None
    frame = html.replace("{", "{{").replace("}", "}}")  # the page's own braces are text, not fields
    for name, slot in _SLOTS.items():
        frame = frame.replace(slot, "{" + name + "}")
    return frame


def forget_frames(**signal_arguments) -> None:
    """setting_changed: the next request builds the frame from the new settings."""
    _frames.clear()


setting_changed.connect(forget_frames)
