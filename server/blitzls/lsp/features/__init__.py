"""The server's features, one class each; ``blitzls.lsp.server`` routes LSP methods to them.

- ``settings``   SettingsSync: the layered settings and keeping them in sync with the editor
- ``engine``     EngineHost: the engine, built off the start-up path, reconfigured, closed
- ``documents``  DocumentSync: open documents as incrementally updated line lists
- ``offers``     ActionOffers: ``textDocument/codeAction`` listing (no model, no I/O)
- ``runner``     ActionRunner: resolve and commands; compute, supersede, re-anchor
- ``prefetch``   Prefetcher: compute an offered action once the cursor rests on it
"""
