"""The layout holds: rules without Flask, blueprints that keep to their feature.

Imports are read with ast, those inside functions too, so a late `from flask import ...`
cannot slip past. The rule modules are every module of a feature package except its web
side (routes, forms, commands, access, page helpers).
"""

import ast
from pathlib import Path

import pytest

import checkin

PACKAGE = Path(checkin.__file__).resolve().parent
FEATURES = ("week", "visits", "feedback", "figures", "accounts")
WEB_SIDE = ("routes.py", "forms.py", "commands.py", "access.py")


def is_web_side(path):
    return path.name in WEB_SIDE or path.name.endswith(("_routes.py", "_forms.py", "_pages.py"))


def rule_modules():
    return sorted(path for feature in FEATURES for path in (PACKAGE / feature).glob("*.py")
                  if not is_web_side(path))


def blueprint_modules():
    return sorted(path for folder in (*FEATURES, "web") for path in (PACKAGE / folder).glob("*.py")
                  if path.name == "routes.py" or path.name.endswith("_routes.py"))


def imports(path, source=None):
    """Every name `path` imports, dotted: `import a` gives a, `from a import b` gives a.b."""
    names = set()
    tree = ast.parse(path.read_text() if source is None else source, str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the module's own package
                base = path.relative_to(PACKAGE.parent).with_suffix("").parts[:-node.level]
                module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            else:
                module = node.module
            names |= {f"{module}.{alias.name}" for alias in node.names}
    return names


def name(path):
    return ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)


def test_there_are_rule_modules_and_blueprints_to_check():
    assert len(rule_modules()) >= 30 and len(blueprint_modules()) >= 10
    assert PACKAGE / "visits" / "recording.py" in rule_modules()
    assert PACKAGE / "visits" / "kiosk_routes.py" in blueprint_modules()


@pytest.mark.parametrize("path", rule_modules(), ids=name)
def test_a_rule_module_imports_no_flask(path):
    flask = {m for m in imports(path) if m.split(".")[0] in ("flask", "flask_babel", "flask_wtf")}
    assert not flask, f"{name(path)} imports {sorted(flask)}: rules take db and plain values"


@pytest.mark.parametrize("path", rule_modules(), ids=name)
def test_a_rule_module_imports_neither_the_app_nor_its_config(path):
    app_level = {"checkin", "checkin.create_app", "checkin.csrf", "checkin.config"}
    found = {m for m in imports(path) if m in app_level or m.startswith("checkin.config.")}
    assert not found, f"{name(path)} imports {sorted(found)}: rules run without an app"


@pytest.mark.parametrize("path", blueprint_modules(), ids=name)
def test_a_blueprint_imports_no_other_features_routes(path):
    own = path.parent.name
    others = {m for m in imports(path)
              if m.startswith("checkin.") and len(m.split(".")) >= 3
              and m.split(".")[1] != own
              and (m.split(".")[2] == "routes" or m.split(".")[2].endswith("_routes"))}
    assert not others, f"{name(path)} imports {sorted(others)}: one feature's pages each"


def test_no_test_imports_another_test_file_or_a_conftest():
    """Shared things live in tests/helpers.py and tests/browser/helpers.py."""
    tests = Path(__file__).resolve().parent
    for path in sorted(tests.rglob("*.py")):
        found = {m for m in imports(path)
                 if m.startswith("tests.") and any(part.startswith(("test_", "conftest"))
                                                   for part in m.split(".")[1:])}
        assert not found, f"{path.relative_to(tests.parent)} imports {sorted(found)}"


def test_the_checker_sees_imports_inside_functions():
    found = imports(PACKAGE / "week" / "sample.py",
                    "def f():\n    from flask import g\n    from checkin import config\n"
                    "    from ..visits import routes\n")
    assert {"flask.g", "checkin.config", "checkin.visits.routes"} <= found
