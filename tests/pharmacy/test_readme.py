"""README.md and the docs site say only what is true: the README's first commands, the configuration
page's table against the settings, the make targets against the Makefile; and .env.example names only
variables something reads. The README stays a front page that sends readers to docs/."""

import re

from tests.deploy.support import ROOT, settings_environment_variables

README = (ROOT / "README.md").read_text()
DOCS = ROOT / "docs"
CONFIGURATION_PAGE = (DOCS / "configuration.md").read_text()
# Read by docker-compose.yml or scripts/start-web.sh, not by the settings.
COMPOSE_VARIABLES = {"POSTGRES_PASSWORD", "LOAD_DEMO_CATALOG"}


def configuration_table_variables() -> list[str]:
    return re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", CONFIGURATION_PAGE, re.MULTILINE)


def env_example_variables() -> dict[str, str]:
    """Assignments in .env.example, commented-out examples included."""
    text = (ROOT / ".env.example").read_text()
    return dict(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=(.*)$", text, re.MULTILINE))


def test_readme_starts_with_the_two_commands_for_a_fresh_machine():
    first_block = README.split("```sh\n", 1)[1].split("```", 1)[0]

    assert [line.split("#")[0].strip() for line in first_block.splitlines()] == ["make run", "make test"]


def test_readme_is_a_front_page_that_links_every_docs_page():
    linked = set(re.findall(r"\]\(docs/([a-z-]+\.md)\)", README))
    pages = {page.name for page in DOCS.glob("*.md")} - {"index.md"}

    assert len(README.splitlines()) < 150
    assert "mkdocs serve" in README
    assert sorted(pages - linked) == [] and sorted(linked - pages) == []


def test_docs_configuration_table_lists_every_variable_the_settings_read():
    listed = configuration_table_variables()

    assert sorted(settings_environment_variables() - set(listed)) == []
    assert sorted(set(listed) - settings_environment_variables()) == []
    assert len(listed) == len(set(listed))


def test_readme_and_docs_make_targets_exist_in_the_makefile():
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, re.MULTILINE))

    for text in [README, *(page.read_text() for page in sorted(DOCS.glob("*.md")))]:
        mentioned = set(re.findall(r"`make ([a-z][a-z-]*)", text))

        assert mentioned <= targets
    assert set(re.findall(r"`make ([a-z][a-z-]*)", README)) >= {"run", "test"}


def test_env_example_names_only_variables_that_something_reads():
    assert set(env_example_variables()) <= settings_environment_variables() | COMPOSE_VARIABLES


def test_env_example_sets_no_secret_key():
    text = (ROOT / ".env.example").read_text()

    assert re.search(r"^SECRET_KEY=", text, re.MULTILINE) is None
    assert env_example_variables()["SECRET_KEY"] == ""
