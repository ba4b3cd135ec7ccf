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


# --- configuration formats, shell commands and credential files (fake values, in pieces) ---

HEX40 = "9f86d081884c7d659a2f" + "eaa0c55ad015a3bf4f1b"
TWILIO = "SK" + "2b7e151628aed2a6abf7" + "158809cf4f3c"
DISCORD = "MTk4NjIyNDgzNDcxOTI1MjQ4" + ".Cl2FMQ." + "ZnCjm1XVW7vRze4b7Cq4se7kKWs"
SAS_SIG = "TU%2BYXGW4h4j9WfoEx2k" + "%2Bxqbizbfu2juvwujLsjX9Gjg%3D"
SAS_SIG_URL = "bmHHlXruk%2FzSz1vrVJZ" + "lD8p8rwILT0uS5PGhS9V4Sf4%3D"
FORMATS: dict[str, tuple[str, list[str]]] = {
    "docker-compose.yml": (
        "services:\n"
        "  db:\n"
        "    image: postgres:16\n"
        "    environment:\n"
        "      POSTGRES_PASSWORD: pg-S3cret-1\n"
        "  api:\n"
        "    env:\n"
        "      - name: DB_PASSWORD\n"
        "        value: k8s-S3cret-2\n"
        "    config:\n"
        "      password: yaml-S3cret-3\n"
        "      api_key: yaml-Key-4\n"
        "      token: yaml-Token-5\n",
        ["pg-S3cret-1", "k8s-S3cret-2", "yaml-S3cret-3", "yaml-Key-4", "yaml-Token-5"],
    ),
    "application.properties": (
        "spring.datasource.url=jdbc:postgresql://db/app\n"
        "spring.datasource.password=props-S3cret-6\n",
        ["props-S3cret-6"],
    ),
    "settings.ini": ("[database]\nuser = app\npassword = ini-S3cret-7\n", ["ini-S3cret-7"]),
    "deploy.sh": (
        "#!/bin/sh\n"
        "curl -u admin:curl-S3cret-8 https://api.example.com/v1/deploy\n"
        'az storage blob upload --connection-string "BlobEndpoint=https://acct.blob.core'
        ".windows.net/;SharedAccessSignature=sv=2022-11-02&ss=b&srt=co&sp=rwl"
        f'&se=2026-01-01T00:00:00Z&sig={SAS_SIG}"\n'
        f'curl "https://acct.blob.core.windows.net/c/b.txt?sv=2022-11-02&sr=b&sig={SAS_SIG_URL}"\n'
        "cat > ~/.netrc <<EOF\n"
        "machine api.example.com login deploy password netrc-S3cret-9\n"
        "EOF\n"
        'echo "db.internal:5432:app:admin:pgpass-S3cret-10" > ~/.pgpass\n',
        ["curl-S3cret-8", SAS_SIG, SAS_SIG_URL, "netrc-S3cret-9", "pgpass-S3cret-10"],
    ),
    "keys.py": (
        f'TOKEN_HEX = "{HEX40}"\n'
        'db_password = "hunter2"\n'
        f'TWILIO_SID = "{TWILIO}"\n'
        f'bot.run("{DISCORD}")\n',
        [HEX40, '"hunter2"', TWILIO, DISCORD],
    ),
}


def sent_text(model_server: ScriptedModelServer) -> str:
    return "\n".join(json.dumps(r.body, ensure_ascii=False) for r in model_server.requests)


def leaked(secrets: list[str], sent: str) -> list[str]:
    return [secret for secret in secrets if secret in sent or json.dumps(secret)[1:-1] in sent]


def test_secrets_in_configuration_formats_and_shell_commands_are_redacted(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    model_server.responder = lambda body: Reply(content="```\nchanged = 1\n```\n")
    env = {**server_env, "BLITZLS_CONTEXT": "file"}
    found: dict[str, list[str]] = {}
    for name, (text, secrets) in FORMATS.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        before = len(model_server.requests)
        done = blitzls(env, "run", "edit", str(path), "--instruction", "tidy this up")
        assert len(model_server.requests) > before, (name, done.stderr)
        found[name] = leaked(secrets, sent_text(model_server))
        assert path.read_text(encoding="utf-8") == text
    assert found == {name: [] for name in FORMATS}
    assert REDACTION in sent_text(model_server)


def test_an_unquoted_password_in_an_ai_instruction_is_redacted_everywhere_it_is_sent(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    path = tmp_path / "db.py"
    path.write_text(
        "def connect(host):\n"
        "    # ai! connect as admin with password: instr-S3cret-11\n"
        "    return None\n",
        encoding="utf-8",
    )
    model_server.responder = lambda body: Reply(content="```python\nx = (\n```\n")
    env = {**server_env, "BLITZLS_CONTEXT": "file"}
    done = blitzls(env, "run", "instruction", str(path))
    assert model_server.requests, done.stderr
    sent = sent_text(model_server)
    assert leaked(["instr-S3cret-11"], sent) == [] and REDACTION in sent


CREDENTIAL_FILES = [
    ".aws/credentials",
    ".ssh/id_ecdsa",
    ".ssh/id_ed25519_sk",
    "deploy/id_dsa",
    ".netrc",
    ".pgpass",
    ".git-credentials",
    ".npmrc",
    ".pypirc",
    "infra/prod.tfvars",
    "credentials.json",
]


def test_credential_files_are_never_sent(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    refused = []
    for name in CREDENTIAL_FILES:
        path = tmp_path / "home" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("key = value\nother = 2\n", encoding="utf-8")
        done = blitzls(server_env, "run", "edit", str(path), "--instruction", "tidy")
        if done.returncode == 3 and "excluded from model requests" in done.stderr:
            refused.append(name)
    assert refused == CREDENTIAL_FILES
    assert model_server.requests == []
