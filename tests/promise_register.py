"""The promise register: every promise README, docs/ and the visitor and staff pages make names
the tests that fail when it stops being true (issue 28 item 2).

A marker sits in the promise itself. In Markdown at the end of its paragraph, list item or
table (in a cell), `<!-- promise: P-017 tests: test_a, test_b -->`; in a template on the line
of the string or in a Jinja comment ending on the line just above it,
`{# promise: P-030 tests: test_a #}` (the string's Swedish, easy-read and English catalog
entries are covered by the template's marker). Tests are named by function name, so the
register survives test files moving between folders.

Which text is a promise (the rule `problems` applies, so it is checked, not argued):
- Markdown (README.md and docs/*.md): every prose paragraph, list item and table (one unit
  each) outside fenced code whose words match PROMISE_WORDS (never, nothing, nobody, not
  even, gone, scrubbed, deleted, forgotten, anonymous, cannot, at most, identical, every,
  only, always, exactly, not stored, who you are, no name, a percentage or a width in
  px, …), in every section except those
  in NOT_PROMISES, each with its reason.
- Templates: every line with a `_()` string matching PROMISE_WORDS, in every template under
  templates/ (visitor and staff pages alike), except the labels in NOT_PROMISE_STRINGS.
A marker on a unit without those words is allowed and checked the same way (a promise worded
without them).
"""

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path


def root():
    here = Path(__file__).resolve().parent
    while not (here / "pyproject.toml").exists():
        here = here.parent
    return here


PROMISE_WORDS = re.compile(
    r"\b(?:never|nothing|no one|nobody|not even|gone|scrub\w*|deleted|forg[eo]t\w*|"
    r"anonymous\w*|cannot|can't|at most|identical|same numbers|every copy|singles? out|unbiased|"
    r"aldrig|inget|ingen|borta|högst|raderas|glöm\w*|every|only|always|exactly|alla|bara|"
    r"alltid|exakt|who you are|not (?:store|save|keep|kept|stored|saved|log|logged|written)|"
    r"no (?:address|name|cookie|hash|row|trace|order)|not in the)\b"
    r"|\d+(?:[.,]\d+)?\s?(?:%|px)", re.I)
MARKER = re.compile(r"promise:\s*(P-\d{3})\s+tests:\s*([\w\s,]*?)\s*(?:-->|#\})")

DOCS = ["README.md", "docs/features.md", "docs/operations.md", "docs/figures.md",
        "docs/development.md"]
# The pages that promise most; every other template is checked by the same rule too.
PROMISE_PAGES = [
    "templates/visits/privacy.html",
    "templates/web/accessibility.html",
    "templates/visits/check_in.html",
    "templates/visits/done.html",
    "templates/visits/forget.html",
    "templates/staff/confirm.html",
]
# Strings with a promise word that promise nothing: labels, headings, empty lists, a question.
NOT_PROMISE_STRINGS = {
    "Nothing special", "Nothing special, I just dropped in",
    "Do you want the phone to forget its code?", "Nothing planned.", "Nothing written.",
    "Nothing imported yet.", "Nothing has been set aside.", "Nothing yet.", "Every venue",
    "Every month", "every venue", "Nothing is on right now.", "Nothing more today.",
    "Only if moved.", "Nothing more on the programme today.",
    "Nothing more on the programme today. You are welcome anyway!",
    "Nothing is set up here yet. Ask the staff.",
    "Next step: when is it held? A time every week here, or",
    "One line on the sheet “Your ideas – our answers”, for example: Bingo every Friday from "
    "January.",
    "Only for “Choose one answer”. Ja, Delvis, Nej is the usual.",
    "Also here. Do this if you forgot to log out on a shared computer, or think someone knows "
    "your password: then change it too.",
    "Your account can see the figures only.",
    "Nothing is cancelled or moved this week, so there is nothing to copy.",
}
# (file, heading) → why the section's sentences are not promises to a user.
NOT_PROMISES = {
    ("README.md", "## Two commands"): "how to install, run the demo and run the tests",
    ("README.md", "## Read on"): "links to the docs, each of which is checked here",
    ("docs/features.md", "# What checkin does, page by page and command by command"):
        "what the page covers",
    ("docs/figures.md", "# Figures: what every number means"): "what the page covers",
    ("docs/development.md", "# Development"): "what the page covers",
    ("docs/development.md", "### Check-in under load"):
        "measured speed printed by bench/ scripts, dated; the suite keeps no timing asserts",
    ("docs/development.md", "### Figures on 1,000,000 visits"):
        "measured speed printed by bench/figures_bench.py, dated; no timing asserts",
    ("docs/development.md", "## Tests"):
        "how the suite is run and how long it takes on one machine",
    ("docs/development.md", "## The package"):
        "what the wheel and sdist contain, for packagers (tests/app/test_package.py)",
}


