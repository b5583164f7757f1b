"""The benchmark script still runs (tiny numbers; the real run is in README)."""

from bench.figures_bench import main


def test_benchmark_runs_on_a_small_database(capsys):
    results = main(["--visits", "3000", "--venues", "2", "--years", "2", "--runs", "1"])
    out = capsys.readouterr().out
    assert "built 3,000 visits" in out and "dashboard, one venue" in out
    assert len(results["with"]) == len(results["without"]) == 6
