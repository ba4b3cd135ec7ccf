from textwrapper import bullet_list, wrap


def test_the_space_counts_towards_the_width():
    assert wrap("lorem ipsum dolor", 10) == ["lorem", "ipsum", "dolor"]
    assert wrap("lorem ipsum dolor", 11) == ["lorem ipsum", "dolor"]


def test_no_line_is_longer_than_the_width_unless_one_word():
    text = "the quick brown fox jumps over the lazy dog again and again"
    for width in range(5, 30):
        lines = wrap(text, width)
        assert " ".join(lines) == text
        assert all(len(line) <= width for line in lines), (width, lines)
    assert wrap("a extraordinarily b", 6) == ["a", "extraordinarily", "b"]


def test_bullets():
    assert bullet_list(["aa bb cc"], 7) == "- aa bb\n  cc"
    assert bullet_list(["aaa bb"], 7) == "- aaa\n  bb"
