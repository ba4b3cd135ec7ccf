"""The common credential shapes never reach the endpoint: ``blitzls run`` against the scripted
model, asserting on the request body it received. The file on disk keeps its secrets."""

from __future__ import annotations

import json
from pathlib import Path

from blitzls.secrets import REDACTION
from tests.e2e.samples import INDENTED_LOOP
from tests.e2e.test_cli_run import blitzls
from tests.support.scripted_model import Reply, ScriptedModelServer

# Fake credentials, assembled so that this file holds no token-shaped strings.
PGP_BODY = ["lQOYBF0abcdEFGHijklMNOPqrstUVWX1234567890", "ABCDEFGHIJKLMNOPqrstuvwxyz0123456789+/ab"]
STRIPE_LIVE = "sk_" + "live_" + "51H8abcdEFGH1234ijklMNOP"
STRIPE_RESTRICTED = "rk_" + "live_" + "51H8qrstUVWX5678mnopQRST"
DB_PASSWORD = "pg-Pa55word"
AWS_ID = "AKIA" + "Z7QW4EXAMPLE2024"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY"
ENV_PASSWORD = "hunter2-env"
ENV_TOKEN = "tok-9f8e7d6c"
GITLAB = "glpat-" + "x1Y2z3W4v5" * 2
NPM = "npm_" + "c3D4" * 9
JWT = "eyJ" + "hbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP"
SECRETS = [
    *PGP_BODY,
    STRIPE_LIVE,
    STRIPE_RESTRICTED,
    DB_PASSWORD,
    AWS_ID,
    AWS_SECRET,
    ENV_PASSWORD,
    ENV_TOKEN,
    GITLAB,
    NPM,
    JWT,
]

SOURCE = (
    '"""Payments and deploy settings — Grüße 😀."""\n'  # 1
    'SIGNING_KEY = """-----BEGIN PGP PRIVATE KEY BLOCK-----\n'  # 2
    "Version: GnuPG v2\n"  # 3
    "\n"  # 4
    f"{PGP_BODY[0]}\n"  # 5
    f"{PGP_BODY[1]}\n"  # 6
    '-----END PGP PRIVATE KEY BLOCK-----"""\n'  # 7
    f'STRIPE_KEY = "{STRIPE_LIVE}"\n'  # 8
    f"RESTRICTED = {STRIPE_RESTRICTED!r}\n"  # 9
    f'DATABASE_URL = "postgres://app:{DB_PASSWORD}@db.internal:5432/shop"\n'  # 10
    f'AWS = ("{AWS_ID}", "{AWS_SECRET}")\n'  # 11
    'DOTENV = """\n'  # 12
    f"DB_PASSWORD={ENV_PASSWORD}\n"  # 13
    f"export API_TOKEN={ENV_TOKEN}\n"  # 14
    '"""\n'  # 15
    f"GITLAB_TOKEN = '{GITLAB}'\n"  # 16
    f"NPMRC = '//registry.npmjs.org/:_authToken={NPM}'\n"  # 17
    f"SESSION = '{JWT}'\n"  # 18
    "\n"  # 19
    "\n"  # 20
    "def total_price(items):\n"  # 21
    "    # add up price times qty for every item in items 😀\n"  # 22
    "    # keep the result in total\n"  # 23
    "    return total\n"  # 24
)


def test_every_main_credential_shape_is_redacted_in_the_request_body(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    path = tmp_path / "settings.py"
    path.write_text(SOURCE, encoding="utf-8")
    model_server.enqueue(Reply(content=f"```python\n{INDENTED_LOOP}\n```\n"))
    env = {**server_env, "BLITZLS_CONTEXT": "file"}  # the whole file goes with the task
    done = blitzls(env, "run", "pseudocode", str(path), "--lines", "22-23", "--write")
    assert done.returncode == 0, done.stderr
    (request,) = model_server.requests
    sent = json.dumps(request.body, ensure_ascii=False)
    leaked = [secret for secret in SECRETS if secret in sent or json.dumps(secret)[1:-1] in sent]
    assert leaked == []
    user = request.body["messages"][-1]["content"]
    shown = user.split("```\n", 1)[1].split("\n```", 1)[0].split("\n")
    real = SOURCE.rstrip("\n").split("\n")
    assert len(shown) == len(real)  # line numbers in the prompt still match the file
    changed = [number + 1 for number, (a, b) in enumerate(zip(shown, real, strict=True)) if a != b]
    assert changed == [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 16, 17, 18]
    assert all(REDACTION in shown[number - 1] for number in changed)
    assert shown[9] == f'DATABASE_URL = "postgres://app:{REDACTION}@db.internal:5432/shop"'
    assert shown[12] == f"DB_PASSWORD={REDACTION}"
    edited = path.read_text(encoding="utf-8")
    assert all(secret in edited for secret in SECRETS)  # the file keeps its secrets
    assert "total += item" in edited
