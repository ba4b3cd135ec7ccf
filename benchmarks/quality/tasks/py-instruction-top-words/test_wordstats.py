from wordstats import top_words

TEXT = "The cat sat. The Cat ran! A CAT and a dog. Dog days of the summer."


def test_counts_ignore_case():
    assert top_words(TEXT, 2) == [("cat", 3), ("dog", 2)]


def test_capitalised_stopwords_are_dropped():
    words = [word for word, _ in top_words(TEXT, 10)]
    assert "The" not in words and "the" not in words and "A" not in words
    assert sorted(words) == ["cat", "days", "dog", "ran", "sat", "summer"]
