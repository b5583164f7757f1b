"""The layout holds: rules without Flask, blueprints that keep to their feature.

Imports are read with ast, those inside functions too, so a late `from flask import ...`
cannot slip past. The rule modules are every module of a feature package except its web
side (routes, forms, commands, access, page helpers).
"""

import ast
import re
import tomllib
from pathlib import Path

import pytest

import checkin

PACKAGE = Path(checkin.__file__).resolve().parent
FEATURES = ("week", "visits", "feedback", "figures", "accounts", "publishing", "devices")
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
    assert PACKAGE / "devices" / "kiosk_routes.py" in blueprint_modules()


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
    tests = Path(__file__).resolve().parents[1]
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


def test_the_published_columns_match_what_visits_record():
    """publishing/columns.py writes its columns out (it sits below visits); they still name
    every gender and source a visit can be recorded with, in the same order."""
    from checkin.publishing import columns
    from checkin.visits.recording import GENDERS, SOURCES

    assert columns.SOURCES == SOURCES
    assert len(columns.GENDER_COLUMNS) == len(GENDERS)
    assert columns.GENDER_COLUMNS == tuple({"woman": "women", "man": "men"}.get(g, g)
                                           for g in GENDERS)


# The parts and their arrows (docs/parts.toml) ---------------------------------------------

PARTS_FILE = PACKAGE.parent / "docs" / "parts.toml"


def load_parts(text=None):
    return tomllib.loads(PARTS_FILE.read_text() if text is None else text)["parts"]


def module_file(dotted):
    """The file of checkin's module that the dotted import name `dotted` reaches (a name
    imported from a module reaches that module), or None when it is not checkin's."""
    names = dotted.split(".")
    if names[0] != "checkin":
        return None
    for n in range(len(names), 0, -1):
        base = PACKAGE.parent.joinpath(*names[:n])
        if base.with_suffix(".py").is_file():
            return base.with_suffix(".py")
        if (base / "__init__.py").is_file():
            return base / "__init__.py"
    return None


def parts_of(path, parts):
    """The parts that claim `path` (a file it names, or a folder it is in): one for every
    module, or the layout is unclear."""
    relative = path.relative_to(PACKAGE.parent).as_posix()
    return sorted({part for part, about in parts.items() for entry in about["modules"]
                   if entry == relative or (entry.endswith("/") and relative.startswith(entry))})


def cycles(parts):
    """Every part that can reach itself along the `uses` arrows (a two-way pair is a cycle)."""
    def reach(start):
        seen, todo = set(), list(parts[start]["uses"])
        while todo:
            part = todo.pop()
            if part not in seen:
                seen.add(part)
                todo.extend(parts.get(part, {"uses": []})["uses"])
        return seen
    return sorted(part for part in parts if part in reach(part))


def layout_problems(parts, imports_of):
    """What breaks the description: `imports_of` is {module file: dotted names it imports}."""
    problems = [f"{part} uses {other}, which is not a part" for part, about in parts.items()
                for other in about["uses"] if other not in parts]
    problems += [f"the arrows go round through {part}" for part in cycles(parts)]
    for path, names in sorted(imports_of.items()):
        owners = parts_of(path, parts)
        if len(owners) != 1:
            problems.append(f"{name(path)} belongs to {owners or 'no part'}")
            continue
        own = owners[0]
        for imported in sorted(names):
            target = module_file(imported)
            if target is None:
                continue
            theirs = parts_of(target, parts)
            if len(theirs) != 1 or theirs[0] == own:
                continue
            other = theirs[0]
            if parts[own]["kind"] == "app":
                continue
            if other not in parts[own]["uses"]:
                problems.append(f"{name(path)} imports {imported}: {own} may not use {other}")
            elif parts[other]["kind"] == "feature" and target.name != "api.py":
                problems.append(f"{name(path)} imports {imported}: from {other}, only its "
                                f"api.py")
    return problems


def every_module():
    return sorted(PACKAGE.rglob("*.py"))


def test_every_module_keeps_to_the_parts_and_their_arrows():
    parts = load_parts()
    assert {"kernel", "web", "accounts", "week", "visits", "feedback", "figures",
            "app"} <= set(parts)
    problems = layout_problems(parts, {path: imports(path) for path in every_module()})
    assert not problems, "\n".join(problems)


def test_no_two_features_import_each_other():
    """Read from the imports themselves, whatever the description says."""
    parts = load_parts()
    arrows = set()
    for path in every_module():
        own = parts_of(path, parts)[0]
        for imported in imports(path):
            target = module_file(imported)
            if target is not None and parts_of(target, parts)[0] != own:
                arrows.add((own, parts_of(target, parts)[0]))
    assert not {(a, b) for a, b in arrows if (b, a) in arrows}


FAKE = PACKAGE / "week" / "schedule.py"


