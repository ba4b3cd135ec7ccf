import inspect
import typing

import pytest
from batching import chunked, upload_plan


def test_every_parameter_and_the_return_value_are_annotated():
    signature = inspect.signature(chunked)
    missing = [
        name
        for name, parameter in signature.parameters.items()
        if parameter.annotation is inspect.Parameter.empty
    ]
    assert missing == []
    assert signature.return_annotation is not inspect.Signature.empty
    hints = typing.get_type_hints(chunked)
    assert set(hints) == {"items", "size", "return"}


def test_behaviour_is_unchanged():
    assert list(chunked(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(chunked("abcd", 2)) == [["a", "b"], ["c", "d"]]
    assert list(chunked([], 4)) == []
    with pytest.raises(ValueError):
        list(chunked([1], 0))
    assert upload_plan([{"id": n} for n in range(250)]) == [100, 100, 50]
