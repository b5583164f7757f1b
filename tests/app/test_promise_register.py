"""Every promise README, docs/ and the promising pages make carries a marker naming the tests
that fail when it stops being true (issue 28 item 2). The rule for what counts as a promise is
in tests/promise_register.py's docstring; the checks here run on the real files, and on changed
copies of their text in memory to show the register fails when a marker or its test goes."""

from tests.promise_register import (
    NOT_PROMISES,
    PROMISE_PAGES,
    collect_test_names,
    markdown_units,
    parse_markers,
    problems,
    promises,
    read_texts,
    root,
)


def test_every_promise_names_tests_that_exist():
    found = problems(read_texts(), collect_test_names(root() / "tests"))
    assert not found, "\n".join(found)


def test_the_register_holds_the_promises_of_every_page_and_doc():
    register = promises(read_texts())
    ids = [pid for p in register for pid, _tests in p.markers]
    assert len(ids) == len(set(ids))
    paths = {p.path for p in register}
    assert {"README.md", "docs/features.md", "docs/operations.md", "docs/figures.md",
            "templates/visits/privacy.html", "templates/web/accessibility.html",
            "templates/visits/done.html"} <= paths
    assert len(ids) >= 100


def test_the_names_found_include_methods_and_nested_folders():
    names = collect_test_names(root() / "tests")
    assert "test_every_promise_names_tests_that_exist" in names
    assert any(path.parent.name == "browser" for path in (root() / "tests").rglob("test_*.py"))
    assert "test_the_register_fails_when_a_marker_goes" in names


def first_marked(texts, path):
    for promise in promises(texts):
        if promise.path == path and promise.markers:
            return promise
    raise AssertionError(f"no marker in {path}")


def test_the_register_fails_when_a_marker_goes():
    texts = read_texts()
    names = collect_test_names(root() / "tests")
    assert not problems(texts, names)
    for path in ("README.md", "templates/visits/privacy.html"):
        promise = first_marked(texts, path)
        pid = promise.markers[0][0]
        changed = dict(texts)
        lines = changed[path].splitlines()
        marker_line = next(i for i, line in enumerate(lines) if f"promise: {pid} " in line)
        if path.endswith(".md"):
            start = lines[marker_line].index("<!--")
            lines[marker_line] = lines[marker_line][:start].rstrip()
        else:
            start = lines[marker_line].index("{#")
            lines[marker_line] = lines[marker_line][:start].rstrip()
        changed[path] = "\n".join(lines)
        found = problems(changed, names)
        assert any("promise without a marker" in p and path in p for p in found), found


def test_the_register_fails_when_a_test_it_names_goes():
    texts = read_texts()
    promise = first_marked(texts, "README.md")
    gone = promise.markers[0][1][0]
    names = collect_test_names(root() / "tests") - {gone}
    found = problems(texts, names)
    assert any(f"names {gone}, which is no test" in p for p in found), found


def test_the_register_fails_on_a_duplicate_id_and_a_marker_without_tests():
    text = ("Nothing is kept. <!-- promise: P-900 tests: test_a -->\n\n"
            "We never store it. <!-- promise: P-900 tests: test_a -->\n\n"
            "Gone for good. <!-- promise: P-901 tests: -->\n")
    found = problems({"docs/x.md": text}, {"test_a"})
    assert any("P-900 used again" in p for p in found), found
    assert any("P-901 names no test" in p for p in found), found


def test_a_promise_word_in_a_list_item_or_a_table_needs_its_own_marker():
    text = ("- We keep the day. <!-- promise: P-902 tests: test_a -->\n"
            "- We never keep the minute.\n\n"
            "| kept | never |\n|---|---|\n| the day | names |\n\n"
            "```\nnever in code\n```\n")
    found = problems({"docs/x.md": text}, {"test_a"})
    assert len(found) == 2, found  # the second item, and the whole table (once)
    assert any("We never keep the minute" in p for p in found)
    assert any("| kept | never |" in p for p in found)


