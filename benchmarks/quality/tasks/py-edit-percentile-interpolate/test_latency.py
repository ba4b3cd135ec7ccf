import pytest
from latency import parse_log_line, percentile, summarise


def test_interpolates_between_neighbours():
    assert percentile([10, 20, 30, 40], 50) == pytest.approx(25)
    assert percentile([1, 2, 3, 4, 5], 90) == pytest.approx(4.6)
    assert percentile([40, 10, 30, 20], 25) == pytest.approx(17.5)


def test_ends_and_single_values():
    assert percentile([3, 1, 2], 0) == 1
    assert percentile([3, 1, 2], 100) == 3
    assert percentile([3, 1, 2], 75) == pytest.approx(2.5)
    assert percentile([7.5], 95) == 7.5
    with pytest.raises(ValueError):
        percentile([], 50)


def test_summary_of_a_log():
    lines = [f"GET /api/items 200 {ms}ms" for ms in (100, 120, 140, 160, 300)]
    summary = summarise([parse_log_line(line) for line in lines])
    assert summary.p50 == pytest.approx(140)
    assert summary.p95 == pytest.approx(272)
    assert not summary.meets_slo()
