"""Many concurrent actions with cancellations and edits: nothing lost, nothing misapplied."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

from lsprotocol import types

from tests.conftest import TEST_KEY
from tests.e2e.test_lsp_pseudocode import actions_at, open_document
from tests.support.lsp import apply_text_edits, capabilities, edits_of, lsp_session
from tests.support.scripted_model import Reply, ScriptedModelServer

FILES = 6
BLOCKS = 4  # pseudocode blocks per file


def source(index: int) -> str:
    parts = []
    for block in range(BLOCKS):
        parts.append(
            f"def f{index}_{block}(x):\n    # compute value {index}_{block}\n    return y\n\n\n"
        )
    return "".join(parts)


def answer(body: dict[str, object]) -> Reply:
    prompt = str(body["messages"][-1]["content"])  # type: ignore[index]
    tag = prompt.rsplit("# compute value ", 1)[1].split("\n", 1)[0]
    a, b = tag.split("_")
    return Reply(
        content=f"```python\ny = x + {int(a) * 10 + int(b)}\n```",
        chunk_chars=3,
        chunk_delay=random.uniform(0.0, 0.02),
    )


async def test_concurrent_actions_with_cancellations(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    random.seed(5)
    model_server.responder = answer
    async with lsp_session(server_env, capabilities("vscode")) as client:
        uris = [(tmp_path / f"m{i}.py").as_uri() for i in range(FILES)]
        texts = {uri: source(i) for i, uri in enumerate(uris)}
        for uri, text in texts.items():
            open_document(client, uri, text)
        jobs = []
        for i, uri in enumerate(uris):
            for block in range(BLOCKS):
                (action,) = await actions_at(client, uri, (block * 5 + 1, 4))
                jobs.append((uri, i, block, action))
        random.shuffle(jobs)
        cancelled: set[tuple[int, int]] = set()
        futures = []
        for n, (uri, i, block, action) in enumerate(jobs):
            msg_id = f"soak-{n}"
            future = client.protocol.send_request(types.CODE_ACTION_RESOLVE, action, msg_id=msg_id)
            futures.append((uri, i, block, msg_id, asyncio.wrap_future(future)))
        await asyncio.sleep(0.05)
        for _uri, i, block, msg_id, _ in random.sample(futures, k=len(futures) // 3):
            client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id=msg_id))
            cancelled.add((i, block))
        results = await asyncio.gather(*(f for *_, f in futures), return_exceptions=True)
        landed: dict[str, list[types.TextEdit]] = {uri: [] for uri in uris}
        applied_blocks = set()
        for (uri, i, block, _, _), result in zip(futures, results, strict=True):
            if isinstance(result, types.CodeAction) and result.edit is not None:
                edits, version = edits_of(result.edit, uri)
                assert version == 1
                landed[uri] += edits
                applied_blocks.add((i, block))
            else:
                assert (i, block) in cancelled, (
                    f"{i}_{block} failed uncancelled",
                    result,
                    client.messages,
                )
        # every uncancelled action produced its edit; cancelled ones may have finished first
        assert {(i, b) for i in range(FILES) for b in range(BLOCKS)} - cancelled <= applied_blocks
        for i, uri in enumerate(uris):
            result_text = apply_text_edits(texts[uri], landed[uri], "utf-16")
            for block in range(BLOCKS):
                replaced = f"    y = x + {i * 10 + block}\n"
                original = f"    # compute value {i}_{block}\n"
                if (i, block) in applied_blocks:
                    assert replaced in result_text and original not in result_text
                else:
                    assert original in result_text and replaced not in result_text
        # the server is healthy afterwards
        assert await actions_at(client, uris[0], (1, 4))
        assert all(TEST_KEY not in m.message for m in client.log_messages)
