from rooms import free_slots, merge_busy, parse_hhmm


def test_merges_overlapping_and_sorts():
    assert merge_busy([(600, 660), (540, 610), (700, 720)]) == [(540, 660), (700, 720)]


def test_touching_and_contained_intervals():
    assert merge_busy([(540, 600), (600, 630)]) == [(540, 630)]
    assert merge_busy([(540, 720), (600, 630), (700, 710)]) == [(540, 720)]
    assert merge_busy([(800, 810)]) == [(800, 810)]
    assert merge_busy([]) == []


def test_free_slots_of_a_day():
    busy = [(parse_hhmm("09:00"), parse_hhmm("10:00")), (parse_hhmm("09:30"), parse_hhmm("12:00"))]
    assert free_slots(busy) == [(480, 540), (720, 1080)]
