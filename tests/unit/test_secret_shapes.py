"""Every credential shape in blitzls.secrets.SHAPES: examples redacted, ordinary code left alone.

Fake key material is assembled from pieces so this file holds no token-shaped strings.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from blitzls.secrets import REDACTION, SHAPES, quotes_required, redact

ROOT = Path(__file__).resolve().parents[2]
B64 = "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun"
AWS_ID = "AKIA" + "IOSFODNN7EXAMPLE"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY"
STRIPE_BODY = "51H8abcdEFGH" + "1234ijklMNOP"
HEX40 = "9f86d081884c7d659a2f" + "eaa0c55ad015a3bf4f1b"
SAS_SIG = "TU%2BYXGW4h4j9WfoEx2k" + "%2Bxqbizbfu2juvwujLsjX9Gjg%3D"
TWILIO = "SK" + "2b7e151628aed2a6abf7" + "158809cf4f3c"
DISCORD = "MTk4NjIyNDgzNDcxOTI1MjQ4" + ".Cl2FMQ." + "ZnCjm1XVW7vRze4b7Cq4se7kKWs"


def block(begin: str, end: str) -> str:
    return f"{begin}\n{B64}\n{B64[:40]}==\n{end}"


# shape name → [(text, the secret that must not survive)]
EXAMPLES: dict[str, list[tuple[str, str]]] = {
    "private key block (PEM: RSA, EC, DSA, OPENSSH, ENCRYPTED, PKCS#8; PGP; SSH2)": [
        (
            block("-----BEGIN PGP PRIVATE KEY BLOCK-----", "-----END PGP PRIVATE KEY BLOCK-----"),
            B64,
        ),
        (block("-----BEGIN OPENSSH PRIVATE KEY-----", "-----END OPENSSH PRIVATE KEY-----"), B64),
        (block("-----BEGIN PRIVATE KEY-----", "-----END PRIVATE KEY-----"), B64),
        (
            block(
                "---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----",
                "---- END SSH2 ENCRYPTED PRIVATE KEY ----",
            ),
            B64,
        ),
        (
            '"private_key": "-----BEGIN PRIVATE KEY-----\\n'
            + B64
            + '\\n-----END PRIVATE KEY-----\\n"',
            B64,
        ),
    ],
    "private key block without its end marker": [
        ("-----BEGIN PGP PRIVATE KEY BLOCK-----\nVersion: GnuPG v2\n\n" + B64, B64),
    ],
    "PuTTY private key lines": [
        ("Private-Lines: 2\n" + B64 + "\n" + B64[:44] + "\nPrivate-MAC: " + "a1b2" * 10, B64),
    ],
    "age secret key": [("AGE-SECRET-KEY-1" + "QZ" * 29, "QZ" * 29)],
    "AWS access key ID": [(f'aws_access_key_id = "{AWS_ID}"', AWS_ID)],
    "AWS secret key next to its key ID": [
        (f'CREDENTIALS = ("{AWS_ID}", "{AWS_SECRET}")', AWS_SECRET),
        (f'keys = {{"{AWS_ID}": "{AWS_SECRET}"}}', AWS_SECRET),
        (f'Session(\n    "{AWS_ID}",\n    "{AWS_SECRET}",\n)', AWS_SECRET),
    ],
    "AWS secret key by name": [
        (f"aws_secret_access_key = {AWS_SECRET}", AWS_SECRET),
        (f'"SecretAccessKey": "{AWS_SECRET}"', AWS_SECRET),
    ],
    "GitHub token": [
        ("token = 'ghp_" + "a1B2c3D4e5" * 4 + "'", "a1B2c3D4e5" * 4),
        ("github_pat_" + "11ABCDEFG0_abcdefghij1234567890", "11ABCDEFG0_abcdefghij1234567890"),
    ],
    "GitLab token": [("GITLAB = 'glpat-" + "x1Y2z3W4v5" * 2 + "'", "x1Y2z3W4v5" * 2)],
    "Slack token or webhook": [
        ("slack('xoxb-" + "1234567890-abcdefghijKLMN')", "1234567890-abcdefghijKLMN"),
        ("url = 'https://hooks.slack.com/services/" + "T0001/B0002/" + "x9" * 12 + "'", "x9" * 12),
    ],
    "Stripe secret or restricted key, webhook secret": [
        ("stripe.api_key = 'sk_" + "live_" + STRIPE_BODY + "'", STRIPE_BODY),
        ("RESTRICTED = 'rk_" + "live_" + STRIPE_BODY + "'", STRIPE_BODY),
        ("endpoint_secret = 'whsec_" + "a1" * 16 + "'", "a1" * 16),
    ],
    "OpenAI, Anthropic, xAI key": [
        ("OpenAI(api_key='sk-" + "proj-" + "Ab3dEf6hIj9kLm2nOp5q')", "Ab3dEf6hIj9kLm2nOp5q"),
        ("Anthropic('sk-" + "ant-api03-" + "Zx81mQ" * 5 + "')", "Zx81mQ" * 5),
        ("key: xai-" + "Qw3rTy" * 5, "Qw3rTy" * 5),
    ],
    "Google API key, OAuth client secret or access token": [
        (
            "maps(key='AIza" + "SyA1234567890abcdefghijklmnopqrstuv')",
            "SyA1234567890abcdefghijklmnopqrstuv",
        ),
        ("client_secret: GOCSPX-" + "a1" * 14, "a1" * 14),
        ("Bearer ya29." + "b2" * 15, "b2" * 15),
    ],
    "npm token": [("//registry.npmjs.org/:_authToken=npm_" + "c3" * 18, "c3" * 18)],
    "PyPI token": [("password = pypi-AgE" + "Ij" * 30, "Ij" * 30)],
    "Hugging Face token": [("HF = 'hf_" + "d4" * 17 + "'", "d4" * 17)],
    "SendGrid key": [("SG." + "e5" * 11 + "." + "f6" * 22, "f6" * 22)],
    "JSON Web Token": [
        (
            "Authorization: Bearer eyJ"
            + "hbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP",
            "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP",
        )
    ],
    "password in a URL (any scheme)": [
        ('DATABASE_URL = "postgres://user:pass@db.example.com:5432/app"', ":pass@"),
        ("mongodb+srv://admin:S3cr3t!x@cluster0.example.net/test", "S3cr3t!x"),
        ("redis://:hunter2@localhost:6379/0", "hunter2"),
        ("amqp://guest:gu3st-pw@rabbit/", "gu3st-pw"),
        ("https://deploy:tok3n@git.example.com/repo.git", "tok3n"),
    ],
    "Authorization header (Bearer, Basic, token)": [
        ("curl -H 'Authorization: Basic dXNlcjpwYXNzd29yZA=='", "dXNlcjpwYXNzd29yZA=="),
        ('headers["Authorization"] = "token 0a1b2c3d4e5f6a7b8c9d"', "0a1b2c3d4e5f6a7b8c9d"),
    ],
    "npm (.npmrc) and Azure connection-string credentials": [
        ("//registry.example.com/:_authToken=0a1b2c3d-4e5f-6789", "0a1b2c3d-4e5f-6789"),
        (
            "DefaultEndpointsProtocol=https;AccountName=x;AccountKey=" + "Gh7" * 20 + "==;",
            "Gh7" * 20,
        ),
    ],
    "quoted value of a variable named like a secret": [
        ('DB_PASSWORD = "hunter2hunter2"', "hunter2hunter2"),
        ('{"api_key": "abcd1234efgh5678"}', "abcd1234efgh5678"),
    ],
    "quoted password of any length": [
        ('db_password = "hunter2"', '"hunter2"'),
        ("{'password': 'pw1'}", "'pw1'"),
        ('$DB_PASSWD => "s3cr"', '"s3cr"'),
    ],
    "value of a name holding a secret word, high entropy": [
        (f'TOKEN_HEX = "{HEX40}"', HEX40),
        (f"stripe_secret_v2: {HEX40}", HEX40),
        (f"API_KEY_PROD={HEX40[:24]}", HEX40[:24]),
    ],
    "unquoted value of a secret-named key (YAML, INI, properties, prose)": [
        ("      POSTGRES_PASSWORD: pg-S3cret-1", "pg-S3cret-1"),
        ("password: correct horse battery  # the old one", "correct horse battery"),
        ("  - api_key: yaml-Key-4", "yaml-Key-4"),
        ("token: tok3n", "tok3n"),
        ("spring.datasource.password=props-S3cret", "props-S3cret"),
        ("[db]\npassword = ini-S3cret", "ini-S3cret"),
        ("connect as admin with password: instr-S3cret", "instr-S3cret"),
    ],
    "Kubernetes env value of a secret-named variable": [
        ("- name: DB_PASSWORD\n  value: k8s-S3cret", "k8s-S3cret"),
        ('- name: "API_TOKEN"\n  value: "quoted k8s"', "quoted k8s"),
    ],
    "curl user and password (-u, --user)": [
        ("curl -u admin:curl-S3cret https://api.example.com/", "curl-S3cret"),
        ("curl -s \\\n  --user 'deploy:multi-line-pw' \\\n  https://x/", "multi-line-pw"),
        ('curl --user="ci:quoted-pw" https://x/', "quoted-pw"),
    ],
    ".netrc machine entry password": [
        ("machine api.example.com login deploy password netrc-S3cret", "netrc-S3cret"),
        ("machine git.example.com\n  login ci\n  password netrc-two", "netrc-two"),
    ],
    ".pgpass line (where the text names pgpass)": [
        ('echo "db.internal:5432:app:admin:pgpass-S3cret" > ~/.pgpass', "pgpass-S3cret"),
        ("# PGPASSFILE\n*:*:*:replicator:rep-pw-2", "rep-pw-2"),
    ],
    "Azure shared access signature (sig=)": [
        (f"SharedAccessSignature=sv=2022-11-02&ss=b&srt=co&sp=rwl&sig={SAS_SIG};", SAS_SIG),
        (f"https://acct.blob.core.windows.net/c/b?sv=2022-11-02&sr=b&sig={SAS_SIG}", SAS_SIG),
    ],
    "Twilio API key": [(f'TWILIO_SID = "{TWILIO}"', TWILIO[2:])],
    "Discord bot token": [(f'bot.run("{DISCORD}")', DISCORD)],
    "unquoted .env-style assignment (PASSWORD=, SECRET=, TOKEN=, API_KEY=, …)": [
        ("DB_PASSWORD=hunter2", "hunter2"),
        ("SECRET=s3cr3t-value", "s3cr3t-value"),
        ("export API_TOKEN=tok-123456", "tok-123456"),
        ("ENV AWS_SECRET_ACCESS_KEY=abc123xyz", "abc123xyz"),
        ("STRIPE_API_KEY=live-key-1", "live-key-1"),
        ("SMTP_PASS=mail-pass-9", "mail-pass-9"),
    ],
}


def test_every_shape_has_examples_and_a_row_in_the_reliability_table() -> None:
    assert set(EXAMPLES) == {shape.name for shape in SHAPES}
    table = (ROOT / "docs" / "reliability.md").read_text(encoding="utf-8")
    for shape in SHAPES:
        assert f"| {shape.name} |" in table, shape.name


@pytest.mark.parametrize(
    ("name", "text", "secret"),
    [(name, text, secret) for name, cases in EXAMPLES.items() for text, secret in cases],
)
def test_each_example_is_found_by_its_shape_and_redacted(name: str, text: str, secret: str) -> None:
    (shape,) = [s for s in SHAPES if s.name == name]
    assert shape.pattern.search(text), name
    source = f"before = 1\n{text}\nafter = 2\n"
    redacted, count = redact(source)
    assert count >= 1
    assert secret not in redacted and REDACTION in redacted
    assert redacted.split("\n")[0] == "before = 1" and redacted.split("\n")[-2] == "after = 2"
    assert len(redacted.split("\n")) == len(source.split("\n"))  # line numbers still match


ORDINARY = '''\
"""Ordinary code that mentions tokens, passwords, keys and URLs without holding any."""
import os
import re

MAX_TOKENS=1000000
TOKEN_RE = re.compile(r"[A-Za-z_]+")
PASSWORD_MIN_LENGTH=12
SECRET_KEY = os.environ["SECRET_KEY"]
API_TOKEN=os.environ.get("API_TOKEN")
DEBUG_TOKEN=None
USE_PASSWORD=true
TOKEN=${CI_JOB_TOKEN}
export XAI_API_KEY=...
url = f"postgres://{user}:{password}@{host}:{port}/{name}"
template = "mysql://USER:<password>@HOST/DB"
docs = "https://example.com/path:with-colon/file@2x.png"
ssh = "git@github.com:owner/repo.git"
ipv6 = "http://[::1]:8080/v1"
auth = self._build_auth(auth)
proxy_auth=self._proxy_auth,
sk_live_mode = True
key_id = "AKIA_PLACEHOLDER"
digest = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
header = {"Authorization": f"Bearer {token}"}
bearer = "Authorization: Bearer $TOKEN"
age = "AGE-SECRET-KEY-1 goes here"


def login(token: str, password: str) -> bool:
    """Check a password; see https://docs.example.com/auth#token for the token format."""
    return check(token=token, password=password)
