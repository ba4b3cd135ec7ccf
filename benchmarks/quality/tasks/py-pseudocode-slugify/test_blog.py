from blog import Post, slugify, unique_slug


def test_punctuation_and_spaces_become_single_hyphens():
    assert slugify("Hello, World!") == "hello-world"
    assert slugify("  Ten  Tips -- for Python 3.12 ") == "ten-tips-for-python-3-12"


def test_no_hyphens_at_the_ends():
    assert slugify("...C++ & Rust?") == "c-rust"
    assert slugify("---") == ""


def test_used_by_posts_and_unique_slugs():
    assert Post("Why I Moved", "body").slug == "why-i-moved"
    assert unique_slug("Why I moved", {"why-i-moved", "why-i-moved-2"}) == "why-i-moved-3"
