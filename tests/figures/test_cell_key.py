"""The cell-key method: the perturbation table's properties, how it was designed, and the
attacks of issue 14 replayed on perturbed cells (pytest -s prints the recovery rates)."""

import ast
import math
import random
from fractions import Fraction
from pathlib import Path

import pytest

from checkin.publishing import cell_key as ck

SCALE = ck.KEY_SCALE
TRIALS = 2000  # simulated datasets per attack


def probabilities(true_value):
    """{published value: exact probability} of one true value, from the table's intervals."""
    out = {}
    for published, lower, upper in ck.ptable_row(true_value):
        out[published] = out.get(published, 0) + Fraction(upper - lower, SCALE)
    return out


def moments(true_value):
    p = probabilities(true_value)
    mean = sum(q * (j - true_value) for j, q in p.items())
    variance = sum(q * (j - true_value) ** 2 for j, q in p.items()) - mean**2
    return mean, variance


def keys(rng, n):
    """n record keys in [0, 1), as stored_record_key() draws them (divided by 2**32), but from
    a seeded generator."""
    return [rng.getrandbits(ck.KEY_BITS) / SCALE for _ in range(n)]


def publish_cell(keys):
    """The published value of a cell given its records' keys, one key a record: the method
    as the papers state it, which the app computes from SQL's sum of stored keys
    (cell_key.publish_count)."""
    keys = list(keys)
    return ck.perturb(len(keys), ck.cell_key(keys))


# ---------------------------------------------------------------- the table's properties


@pytest.mark.parametrize("true_value", sorted(ck.PTABLE))
def test_each_row_covers_0_to_1_once_in_order(true_value):
    row = ck.PTABLE[true_value]
    assert row[0][1] == 0 and row[-1][2] == SCALE
    for (j, lower, upper), (j_next, lower_next, _) in zip(row, row[1:], strict=False):
        assert lower < upper == lower_next and j < j_next
    assert sum(probabilities(true_value).values()) == 1


def test_zero_stays_zero():
    assert probabilities(0) == {0: 1}
    for k in (0.0, 0.5, (SCALE - 1) / SCALE):
        assert ck.perturb(0, k) == 0
    assert publish_cell([]) == 0


def test_deviation_at_most_two_and_one_and_two_never_published():
    for true_value in range(200):
        for published in probabilities(true_value):
            assert abs(published - true_value) <= ck.MAX_DEVIATION
            assert published == 0 or published >= 3
            assert published not in ck.BLOCKED


def test_unbiased_with_the_stated_variance():
    for true_value in range(21):
        mean, variance = moments(true_value)
        assert abs(mean) < 1e-9, true_value
        assert variance <= 2 + 1e-9, true_value  # the stated bound for every row
        if true_value >= 4:
            assert abs(variance - ck.VARIANCE) < 1e-6, true_value
    # Where V = 1.5 cannot be had without bias: 1 and 2 have variance 2, 0 and 3 none.
    assert [round(float(moments(i)[1]), 6) for i in range(4)] == [0, 2, 2, 0]


def test_rows_from_top_up_are_the_top_row_shifted():
    top = probabilities(ck.TOP)
    for true_value in (ck.TOP + 1, 17, 1234):
        shift = true_value - ck.TOP
        assert probabilities(true_value) == {j + shift: q for j, q in top.items()}


def test_perturb_follows_the_intervals_at_their_edges():
    for true_value in range(12):
        for published, lower, upper in ck.ptable_row(true_value):
            assert ck.perturb(true_value, lower / SCALE) == published
            assert ck.perturb(true_value, (upper - 1) / SCALE) == published


# ---------------------------------------------------------------- how the table was designed


def _max_entropy(support, variance):
    """p over `support` with mean 0 and the given variance that has the most entropy: the
    solution is p(d) ~ exp(a d + b d^2); Newton's method finds a and b."""
    a = b = 0.0
    for _ in range(100):
        weights = [math.exp(a * d + b * d * d) for d in support]
        total = sum(weights)
        p = [w / total for w in weights]
        m1, m2, m3, m4 = (sum(q * d**n for q, d in zip(p, support, strict=True))
                          for n in (1, 2, 3, 4))
        f1, f2 = m1, m2 - variance
        j11, j12, j22 = m2 - m1 * m1, m3 - m1 * m2, m4 - m2 * m2
        det = j11 * j22 - j12 * j12
        a -= (j22 * f1 - j12 * f2) / det
        b -= (j11 * f2 - j12 * f1) / det
        if abs(f1) < 1e-15 and abs(f2) < 1e-15:
            break
    return dict(zip(support, p, strict=True))