'''


# Configuration and prose that mention secrets without holding any: references, placeholders,
# booleans, type names, paths, names of other things, a block scalar, curl's allowlist.
ORDINARY_CONFIG = """\
token: ${GITHUB_TOKEN}
password: ${{ secrets.DB_PASSWORD }}
api_key: <your key>
secret: true
token: null
token: string
password: |
  kept in the vault
access_key: 12345
credentials: settings.credentials
max_tokens: 4096
password_file: /run/secrets/db
secret_name: prod-db
token_url: https://auth.example.com/token
env:
  - name: DB_PASSWORD
    valueFrom:
      secretKeyRef: {name: db, key: password}
| token | string | The API token |
`password`: the user's password
login(token=token, password=password)
curl -u "$USER:$PASS" https://example.com/
curl -u admin:changeme http://localhost:8080/
curl --user "${CI_USER}:${CI_TOKEN}" https://example.com/
a state machine with a password reset step
url = "https://example.com/?sig=short"
"""


def test_ordinary_code_mentioning_secrets_is_left_alone() -> None:
    assert redact(ORDINARY, quotes_required=True) == (ORDINARY, 0)


def test_ordinary_configuration_and_prose_mentioning_secrets_is_left_alone() -> None:
    assert redact(ORDINARY_CONFIG) == (ORDINARY_CONFIG, 0)


def test_unquoted_values_count_in_configuration_and_prose_but_not_in_code() -> None:
    config = "password: hunter2\n"
    assert redact(config) == ("password: [REDACTED by blitzls]\n", 1)
    assert redact(config, quotes_required=True) == (config, 0)  # a type annotation in code
    assert quotes_required("python") and quotes_required("TypeScriptReact")
    assert not any(map(quotes_required, ["yaml", "ini", "properties", "plaintext", "dotenv"]))


def test_blitzls_own_sources_need_almost_no_redaction() -> None:
    """A check on real code: outside secrets.py (whose comments show examples) the only line
    touched is one known false positive, a constant whose name ends in KEY."""
    changed: list[str] = []
    for path in sorted((ROOT / "server" / "blitzls").rglob("*.py")):
        if path.name == "secrets.py":
            continue
        text = path.read_text(encoding="utf-8")
        redacted, _ = redact(text, quotes_required=True)
        changed += [
            f"{path.name}: {line.strip()}"
            for line, shown in zip(text.splitlines(), redacted.splitlines(), strict=True)
            if line != shown
        ]
    assert [line.split("  #")[0] for line in changed] == [
        'providers.py: LOCAL_API_KEY = "blitzls-local"'
    ]
