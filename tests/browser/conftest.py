"""Browser tests: pytest-playwright driving Debian's Chromium against pytest-django's live_server.

Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a thread with
a running loop unless DJANGO_ALLOW_ASYNC_UNSAFE is set. It is safe here (the loop is Playwright's, and
idle while the test's code runs). It is set by the first fixture below, for the browser tests only and
never in settings: set at import time it would also reach the subprocesses other tests start (e.g.
`manage.py check --deploy`, which then fails with async.E001).
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command, get_commands

from tests.builders.browser import DESKTOP
from tests.builders.privacy import published_notice


@pytest.fixture(scope="session", autouse=True)
def allow_django_orm_beside_playwrights_event_loop():
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"


BROWSER_TESTS_DIR = Path(__file__).parent


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Run the browser tests last. pytest groups every test parametrised by pytest-playwright's
    session-scoped `browser_name` (any test with an argument called `page` gets it), which can pull
    these transactional tests in among ordinary database tests; their flush would then empty the
    database under the tests that follow."""
    browser_tests = [item for item in items if BROWSER_TESTS_DIR in Path(item.path).parents]
    if browser_tests:
        items[:] = [item for item in items if item not in browser_tests] + browser_tests


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": DESKTOP, "locale": "en-GB", "timezone_id": "Europe/London"}


@pytest.fixture
def demo_catalog():
    """The demo catalog (Baclofen and friends) and its demo logins, from the catalog's own command, and
    the privacy notice the migrations publish (a transactional test's flush removed it): without it no
    shopper could consent to an order that reveals health data."""
    if "load_demo_catalog" not in get_commands():
        pytest.fail("the load_demo_catalog management command is missing")
    call_command("load_demo_catalog", verbosity=0)
    published_notice()


@pytest.fixture
def screenshots():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