def design_row(true_value, D=ck.MAX_DEVIATION, V=ck.VARIANCE, blocked=ck.BLOCKED):
    """{deviation: probability} as the ptable method designs it: targets within D of the true
    value, none negative or blocked; unbiased; variance V with the most entropy, or where V
    cannot be had, the unbiased row whose variance is nearest V."""
    support = [j - true_value for j in range(max(0, true_value - D), true_value + D + 1)
               if j not in blocked]
    down = [d for d in support if d < 0]
    up = [d for d in support if d > 0]
    if not down or not up:
        return {0: 1.0}  # nothing to move down to (0) or up to (3): only staying is unbiased
    # An unbiased row is a mix of two-point rows (d-, d+) with variance -d- * d+, and staying.
    pairs = {(lo, hi): -lo * hi for lo in down for hi in up}
    lowest = 0 if 0 in support else min(pairs.values())
    highest = max(pairs.values())
    if lowest < V < highest:
        return _max_entropy(support, V)
    nearest = lowest if V <= lowest else highest
    [(lo, hi)] = [pair for pair, v in pairs.items() if v == nearest]
    return {lo: hi / (hi - lo), hi: -lo / (hi - lo)}


def design_table():
    """PTABLE as it follows from the design: probabilities to units of 2**-32, each row
    summing to exactly 1, and where a row can stay, its mean deviation exactly 0."""
    table = {}
    for true_value in range(ck.TOP + 1):
        p = design_row(true_value)
        w = {d: round(q * SCALE) for d, q in p.items()}
        w[max(w, key=lambda d: (w[d], -abs(d)))] += SCALE - sum(w.values())
        off = sum(d * x for d, x in w.items())
        if off and 0 in w:  # move |off| units between staying and one step down (or up)
            step = -1 if off < 0 else 1
            w[step] -= abs(off)
            w[0] += abs(off)
        row, lower = [], 0
        for d in sorted(w):
            row.append((true_value + d, lower, lower + w[d]))
            lower += w[d]
        table[true_value] = tuple(row)
    return table


def test_the_table_is_the_design():
    designed = design_table()
    assert designed.keys() == ck.PTABLE.keys()
    for true_value, row in ck.PTABLE.items():
        assert [j for j, *_ in designed[true_value]] == [j for j, *_ in row]
        for (_, lo, hi), (_, lo2, hi2) in zip(designed[true_value], row, strict=True):
            assert abs(lo - lo2) <= 2 and abs(hi - hi2) <= 2  # a last bit of exp() may differ


# ---------------------------------------------------------------- keys


def test_record_keys_are_in_0_1_on_the_2_32_grid():
    drawn = [ck.stored_record_key() / SCALE for _ in range(2000)]
    assert all(0 <= k < 1 and (k * SCALE).is_integer() for k in drawn)
    assert len(set(drawn)) > 1990


def test_cell_key_and_published_value_do_not_depend_on_order():
    rng = random.Random(14)
    for n in (1, 2, 5, 40, 1500):
        records = keys(rng, n)
        # Off-grid floats too: each key is cut to 32 bits on its own before adding.
        loose = [rng.random() for _ in range(n)]
        first, first_loose = ck.cell_key(records), ck.cell_key(loose)
        published = publish_cell(records)
        for _ in range(5):
            rng.shuffle(records)
            rng.shuffle(loose)
            assert ck.cell_key(records) == first and ck.cell_key(loose) == first_loose
            assert publish_cell(iter(records)) == published
            assert ck.cell_key(reversed(records)) == first
        # On the grid a plain float sum is exact as well, so SQL's SUM() gives the same key.
        assert math.fsum(records) % 1 == sum(records) % 1 == first


def test_cell_keys_of_parts_add_up_to_the_cell_key_of_the_whole():
    rng = random.Random(2025)
    a, b = keys(rng, 7), keys(rng, 30)
    assert ck.cell_key([ck.cell_key(a), ck.cell_key(b)]) == ck.cell_key(a + b)
    assert ck.cell_key([]) == 0


