from listing import extension_report, group_by_extension

PATHS = [
    "src/App.PY",
    "README",
    "docs/guide.md",
    "src/util.py",
    ".git/config",
    "node_modules/x/index.js",
    "dist/archive.tar.gz",
]


def test_groups_by_lower_case_extension():
    assert group_by_extension(PATHS) == {
        "py": ["App.PY", "util.py"],
        "": ["README"],
        "md": ["guide.md"],
        "gz": ["archive.tar.gz"],
    }
    assert group_by_extension([".git/HEAD"]) == {}


def test_report_counts():
    assert extension_report(PATHS).splitlines() == ["py: 2", "(none): 1", "gz: 1", "md: 1"]
