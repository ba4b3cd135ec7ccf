import inspect

import pytest
from diskusage import biggest_children, human_size, report

BIGGEST_CHILDREN_SOURCE = '''def biggest_children(root: Path, n: int = 3) -> list[tuple[str, int]]:
    """The `n` largest direct children of `root` by total size, largest first."""
    sizes = []
    for child in root.iterdir():
        size = folder_size(child) if child.is_dir() else child.stat().st_size
        sizes.append((child.name, size))
    return sorted(sizes, key=lambda item: (-item[1], item[0]))[:n]
'''


def test_human_size_has_a_docstring():
    assert (inspect.getdoc(human_size) or "").strip()


def test_other_functions_unchanged():
    assert inspect.getsource(biggest_children) == BIGGEST_CHILDREN_SOURCE


def test_behaviour_is_unchanged(tmp_path):
    assert human_size(0) == "0 B"
    assert human_size(1023) == "1023 B"
    assert human_size(1536) == "1.5 KiB"
    assert human_size(5 * 1024**3, precision=2) == "5.00 GiB"
    assert human_size(3 * 1024**5) == "3072.0 TiB"
    with pytest.raises(ValueError):
        human_size(-1)
    (tmp_path / "a.bin").write_bytes(b"x" * 2048)
    assert report(tmp_path).splitlines()[1].split() == ["a.bin", "2.0", "KiB"]
