"""blitzls: fast-model code actions for every LSP editor, plus a headless CLI."""

__version__ = "0.1.0"