@pytest.mark.parametrize("source, why", [
    ("from checkin.visits.api import GENDERS\n", "week may not use visits"),  # upward
    ("from checkin.visits import recording\n", "week may not use visits"),
    ("def f():\n    from checkin.figures import tables\n", "week may not use figures"),
    ("from checkin.accounts.audit import write\n", "only its api.py"),  # into internals
    ("import checkin.accounts.auth\n", "only its api.py"),
])
def test_the_checker_refuses_a_made_up_import(source, why):
    problems = layout_problems(load_parts(), {FAKE: imports(FAKE, source)})
    assert any(why in problem for problem in problems), problems
    allowed = ("from checkin.accounts.api import audit\nfrom checkin import db\n"
               "from checkin.web import pages\n")
    assert layout_problems(load_parts(), {FAKE: imports(FAKE, allowed)}) == []


def test_the_checker_refuses_arrows_both_ways_and_modules_of_no_part():
    parts = load_parts()
    parts["week"] = {**parts["week"], "uses": [*parts["week"]["uses"], "visits"]}
    assert "the arrows go round through week" in layout_problems(parts, {})
    assert "the arrows go round through visits" in layout_problems(parts, {})
    lost = PACKAGE / "nowhere.py"
    assert layout_problems(load_parts(), {lost: set()}) == ["checkin.nowhere belongs to no part"]
    both = load_parts()
    both["web"] = {**both["web"], "modules": [*both["web"]["modules"], "checkin/venues.py"]}
    assert layout_problems(both, {PACKAGE / "venues.py": set()}) == [
        "checkin.venues belongs to ['kernel', 'web']"]


def test_each_api_offers_exactly_what_other_parts_use():
    """A name in an api.py that no other part imports is surface nobody needs; a name other
    parts import must be in its __all__."""
    parts = load_parts()
    used = {}
    for path in every_module():
        own = parts_of(path, parts)[0]
        for imported in imports(path):
            module, _, name_ = imported.rpartition(".")
            target = module_file(module) if module.startswith("checkin.") else None
            if target is not None and target.name == "api.py" and parts_of(target, parts)[0] != own:
                used.setdefault(target, set()).add(name_)
        # `from checkin.visits import api as visits`: what it uses is `visits.<name>`
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    target = module_file(f"{node.module}.{alias.name}")
                    if alias.name == "api" and target is not None:
                        bound = alias.asname or alias.name
                        used.setdefault(target, set()).update(
                            attribute.attr for attribute in ast.walk(tree)
                            if isinstance(attribute, ast.Attribute)
                            and getattr(attribute.value, "id", None) == bound)
    apis = sorted(PACKAGE.glob("*/api.py"))
    assert len(apis) >= 6
    for api in apis:
        offered = set(ast.literal_eval(next(
            node.value for node in ast.parse(api.read_text()).body
            if isinstance(node, ast.Assign) and node.targets[0].id == "__all__")))
        assert offered == used.get(api, set()), f"{name(api)}: offers {sorted(offered)}, " \
                                                f"other parts use {sorted(used.get(api, []))}"


# SQL as the code writes it, in capitals; "ON CONFLICT ... DO UPDATE SET" is not a table.
WRITES = re.compile(r"\b(?:INSERT(?:\s+OR\s+[A-Z]+)?\s+INTO|REPLACE\s+INTO|(?<!DO )UPDATE|"
                    r"DELETE\s+FROM)\s+(\w+)")


def written_tables(source):
    """The tables a module's SQL writes, its "..." "..." strings joined first."""
    return set(WRITES.findall(re.sub(r'"\s*\n\s*"', "", source)))


def table_problems(parts, sources):
    """`sources`: {module file: its text}. Every table written belongs to the writer's part."""
    owner = {table: part for part, about in parts.items() for table in about.get("tables", [])}
    problems = []
    for path, source in sorted(sources.items()):
        if path.name == "migrations.py":
            continue
        own = parts_of(path, parts)[0]
        if parts[own]["kind"] == "app":  # demo data, backups
            continue
        for table in sorted(written_tables(source)):
            if owner.get(table) != own:
                problems.append(f"{name(path)} writes {table}, which is "
                                f"{owner.get(table, 'no part')}'s")
    return problems


def test_each_table_is_written_by_the_part_that_owns_it(db):
    parts = load_parts()
    owned = [table for about in parts.values() for table in about.get("tables", [])]
    assert len(owned) == len(set(owned)), "a table has two owners"
    tables = {row[0] for row in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' "
        "AND name NOT LIKE '\\_%' ESCAPE '\\'")}
    assert tables == set(owned), "every table has one owner in docs/parts.toml"
    assert not table_problems(parts, {path: path.read_text() for path in every_module()})


def test_the_table_check_refuses_a_write_into_another_parts_table():
    sql = 'def f(db):\n    db.execute("DELETE FROM visit "\n               "WHERE id = ?", [1])\n'
    assert table_problems(load_parts(), {PACKAGE / "figures" / "tally_import.py": sql}) == [
        "checkin.figures.tally_import writes visit, which is visits's"]
    assert table_problems(load_parts(), {PACKAGE / "visits" / "recording.py": sql}) == []
