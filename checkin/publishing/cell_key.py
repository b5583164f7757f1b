"""The cell-key method for published figures: record keys, cell keys and a perturbation table.

Plain Python with no Flask and nothing else from checkin, so the reports, the exports and the
yearly close can all use it. docs/figures.md explains the method to a statistician; the design
of the table is reproduced in tests/figures/test_cell_key.py.

Keys are numbers in [0, 1) that are whole multiples of 2**-32. Internally a key is the integer
key * 2**32 in [0, 2**32), and a cell key is the sum of those integers modulo 2**32: integer
arithmetic, so the same records give the same cell key in any order. A float that is a multiple
of 2**-32 and below 2**21 is exact in a double, so the database may also add record keys with
SUM() for cells of fewer than 2**21 (about two million) records and get the same sum.
"""

import hashlib
import hmac
import json
import secrets
from numbers import Integral
from pathlib import Path

KEY_BITS = 32
KEY_SCALE = 1 << KEY_BITS  # one whole turn of the cell key, 2**32

PERSON_PURPOSE = b"cell-key/person"  # so a person key is never the same as any other keyed hash

# The perturbation table and its design parameters live in one machine-readable file,
# data/cell_key_table.json (with a version that published files cite), printed in
# docs/figures.md. For each true value 0..TOP: (published value, lower, upper) where a cell key
# k, as the integer k * 2**32, gives that published value when lower <= k < upper. Like
# ptable's p_int_lb and p_int_ub, in units of 2**-32 so that the lookup is exact; an
# interval's width / 2**32 is its probability. Maximum-entropy design with D = 2, V = 1.5 and
# 1, 2 blocked (tests/figures/test_cell_key.py derives it again); where V cannot be reached without
# bias the row is the only or the nearest unbiased one: 1 -> 0 or 3 (the only unbiased
# choice), 2 -> 0 or 3 (the least variance), 3 stays 3 (any move would bias), 4 -> 3..6,
# and from 5 up i -> i-2 .. i+2.
TABLE_FILE = Path(__file__).with_name("data") / "cell_key_table.json"
_TABLE = json.loads(TABLE_FILE.read_text(encoding="utf-8"))
TABLE_VERSION = _TABLE["version"]
MAX_DEVIATION = _TABLE["parameters"]["D"]  # a published value is never more than D off
VARIANCE = _TABLE["parameters"]["V"]  # the noise variance aimed at, reached from 4 up
BLOCKED = tuple(_TABLE["parameters"]["blocked"])  # never published: 0 or at least 3
TOP = _TABLE["parameters"]["top"]  # rows of true values from TOP up are row TOP shifted
if _TABLE["parameters"]["key_bits"] != KEY_BITS:  # pragma: no cover
    raise RuntimeError("the cell-key table is for another key size")
PTABLE = {int(true): tuple(tuple(interval) for interval in row)
          for true, row in _TABLE["rows"].items()}


def _key_int(key):
    """The integer k * 2**32 of a key in [0, 1), refusing anything else."""
    if isinstance(key, bool) or not 0 <= key < 1:  # also refuses NaN
        raise ValueError(f"a key is a number in [0, 1), not {key!r}")
    # Exact for keys on the 2**-32 grid; anything finer is cut to it, the same way every time.
    return int(key * KEY_SCALE)


def stored_record_key():
    """A fresh random record key as the database keeps it: the integer k * 2**32."""
    return secrets.randbits(KEY_BITS)


def _field(value):
    # Length-prefixed, so no two different lists of fields give the same message.
    data = value if isinstance(value, bytes) else str(value).encode()
    return len(data).to_bytes(4, "big") + data


def _keyed(secret, purpose, *fields):
    """A key in [0, 1) from HMAC-SHA256 of `secret` over a purpose label and some fields."""
    if not isinstance(secret, bytes | bytearray) or not secret:
        raise ValueError("the secret must be non-empty bytes")
    message = _field(purpose) + b"".join(_field(f) for f in fields)
    digest = hmac.new(secret, message, hashlib.sha256).digest()
    return int.from_bytes(digest[: KEY_BITS // 8], "big") / KEY_SCALE


keyed = _keyed  # for the keys of hand-counted visits (figures/tables.tally_keys)


def person_key(secret: bytes, person_hash: str, venue_id, year) -> float:
    """A person's record key for one venue and year, the same every time it is asked for."""
    return _keyed(secret, PERSON_PURPOSE, person_hash, venue_id, year)


def cell_key(keys) -> float:
    """The fractional part of the sum of the records' keys, the same in any order."""
    return (sum(_key_int(k) for k in keys) % KEY_SCALE) / KEY_SCALE


def ptable_row(true_value: int):
    """The (published value, lower, upper) intervals that apply to a true value."""
    if isinstance(true_value, bool) or not isinstance(true_value, Integral) or true_value < 0:
        raise ValueError(f"a true value is a count of 0 or more, not {true_value!r}")
    if true_value < TOP:
        return PTABLE[true_value]
    shift = int(true_value) - TOP
    return tuple((published + shift, lower, upper) for published, lower, upper in PTABLE[TOP])


def perturb(true_value: int, cell_key: float) -> int:
    """The published value of a cell with this true value and cell key."""
    k = _key_int(cell_key)
    for published, lower, upper in ptable_row(true_value):
        if lower <= k < upper:
            return published
    raise AssertionError("the perturbation table does not cover [0, 1)")  # pragma: no cover


def publish_count(true_value: int, key_sum: int) -> int:
    """The published value of a cell from its true value and the sum of its records' stored
    keys (integers k * 2**32, as the database keeps them and SUM() adds them up)."""
    if type(true_value) is not int or true_value < 0:  # noqa: E721  (bool is refused too)
        return perturb(true_value, 0.0)  # raises the same error as perturb
    if true_value == 0:
        return 0  # most cells of a table: no lookup needed
    k = int(key_sum) % KEY_SCALE
    shift = max(0, true_value - TOP)
    for published, lower, upper in PTABLE[true_value - shift]:
        if lower <= k < upper:
            return published + shift
    raise AssertionError("the perturbation table does not cover [0, 1)")  # pragma: no cover
