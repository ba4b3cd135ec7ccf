from ratelimit import TokenBucket


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_burst_after_idle_is_capped_at_capacity():
    clock = FakeClock()
    bucket = TokenBucket(capacity=3, rate=0.5, clock=clock)
    clock.now += 100
    allowed = sum(bucket.allow() for _ in range(5))
    assert allowed == 3, f"a bucket of capacity 3 allowed {allowed} calls after 100 s idle"


def test_refills_at_the_rate():
    clock = FakeClock()
    bucket = TokenBucket(capacity=2, rate=1.0, clock=clock)
    assert [bucket.allow() for _ in range(3)] == [True, True, False]
    clock.now += 1.5
    assert bucket.allow() is True
    assert bucket.allow() is False
    clock.now += 60
    assert [bucket.allow() for _ in range(3)] == [True, True, False]
