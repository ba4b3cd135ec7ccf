"""``textDocument/codeAction``: the actions offered at the cursor, without the model."""

from __future__ import annotations

from lsprotocol import types

from blitzls.actions import all_actions
from blitzls.lsp.action_data import APPLY_ACTION_COMMAND
from blitzls.lsp.client import Client
from blitzls.lsp.features.documents import DocumentSync
from blitzls.lsp.features.prefetch import Prefetcher
from blitzls.lsp.features.settings import SettingsSync
from blitzls.lsp.listing import Offer, offers_at


class ActionOffers:
    """Lists code actions (``blitzls.lsp.listing``) and dresses them for the client.

    Each action carries its ``data`` and no edit; the edit is computed on resolve, or, for
    clients that cannot resolve edits, by the ``blitzls.applyAction`` command it carries.
    """

    def __init__(
        self,
        client: Client,
        documents: DocumentSync,
        config: SettingsSync,
        prefetch: Prefetcher,
    ) -> None:
        self.client = client
        self.documents = documents
        self.config = config
        self.prefetch = prefetch

    def code_action(self, params: types.CodeActionParams) -> list[types.CodeAction] | None:
        doc = self.documents.get(params.text_document.uri)
        if doc is None:
            return None
        offers = offers_at(
            doc,
            all_actions(self.config.user_actions),
            params.range,
            params.context.diagnostics,
            params.context.only,
        )
        self.prefetch.cursor_at(offers)
        return [self._code_action(offer) for offer in offers] or None

    def _code_action(self, offer: Offer) -> types.CodeAction:
        action = types.CodeAction(
            title=offer.title,
            kind=offer.spec.kind,
            data=offer.data,
            diagnostics=offer.diagnostics,
            tags=[types.CodeActionTag.LlmGenerated],
        )
        if not self.client.resolves_edits():
            action.command = types.Command(
                title=offer.title,
                command=APPLY_ACTION_COMMAND,
                arguments=[{**offer.data, "title": offer.title}],
            )
        return action