@pytest.mark.parametrize("bad", [-0.25, 1.0, 3, float("nan"), float("inf"), True])
def test_keys_outside_0_1_are_refused(bad):
    with pytest.raises(ValueError):
        ck.cell_key([0.5, bad])
    with pytest.raises(ValueError):
        ck.perturb(4, bad)


@pytest.mark.parametrize("bad", [-1, 2.0, True, "3"])
def test_true_values_are_counts(bad):
    with pytest.raises(ValueError):
        ck.perturb(bad, 0.5)


def test_person_key_is_deterministic_and_separated():
    secret = bytes(range(32))
    key = ck.person_key(secret, "a26", 1, 2026)
    assert 0 <= key < 1 and (key * SCALE).is_integer()
    assert ck.person_key(secret, "a26", 1, 2026) == key
    assert ck.person_key(bytearray(secret), "a26", "1", "2026") == key  # fields as text
    others = {
        ck.person_key(secret, "b26", 1, 2026),
        ck.person_key(secret, "a26", 2, 2026),
        ck.person_key(secret, "a26", 1, 2027),
        ck.person_key(bytes(32), "a26", 1, 2026),
        ck._keyed(secret, b"cell-key/other", "a26", 1, 2026),  # another purpose
        ck._keyed(secret, b"cell-key/person", "a2", "61", 2026),  # fields do not run together
    }
    assert key not in others and len(others) == 6
    with pytest.raises(ValueError):
        ck.person_key(b"", "a26", 1, 2026)
    with pytest.raises(ValueError):
        ck.person_key("not bytes", "a26", 1, 2026)


def test_person_keys_spread_evenly():
    secret = b"s" * 32
    drawn = [ck.person_key(secret, f"{n:032x}", 1, 2026) for n in range(4000)]
    tenths = [sum(int(k * 10) == t for k in drawn) for t in range(10)]
    assert min(tenths) > 300 and max(tenths) < 500  # 400 each expected


def test_module_stands_alone():
    """No Flask and nothing from checkin: the module survives the package's move."""
    tree = ast.parse(Path(ck.__file__).read_text())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree)
                if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module and not node.level}
    assert not any(isinstance(node, ast.ImportFrom) and node.level for node in ast.walk(tree))
    assert imported <= {"hashlib", "hmac", "json", "pathlib", "secrets", "numbers"}


def test_the_quality_note_of_docs_figures_md():
    """docs/figures.md, Quality: a finest cell is unchanged with probability 1 for 0 and 3, 0
    for 1 and 2, 0.14 for 4, 0.28 from 5 up; its change has mean 0 and variance 0, 2 or 1.5;
    a sum of k cells with independent keys is unbiased with variance at most 2k."""
    def unchanged(true):
        return sum(hi - lo for p, lo, hi in ck.ptable_row(true) if p == true) / ck.KEY_SCALE

    assert [round(unchanged(t), 2) for t in range(8)] == [1, 0, 0, 1, 0.14, 0.28, 0.28, 0.28]
    for true in range(30):
        row = [(p - true, (hi - lo) / ck.KEY_SCALE) for p, lo, hi in ck.ptable_row(true)]
        mean = sum(d * w for d, w in row)
        var = sum(d * d * w for d, w in row)
        assert abs(mean) < 1e-9 and var <= 2 + 1e-9
        assert round(var, 6) == {0: 0, 1: 2, 2: 2, 3: 0}.get(true, 1.5)
    rng = random.Random(23)
    k, runs = 40, 4000
    errors = []
    for _ in range(runs):
        trues = [rng.choice((0, 1, 2, 3, 4, 7, 12)) for _ in range(k)]
        errors.append(sum(ck.perturb(t, rng.getrandbits(32) / ck.KEY_SCALE) - t
                          for t in trues))
    mean = sum(errors) / runs
    var = sum((e - mean) ** 2 for e in errors) / (runs - 1)
    assert abs(mean) < 4 * (2 * k / runs) ** 0.5  # unbiased, within 4 standard errors
    assert var <= 2 * k * 1.1


