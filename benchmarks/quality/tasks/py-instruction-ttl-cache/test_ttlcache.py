from ttlcache import TTLCache


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_fresh_entry_is_a_hit_and_old_entry_a_miss():
    clock = FakeClock()
    cache = TTLCache(ttl=10, clock=clock)
    cache.set("user:1", "ada")
    clock.now = 5
    assert cache.get("user:1") == "ada"
    clock.now = 11
    assert cache.get("user:1", "gone") == "gone"
    assert (cache.hits, cache.misses) == (1, 1)
    assert len(cache) == 0


def test_expired_entries_are_recomputed():
    clock = FakeClock()
    cache = TTLCache(ttl=30, clock=clock)
    calls = []

    def compute():
        calls.append(clock.now)
        return len(calls)

    assert cache.get_or_compute("k", compute) == 1
    clock.now = 20
    assert cache.get_or_compute("k", compute) == 1
    clock.now = 40
    assert cache.get_or_compute("k", compute) == 2
    assert calls == [0, 40]
