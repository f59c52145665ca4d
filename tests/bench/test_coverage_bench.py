"""The benchmark script runs (small sizes) and reports identical distances. It times nothing
that can fail a test: speed is read from its printout, not asserted."""

from bench.coverage_bench import main


def test_quick_benchmark_runs_and_engine_matches_csgraph(capsys):
    assert main(["--quick"]) == 0
    out = capsys.readouterr().out
    assert out.count("same nodes reached: True") == 2
    assert "engine (geo.coverage)" in out and "networkx multi-source" in out and "siting:" in out
    diffs = [
        float(line.split("largest distance difference ")[1].split(" m")[0])
        for line in out.splitlines()
        if "largest distance difference" in line
    ]
    assert max(diffs) < 1e-6
