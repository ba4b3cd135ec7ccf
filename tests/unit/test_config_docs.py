"""docs/configuration.md is generated from the settings schema and must match it."""

from __future__ import annotations

from blitzls.config import PROVIDERS, camel_case, schema_fields
from blitzls.config_docs import render_markdown
from tests.conftest import ROOT


def test_committed_page_matches_the_schema() -> None:
    page = (ROOT / "docs" / "configuration.md").read_text("utf-8")
    assert page == render_markdown(), (
        "docs/configuration.md is stale: run "
        "`python -m blitzls.config_docs > docs/configuration.md`"
    )


def test_every_setting_and_provider_is_documented_with_a_description() -> None:
    page = render_markdown()
    for f in schema_fields():
        assert f.metadata.get("doc"), f.name
        assert f"| `{camel_case(f.name)}` |" in page, f.name
    for name in PROVIDERS:
        assert f"| `{name}` |" in page, name
