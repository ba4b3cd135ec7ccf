import inspect
import typing

from records import count_by, index_by, load_records

TEXT = """[
  {"id": 1, "team": "web", "name": "Ana"},
  {"id": 2, "team": "data", "name": "Bo"},
  {"id": 3, "team": "web", "name": "Cy"},
  {"id": 4, "name": "Di"}
]"""


def test_every_parameter_and_the_return_value_are_annotated():
    signature = inspect.signature(index_by)
    missing = [
        name
        for name, parameter in signature.parameters.items()
        if parameter.annotation is inspect.Parameter.empty
    ]
    assert missing == []
    assert signature.return_annotation is not inspect.Signature.empty
    assert set(typing.get_type_hints(index_by)) == {"records", "key", "return"}


def test_behaviour_is_unchanged():
    records = load_records(TEXT)
    index = index_by(records, "team")
    assert list(index) == ["web", "data"]
    assert [record["id"] for record in index["web"]] == [1, 3]
    assert count_by(records, "team") == {"web": 2, "data": 1}
    assert index_by([], "team") == {}
