"""The tests mirror the apps, and no test module imports another, nor a conftest.py: what several test
modules share lives in tests/builders/ (plain functions and constants) or in a conftest.py (fixtures, which
pytest hands out by name). A test module that imports another runs that module's imports and fixtures too,
and ties two tests that should move independently; importing a conftest.py imports it a second time under
another name where pytest's rootdir handling differs, as pytest's documentation warns."""

import ast
import configparser
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def imported_modules(source: str, module: str) -> set[str]:
    """Every module that `source` (the module named `module`) imports, anywhere in it, relative imports
    resolved."""
    package = module.split(".")[:-1]
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, node.module] if node.module else base)
            names.add(module)
            # `from tests.x import test_y` imports the module test_y itself
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def is_test_or_helpers_module(name: str) -> bool:
    last = name.rsplit(".", 1)[-1]
    return name.startswith("tests.") and (last.startswith("test_") or last.endswith("helpers") or last == "conftest")


def cross_imports(sources: dict[str, str]) -> dict[str, list[str]]:
    """{module: its imports of test or helpers modules} for `sources` ({module name: source})."""
    found = {}
    for module, source in sources.items():
        wrong = sorted(name for name in imported_modules(source, module)
                       if is_test_or_helpers_module(name) and name != module)
        if wrong:
            found[module] = wrong
    return found


def test_no_test_module_imports_another_test_module_or_a_helpers_module():
    sources = {module_name(path): path.read_text(encoding="utf-8") for path in sorted(TESTS.rglob("*.py"))}

    assert len(sources) > 200
    assert cross_imports(sources) == {}


def test_the_check_sees_absolute_relative_and_nested_imports():
    source = (
        "from tests.catalog.test_import_catalog import pack_row\n"
        "from .test_state_machine import something\n"
        "from . import test_small_races\n"
        "from ..api import helpers\n"
        "from tests.builders.orders import cart_with\n"
        "from .conftest import CARDS\n"
        "def test_x():\n    from tests.payments.helpers import checkout\n"
    )

    assert cross_imports({"tests.orders.test_sample": source}) == {"tests.orders.test_sample": [
        "tests.api.helpers", "tests.catalog.test_import_catalog", "tests.orders.conftest",
        "tests.orders.test_small_races", "tests.orders.test_state_machine", "tests.payments.helpers",
    ]}


def test_every_app_has_its_test_directory():
    contract = configparser.ConfigParser()
    contract.read(ROOT / ".importlinter")
    apps = contract["importlinter"]["root_packages"].split()

    assert "orders" in apps
    assert [app for app in apps if not (TESTS / app / "__init__.py").is_file()] == []
