from smoothing import moving_average, smooth, trend


def test_every_window_is_averaged():
    assert moving_average([1, 2, 3, 4], 2) == [1.5, 2.5, 3.5]
    assert moving_average([5, 5, 8], 3) == [6]
    assert moving_average([1, 2], 3) == []


def test_window_of_one_keeps_the_values():
    assert moving_average([4.0, 1.0, 2.5], 1) == [4.0, 1.0, 2.5]


def test_smooth_and_trend():
    readings = [10.0, 11.0, 12.0, 13.0, 14.0]
    assert smooth(readings) == [11.0, 12.0, 13.0]
    assert trend(smooth(readings)) == "rising"