def test_the_table_is_read_from_one_versioned_file_that_the_wheel_carries():
    """docs/figures.md: the table is a machine-readable file with a version, read by the code
    (one source), and setup.py puts it in the package."""
    import json

    data = json.loads(ck.TABLE_FILE.read_text(encoding="utf-8"))
    assert ck.TABLE_FILE.name == "cell_key_table.json" and ck.TABLE_VERSION == data["version"]
    assert {int(t): [tuple(r) for r in row] for t, row in data["rows"].items()} == {
        t: list(row) for t, row in ck.PTABLE.items()}
    assert (ck.MAX_DEVIATION, ck.VARIANCE, ck.BLOCKED) == (2, 1.5, (1, 2))
    setup = (Path(ck.__file__).parents[2] / "setup.py").read_text()
    assert '"checkin.publishing": ["data/*.json"]' in setup
    docs = (Path(ck.__file__).parents[2] / "docs" / "figures.md").read_text()
    assert f"version {ck.TABLE_VERSION}" in docs and "cell_key_table.json" in docs


# ---------------------------------------------------------------- totals and attacks


def test_yearly_totals_stay_within_two_of_the_truth():
    rng = random.Random(300)
    for _ in range(300):
        n = rng.randint(300, 2000)
        assert abs(publish_cell(keys(rng, n)) - n) <= 2


def _other_cells(rng, count):
    """Record keys of `count` cells of 0 or 2..6 records each."""
    return [keys(rng, rng.choice((0, 2, 3, 4, 5, 6))) for _ in range(count)]


def _row_difference(rng):
    # One gender cell holds the single visitor; the other three and the row's total are
    # published as cells of their own. Also plain + by-activity (a period's total less its
    # other activities) has this shape.
    target, others = keys(rng, 1), _other_cells(rng, 3)
    total = target + [k for cell in others for k in cell]
    return publish_cell(total) - sum(publish_cell(cell) for cell in others)


def _two_end_dates(rng):
    # Two exports whose ranges differ by the one day the single visitor came.
    before = keys(rng, rng.randint(2, 6))
    return publish_cell(before + keys(rng, 1)) - publish_cell(before)


def _month_and_year(rng):
    # February's 1 woman from the year's women less the other months' women (also day +
    # month, day + week: a whole less its other parts).
    february, others = keys(rng, 1), _other_cells(rng, 11)
    year = february + [k for cell in others for k in cell]
    return publish_cell(year) - sum(publish_cell(cell) for cell in others)


def _unlinked_bound(rng):
    # Persons cannot exceed linked visits (visits_total - visits_unlinked): with 1 linked
    # visit that would pin persons_total to 1. The reader combines that bound with what the
    # published persons cell allows and wins when exactly one value is left.
    unlinked = keys(rng, rng.randint(2, 6))
    linked = publish_cell(unlinked + keys(rng, 1)) - publish_cell(unlinked)
    persons = publish_cell(keys(rng, 1))  # the one remembered phone's person key
    left = {t for t in range(10) if persons in probabilities(t)
            and (t >= 1) == (linked >= 1) and t <= linked}
    return left.pop() if len(left) == 1 else None


@pytest.mark.parametrize("attack", [_row_difference, _two_end_dates, _month_and_year,
                                    _unlinked_bound])
def test_differencing_rarely_finds_a_single_visitor(attack):
    rng = random.Random(attack.__name__)
    recovered = sum(attack(rng) == 1 for _ in range(TRIALS))
    rate = recovered / TRIALS
    print(f"\n{attack.__name__.lstrip('_')}: the single visitor recovered in {recovered} of "
          f"{TRIALS} datasets ({rate:.1%})")
    assert rate < 0.5


def test_asking_again_gives_the_same_answer():
    """Repeating an export cannot average the noise away: same records, same value."""
    rng = random.Random(7)
    records = keys(rng, 4)
    assert len({publish_cell(records) for _ in range(100)}) == 1


def test_publish_count_of_stored_keys_is_perturb_of_their_cell_key():
    """The database keeps keys as integers k * 2**32 and adds them with SUM(): any sum gives
    the published value of the cell key it stands for."""
    rng = random.Random(11)
    for _ in range(20000):
        true_value = rng.randrange(40)
        stored = [ck.stored_record_key() for _ in range(rng.randrange(1, 5))]
        total = sum(stored) + rng.randrange(4) * SCALE  # sums past 2**32 wrap
        assert ck.publish_count(true_value, total) == ck.perturb(
            true_value, ck.cell_key([k / SCALE for k in stored]))
    assert ck.publish_count(0, 12345) == 0
    for bad in (-1, 2.0, True):
        with pytest.raises(ValueError):
            ck.publish_count(bad, 0)
