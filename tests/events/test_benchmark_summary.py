"""The registration benchmark's arithmetic (benchmarks/events_registration.py): percentiles, throughput and the
printed summary. The benchmark itself runs by hand (``make bench``), never as a timed test."""

import pytest

from benchmarks.events_registration import format_summary, percentile, summarise


def test_percentile_by_nearest_rank():
    values = [float(n) for n in range(1, 21)]  # 1..20, given out of order below
    shuffled = values[10:] + values[:10]
    assert percentile(shuffled, 0.50) == 10.0
    assert percentile(shuffled, 0.95) == 19.0  # rank ceil(0.95 * 20) = 19, not 20 (float 19.000000000000004)
    assert percentile(shuffled, 1.0) == 20.0
    assert percentile(shuffled, 0.0) == 1.0
    assert percentile([7.0], 0.95) == 7.0
    with pytest.raises(ValueError):
        percentile([], 0.5)


def test_summarise_counts_statuses_and_only_good_answers_in_the_throughput():
    results = [(302, 100.0, True)] * 150 + [(302, 300.0, True)] * 40 + [(403, 50.0, False)] * 9 + [(0, 900.0, False)]
    summary = summarise(results, seconds=9.5)
    assert (summary.requests, summary.ok) == (200, 190)
    assert summary.throughput == pytest.approx(20.0)
    assert summary.statuses == {0: 1, 302: 190, 403: 9}
    assert (summary.p50, summary.p95, summary.slowest) == (100.0, 300.0, 900.0)


def test_summarise_refuses_an_empty_or_instant_burst():
    with pytest.raises(ValueError):
        summarise([], seconds=1.0)
    with pytest.raises(ValueError):
        summarise([(302, 1.0, True)], seconds=0)


def test_the_printed_summary_names_throughput_and_percentiles():
    lines = format_summary(summarise([(302, 120.0, True), (302, 80.0, True)], seconds=0.5))
    text = "\n".join(lines)
    assert "4.0 registrations/s" in text
    assert "p50       80 ms" in text and "p95       120 ms" in text
    assert "statuses 302: 2" in text
    assert "no answer" in "\n".join(format_summary(summarise([(0, 5.0, False)], seconds=1.0)))
