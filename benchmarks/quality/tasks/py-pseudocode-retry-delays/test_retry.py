import pytest
from retry import RetryPolicy, call_with_retries


def test_exponential_delays():
    assert RetryPolicy().delays() == [0.5, 1.0, 2.0]
    assert RetryPolicy(attempts=3, base=1, factor=3).delays() == [1, 3]


def test_capped_at_max_delay():
    assert RetryPolicy(attempts=6, base=1, factor=3, max_delay=20).delays() == [1, 3, 9, 20, 20]
    assert RetryPolicy(attempts=6, base=1, factor=3, max_delay=20).total_wait() == 53


def test_single_attempt_has_no_delays():
    assert RetryPolicy(attempts=1).delays() == []


def test_runner_sleeps_between_tries():
    calls, slept = [], []

    def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise ConnectionError("reset")
        return "ok"

    assert call_with_retries(flaky, RetryPolicy(), slept.append) == "ok"
    assert slept == [0.5, 1.0]


def test_gives_up_after_the_last_attempt():
    slept = []

    def always_times_out():
        raise TimeoutError("slow")

    with pytest.raises(TimeoutError):
        call_with_retries(always_times_out, RetryPolicy(attempts=3, base=2), slept.append)
    assert slept == [2, 4]