def test_a_template_marker_covers_the_string_below_it():
    text = ('{# promise: P-903 tests: test_a #}\n<p>{{ _("We never save it.") }}</p>\n'
            '<p>{{ _("Nothing else is saved.") }}</p>\n')
    found = problems({"templates/x.html": text}, {"test_a"})
    assert len(found) == 1 and "Nothing else is saved." in found[0], found


def test_the_exempt_sections_and_pages_exist():
    texts = read_texts()
    for path, heading in NOT_PROMISES:
        sections = {section for _line, section, _unit in markdown_units(path, texts[path])}
        assert heading in sections, (path, heading)
    for path in PROMISE_PAGES:
        assert (root() / path).exists(), path
    assert parse_markers("<!-- promise: P-001 tests: test_a, test_b -->") == \
        [("P-001", ["test_a", "test_b"])]


def test_every_number_the_docs_give_a_setting_or_limit_is_the_one_the_code_uses():
    """Numbers in promises come from one place: the settings' defaults in checkin/config.py's
    REGISTRY (the operator's table and every "`NAME` (N" in README and docs/), the phone
    cookie's lifetime, and the wait other writers get while one holds the write lock."""
    import re

    from checkin.config import REGISTRY
    from checkin.db import BUSY_TIMEOUT_SECONDS
    from checkin.web.pages import REMEMBER_SECONDS

    defaults = {s.name: s.default for s in REGISTRY}

    def written(value):
        if isinstance(value, bool):
            return str(value).lower()
        return f"{value:g}" if isinstance(value, float) else str(value)

    texts = read_texts()
    checked = 0
    for path in ("README.md", "docs/features.md", "docs/operations.md", "docs/figures.md",
                 "docs/development.md"):
        for name, number in re.findall(r"`([A-Z][A-Z_]+)` \((\d+)", texts[path]):
            if name in defaults:
                assert written(defaults[name]) == number, (path, name, number)
                checked += 1
    table = texts["docs/operations.md"]
    for names, values in re.findall(r"^\| (`[a-z_]+`(?:, `[a-z_]+`)*) \| ((?:`[^`]+`(?:, )?)+) \|",
                                    table, re.M):
        for name, value in zip(re.findall(r"`([a-z_]+)`", names),
                               re.findall(r"`([^`]+)`", values), strict=True):
            assert written(defaults[name.upper()]) == value, (name, value)
            checked += 1
    assert checked >= 25
    features = " ".join(texts["docs/features.md"].split())
    assert f"for at most {REMEMBER_SECONDS // 86400} days, the cookie's lifetime" in features
    assert f"well inside the {BUSY_TIMEOUT_SECONDS} s other writers wait" in features


def test_the_limits_the_docs_and_the_statement_write_are_the_codes():
    """Each limit a promise states, written from the constant the code uses."""
    from checkin.feedback.staff_forms import SEARCH_MAX
    from checkin.feedback.visitor_text import FEEDBACK_TEXT_MAX, IDEA_TEXT_MAX
    from checkin.figures.dashboard_figures import FLOOD_FACTOR, NORMAL_DAYS, NORMAL_PERCENTILE
    from checkin.figures.routes import MEAN_MIN_RATINGS
    from tests.browser.pages import WEIGHT_LIMIT

    texts = {path: " ".join(text.split()) for path, text in read_texts().items()}
    features, operations = texts["docs/features.md"], texts["docs/operations.md"]
    assert f"feedback text {FEEDBACK_TEXT_MAX}, idea {IDEA_TEXT_MAX} characters" in features
    assert f"one sentence ({IDEA_TEXT_MAX} characters)" in features
    assert f"a search box (at most {SEARCH_MAX} characters)" in features
    assert f"in the last {NORMAL_DAYS} days" in operations
    assert f"than **{FLOOD_FACTOR} × a normal busy day**" in operations
    assert (f"the {NORMAL_PERCENTILE}th percentile of the days with check-ins in the "
            f"{NORMAL_DAYS} days") in operations
    assert f"fewer than {MEAN_MIN_RATINGS} published ratings" in texts["docs/figures.md"]
    statement = texts["templates/web/accessibility.html"]
    assert f"no page for visitors weighs more than {WEIGHT_LIMIT // 1000} KB" in statement
