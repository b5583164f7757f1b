"""Every visible string has a Swedish and an English translation, compiled."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]


def source_msgids():
    with open(ROOT / "babel.cfg") as f:
        method_map, options_map = parse_mapping_cfg(f)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
    found = set()
    for folder in ("checkin", "templates"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, method_map, options_map, keywords=keywords
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_string_in_the_code_is_translated(lang):
    po = ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po"
    with open(po, "rb") as f:
        catalog = read_po(f, locale=lang)
    # A plural entry (ngettext) counts when every one of its forms is written.
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog
                  if m.id and m.string and all(m.string if isinstance(m.string, tuple)
                                               else [m.string]) and not m.fuzzy}
    missing = sorted(source_msgids() - translated)
    assert not missing, f"{lang} lacks translations for: {missing}"
    compiled = po.with_suffix(".mo")
    assert compiled.stat().st_mtime >= po.stat().st_mtime, "run: checkin translate compile"


def test_the_source_really_has_strings():
    assert "Check in" in source_msgids() and len(source_msgids()) > 50


def visitor_msgids():
    """What visitors read (babel-visitor.cfg): what the easy-read catalog must cover."""
    with open(ROOT / "babel-visitor.cfg") as f:
        method_map, options_map = parse_mapping_cfg(f)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
    return {message if isinstance(message, str) else message[0]
            for _file, _line, message, _comments, _context in extract_from_dir(
                ROOT, method_map, options_map, keywords=keywords)}


def test_every_file_the_visitor_list_names_is_there():
    """A moved module would drop out of babel-visitor.cfg without a word (and its strings
    out of the easy-read catalog's checks)."""
    listed = (ROOT / "babel-visitor.cfg").read_text()
    named = re.findall(r"^\[(?:python|jinja2): ([^\]]*)\]", listed, re.M)
    assert len(named) > 10
    assert [path for path in named if not list(ROOT.glob(path))] == []


def test_the_easy_read_catalog_covers_every_string_a_visitor_reads():
    """Lättläst (easy-read Swedish) is complete for the visitor pages: 0 empty, 0 fuzzy."""
    strings = visitor_msgids()
    assert "Check in" in strings and len(strings) > 150
    assert not any(s in strings for s in ("Who changed what", "Minutes, %(title)s"))  # staff
    po = ROOT / "translations" / "easy" / "sv" / "LC_MESSAGES" / "messages.po"
    with open(po, "rb") as f:
        catalog = read_po(f, locale="sv")
    assert not [m.id for m in catalog if m.id and m.fuzzy], "fuzzy easy-read entries"
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog
                  if m.id and m.string and all(m.string if isinstance(m.string, tuple)
                                               else [m.string])}
    missing = sorted(strings - translated)
    assert not missing, f"easy-read Swedish lacks {len(missing)}: {missing[:20]}"
    assert po.with_suffix(".mo").stat().st_mtime >= po.stat().st_mtime, (
        "run: checkin translate compile")
