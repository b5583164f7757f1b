"""The benchmark script still runs (tiny numbers; the real run is in README)."""

from bench.figures_bench import main


def test_benchmark_runs_on_a_small_database(capsys):
    results = main(["--visits", "3000", "--venues", "2", "--years", "2", "--runs", "1"])
    out = capsys.readouterr().out
    assert "built 3,000 visits" in out and "dashboard, one venue" in out
    assert len(results["with"]) == len(results["without"]) == 7


def test_benchmark_runs_at_its_defaults_in_quick_mode(capsys):
    """The default years end at --today and start no earlier than 2000, which the figures
    require (at 60 years they started in 1967 and the full-range line was refused)."""
    results = main(["--quick", "--skip-without-index"])
    out = capsys.readouterr().out
    assert "visits, 2 venues, 20 years" in out
    assert "full range 2007-01-01..2026-11-23 by month" in out
    assert "dashboard, one venue, published" in out and len(results["with"]) == 7