@dataclass
class Promise:
    path: str
    line: int
    text: str
    section: str = ""
    markers: list = field(default_factory=list)  # [(id, [test names])]


def markdown_units(path, text):
    """(line, section, text) of each paragraph, list item and whole table outside fenced code."""
    units, current, start, section, fenced = [], [], 0, "", False

    def flush():
        if current:
            units.append((start, section, " ".join(current)))
            current.clear()

    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("```"):
            flush()
            fenced = not fenced
            continue
        if fenced:
            continue
        if line.startswith("#"):
            flush()
            section = line.strip()
            continue
        if not line.strip():
            flush()
            continue
        table = line.lstrip().startswith("|")
        if re.match(r"\s*(?:[-*]|\d+\.)\s", line) or (
                current and table != current[-1].startswith("|")):
            flush()
        if not current:
            start = number
        current.append(line.strip())
    flush()
    return units


def template_units(text):
    """(line, marker text, text) of each line with a `_()` string; the marker text is the line
    and the Jinja comment that ends on the line above."""
    lines = text.splitlines()
    units = []
    for index, line in enumerate(lines):
        if "_(" not in line:
            continue
        above = ""
        if index and lines[index - 1].rstrip().endswith("#}"):
            first = index - 1
            while first > 0 and "{#" not in lines[first]:
                first -= 1
            above = " ".join(lines[first:index])
        units.append((index + 1, above + " " + line, line))
    return units


def parse_markers(text):
    return [(m[1], [name for name in re.split(r"[\s,]+", m[2]) if name])
            for m in MARKER.finditer(text)]


def promises(texts):
    """Every unit of `texts` ({relative path: text}) that is a promise or carries a marker."""
    found = []
    for path, text in texts.items():
        if path.endswith(".md"):
            for line, section, unit in markdown_units(path, text):
                if (path, section) in NOT_PROMISES:
                    continue
                bare = re.sub(r"<!--.*?-->", "", unit)
                markers = parse_markers(unit)
                if markers or PROMISE_WORDS.search(bare):
                    found.append(Promise(path, line, bare.strip(), section, markers))
        else:
            for line, marked, unit in template_units(text):
                strings = " ".join(string for string in re.findall(
                    r"_\(\s*\"((?:[^\"\\]|\\.)*)\"", unit) if string not in NOT_PROMISE_STRINGS)
                markers = parse_markers(marked)
                if markers or PROMISE_WORDS.search(strings):
                    found.append(Promise(path, line, strings or unit.strip(), "", markers))
    return found


def collect_test_names(tests_dir):
    """Every test function and method name under tests/, at any depth."""
    names = set()
    for path in Path(tests_dir).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and \
                    node.name.startswith("test_"):
                names.add(node.name)
    return names


def problems(texts, names):
    """What is wrong with the register: unmarked promises, unknown tests, duplicate ids."""
    found, seen = [], {}
    for promise in promises(texts):
        where = f"{promise.path}:{promise.line}"
        if not promise.markers:
            found.append(f"{where}: promise without a marker: {promise.text[:100]}")
        for pid, tests in promise.markers:
            if pid in seen:
                found.append(f"{where}: {pid} used again (first at {seen[pid]})")
            seen.setdefault(pid, where)
            if not tests:
                found.append(f"{where}: {pid} names no test")
            for name in tests:
                if name not in names:
                    found.append(f"{where}: {pid} names {name}, which is no test")
    return found


def templates(base=None):
    """Every template, the promising pages first."""
    base = base or root()
    found = sorted(str(p.relative_to(base)) for p in (base / "templates").rglob("*.html"))
    return [*PROMISE_PAGES, *(path for path in found if path not in PROMISE_PAGES)]


def read_texts(base=None):
    base = base or root()
    return {path: (base / path).read_text() for path in [*DOCS, *templates(base)]}
