from dotted import lookup

CONFIG = {"db": {"pool": {"size": 5, "timeout": None}, "url": "sqlite://"}, "debug": False}


def test_missing_paths_give_the_default():
    assert lookup(CONFIG, "db.pool.max") is None
    assert lookup(CONFIG, "cache.ttl", default=60) == 60
    assert lookup(CONFIG, "db.url.scheme", default="?") == "?"


def test_present_values_are_returned_even_when_falsy():
    assert lookup(CONFIG, "db.pool.size", default=1) == 5
    assert lookup(CONFIG, "db.pool.timeout", default=30) is None
    assert lookup(CONFIG, "debug", default=True) is False
    assert lookup({}, "db", default=7) == 7
