"""The per-process frame (pharmacy.frame) writes exactly what the template writes, and steps aside when the
page shows the visitor's own things."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.cache import SessionStore
from django.shortcuts import render
from django.test import RequestFactory
from django.test.signals import template_rendered
from django.urls import reverse
from django.utils.safestring import mark_safe

from pharmacy import frame
from pharmacy.frame import FRAMED_TEMPLATE, render_framed
from tests.factories import PackFactory, ProductFactory, UserFactory

SPECIAL = "<b>\"Tom\" & 'Jerry'</b> {q} {{ }}"
CONTENT = "\n<h1>Pills &amp; potions</h1>\n"


def visitor(query=None, *, user=None, messages=()):
    request = RequestFactory().get("/medicines/", query or {})
    request.session = SessionStore()
    request.user = user or AnonymousUser()
    request._messages = FallbackStorage(request)
    for level, text, extra_tags in messages:
        request._messages.add(level, text, extra_tags)
    return request


def template_render(query=None, *, title, content=CONTENT, **kwargs):
    return render(visitor(query, **kwargs), FRAMED_TEMPLATE, {"title": title, "content": mark_safe(content)})


@pytest.fixture
def templates_rendered():
    names = []

    def record(sender, template, **kwargs):
        names.append(template.name)

    template_rendered.connect(record)
    yield names
    template_rendered.disconnect(record)


@pytest.mark.parametrize(("query", "title"), [
    (None, "Medicines"),
    ({"q": "baclofen"}, "Search results"),
    ({"q": SPECIAL}, SPECIAL),
    ({"q": ["first", "last <>"]}, mark_safe("Already <em>escaped</em>")),
    ({"q": ""}, ""),
])
def test_framed_page_is_the_template_byte_for_byte(query, title, templates_rendered):
    render_framed(visitor(query), title=title, content_html=CONTENT)  # builds the frame
    templates_rendered.clear()

    framed = render_framed(visitor(query), title=title, content_html=CONTENT, status=201)

    assert templates_rendered == []  # the frame was used, not the template
    assert framed.status_code == 201 and framed["Content-Type"] == "text/html; charset=utf-8"
    assert framed.content == template_render(query, title=title).content


def test_the_frame_is_built_for_base_html():
    render_framed(visitor(), title="Medicines", content_html="")

    built = frame._frame()  # else every page silently falls back to the template

    assert built is not None and "{content}" in built.plain and "{content}" in built.tail


@pytest.mark.parametrize("messages", [
    [(20, "Added <b>two</b> {q}", "")],
    [(20, "Added <b>two</b>", ""), (25, mark_safe("Kept <i>safe</i>"), 'odd "tag" & <more>')],
    [(40, "One", "x"), (30, "Two", ""), (20, SPECIAL, "")],
])
def test_flash_messages_render_as_the_template_does_and_are_consumed(messages, templates_rendered):
    render_framed(visitor(), title="Cart", content_html=CONTENT)
    templates_rendered.clear()
    request = visitor({"q": SPECIAL}, messages=messages)

    framed = render_framed(request, title=SPECIAL, content_html=CONTENT)

    assert templates_rendered == []
    assert framed.content == template_render({"q": SPECIAL}, title=SPECIAL, messages=messages).content
    assert framed.content.count(b'<li class="message message-') == len(messages)
    assert get_messages(request).used  # shown, so the middleware drops them


@pytest.mark.django_db
def test_a_signed_in_visitor_gets_the_template_with_their_nav(templates_rendered):
    user = UserFactory()
    render_framed(visitor(), title="Medicines", content_html=CONTENT)
    templates_rendered.clear()

    framed = render_framed(visitor(user=user), title="Medicines", content_html=CONTENT)

    assert FRAMED_TEMPLATE in templates_rendered
    assert b"Sign out" in framed.content and b"Sign in" not in framed.content


def test_the_frame_follows_settings_and_the_script_prefix(settings):
    render_framed(visitor(), title="Medicines", content_html="")
    settings.PHARMACY_NAME = "Other & Sons"

    framed = render_framed(visitor(), title="Medicines", content_html="")

    assert b"<title>Medicines \xc2\xb7 Other &amp; Sons</title>" in framed.content
    assert framed.content == template_render(title="Medicines", content="").content


@pytest.mark.parametrize("option", [{"string_if_invalid": "MISSING"}, {"autoescape": False}])
def test_an_engine_that_writes_variables_otherwise_gets_the_template(settings, option, templates_rendered):
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "OPTIONS": {**settings.TEMPLATES[0]["OPTIONS"], **option}}]

    framed = render_framed(visitor(), title=SPECIAL, content_html=CONTENT)

    assert FRAMED_TEMPLATE in templates_rendered
    assert framed.content == template_render(title=SPECIAL).content


@pytest.mark.django_db
def test_catalog_pages_are_unchanged_by_the_frame(client, monkeypatch):
    product = ProductFactory(name="Co-codamol <30/500> tablets", slug="co-codamol")
    PackFactory(product=product)
    pages = [reverse("catalog:product-list") + "?q=%3Cco%22%26", reverse("catalog:product-detail", args=["co-codamol"]),
             reverse("catalog:home") + "?q=%3Cb%3E"]
    token = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')

    framed = [token.sub(b"", client.get(page).content) for page in pages]
    monkeypatch.setattr(frame, "_frame", lambda: None)  # every page through the template
    rendered = [token.sub(b"", client.get(page).content) for page in pages]

    assert framed == rendered
    assert b'name="q" maxlength="100" value="&lt;co&quot;&amp;"' in framed[0]
    assert "<title>Co-codamol &lt;30/500&gt; tablets · ".encode() in framed[1]
