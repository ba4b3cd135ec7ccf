from timeline import Event, events_between, first_at_least, next_event

EVENTS = [Event(5, "intro"), Event(30, "slide 2"), Event(30, "question"), Event(95, "demo")]


def test_index_past_the_end_when_all_are_smaller():
    assert first_at_least([10, 20, 30], 35) == 3
    assert first_at_least([10, 20, 30], 30) == 2
    assert first_at_least([10, 20, 30], 1) == 0
    assert first_at_least([], 5) == 0


def test_no_next_event_at_the_end():
    assert next_event(EVENTS, 96) is None
    assert next_event(EVENTS, 6) == Event(30, "slide 2")


def test_range_reaching_past_the_last_event():
    assert [event.label for event in events_between(EVENTS, 30, 200)] == [
        "slide 2",
        "question",
        "demo",
    ]
