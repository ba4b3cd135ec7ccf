"""Redaction of secrets and excluded files (blitzls.secrets), and their settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from blitzls.config import Settings, from_environment, merge
from blitzls.policy import git_ignored, shown_lines
from blitzls.secrets import DEFAULT_EXCLUDES, REDACTION, excluded, redact, redact_quoted_lines
from blitzls.text.lines import split_lines

# Fake secrets, assembled so that the source file itself holds no token-shaped strings.
RSA_BODY = ["MIIEowIBAAKCAQEAx" + "Q" * 47, "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9u", "ZQ=="]
AWS_ID = "AKIA" + "IOSFODNN7EXAMPLE"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY"
GITHUB = "ghp_" + "a1B2c3D4e5" * 4
GITHUB_PAT = "github_pat_" + "11ABCDEFG0" + "_abcdefghij1234567890"
SLACK = "xoxb-" + "1234567890-abcdefghijKLMN"
OPENAI = "sk-" + "proj-" + "Ab3dEf6hIj9kLm2nOp5q"
OPENAI_PLAIN = "sk-" + "Zx81mQ" * 6
XAI = "xai-" + "Qw3rTy" * 5
GOOGLE = "AIza" + "SyA1234567890abcdefghijklmnopqrstuv"
JWT = (
    "eyJ"
    + "hbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
    + "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP"
)


def pem(kind: str, indent: str = "", eol: str = "\n") -> str:
    header = f"-----BEGIN {kind}PRIVATE KEY-----"
    footer = f"-----END {kind}PRIVATE KEY-----"
    return eol.join(indent + line for line in [header, *RSA_BODY, footer])


@pytest.mark.parametrize("kind", ["", "RSA ", "EC ", "OPENSSH ", "ENCRYPTED ", "DSA "])
@pytest.mark.parametrize("eol", ["\n", "\r\n", "\r"])
def test_a_private_key_block_becomes_one_marker_per_line(kind: str, eol: str) -> None:
    block = pem(kind, eol=eol)
    text = f"x = 1{eol}KEY = '''{block}'''{eol}y = 2{eol}"
    redacted, count = redact(text)
    assert count == 1
    assert split_lines(redacted) == [
        f"x = 1{eol}",
        f"KEY = '''{REDACTION}{eol}",
        *[f"{REDACTION}{eol}"] * len(RSA_BODY),
        f"{REDACTION}'''{eol}",
        f"y = 2{eol}",
        "",
    ]
    assert all(secret not in redacted for secret in RSA_BODY)


def test_a_key_block_without_its_end_marker_is_still_redacted() -> None:
    text = "-----BEGIN PRIVATE KEY-----\n" + "\n".join(RSA_BODY[:2]) + "\n\ndef f():\n    pass\n"
    redacted, count = redact(text)
    assert count == 1
    assert redacted == f"{REDACTION}\n{REDACTION}\n{REDACTION}\n\ndef f():\n    pass\n"


@pytest.mark.parametrize(
    ("line", "secret"),
    [
        (f'aws_access_key_id = "{AWS_ID}"', AWS_ID),
        ('key = "ASIA' + 'ABCDEFGHIJKLMNOP"', "ASIA" + "ABCDEFGHIJKLMNOP"),
        (f"aws_secret_access_key = {AWS_SECRET}", AWS_SECRET),
        (f'"AWS_SECRET_ACCESS_KEY": "{AWS_SECRET}",', AWS_SECRET),
        (f"GITHUB = '{GITHUB}'", GITHUB),
        (f"GITHUB = '{'gho_' + GITHUB[4:]}'", "gho_" + GITHUB[4:]),
        (f"pat: {GITHUB_PAT}", GITHUB_PAT),
        (f"webhook({SLACK!r})", SLACK),
        (f"client = OpenAI(key='{OPENAI}')", OPENAI),
        (f"export KEY={OPENAI_PLAIN}", OPENAI_PLAIN),
        (f"headers = {{'Authorization': 'Bearer {XAI}'}}", XAI),
        (f"maps(key={GOOGLE!r})", GOOGLE),
        (f"Authorization: Bearer {JWT}", JWT),
        ('DB_PASSWORD = "hunter2hunter2"', "hunter2hunter2"),
        ("password: 'correct-horse'", "correct-horse"),
        ('{"api_key": "abcd1234efgh5678"}', "abcd1234efgh5678"),
        ('const apiKey = "abcd1234efgh5678";', "abcd1234efgh5678"),
        ('SECRET_KEY = "django-insecure-0123"', "django-insecure-0123"),
        ('auth_token: str = "tok_abcdefgh1234"', "tok_abcdefgh1234"),
        ('private_key := "0123456789abcdef"', "0123456789abcdef"),
        ("client_secret='0123456789abcdef'", "0123456789abcdef"),
    ],
)
def test_each_kind_of_secret_is_redacted(line: str, secret: str) -> None:
    redacted, count = redact(f"before\n{line}\nafter\n")
    assert count == 1
    assert secret not in redacted
    assert REDACTION in redacted
    lines = redacted.split("\n")
    assert (lines[0], lines[2], len(lines)) == ("before", "after", 4)


def test_only_the_value_of_an_assignment_is_replaced() -> None:
    assert redact('DB_PASSWORD = "hunter2hunter2"  # prod\n') == (
        f'DB_PASSWORD = "{REDACTION}"  # prod\n',
        1,
    )
    assert redact(f"aws_secret_access_key={AWS_SECRET}") == (
        f"aws_secret_access_key={REDACTION}",
        1,
    )


def test_several_secrets_are_counted_separately() -> None:
    text = f"a = '{AWS_ID}'\nb = '{GITHUB}'\n{pem('RSA ')}\n"
    redacted, count = redact(text)
    assert count == 3
    assert len(split_lines(redacted)) == len(split_lines(text))


ORDINARY_CODE = '''\
"""Token handling — naïve tokenizer, 東京 😀."""
import getpass
import os

from sklearn.linear_model import LogisticRegression  # sk-learn style estimators-for-everyone

MAX_TOKENS = 4096
tokenizer = "bert-base-uncased"
password_prompt = "Enter your password: "
token_type = "Bearer"


def login(tokens: list[str]) -> str:
    token = tokens[0]
    password = getpass.getpass()
    secret = os.environ["APP_SECRET"]
    api_key = os.environ.get("API_KEY", "")
    access_key = settings.access_key
    if password == "":
        raise ValueError("empty password")
    print(f"token={token!r} secret={secret}")
    return hashlib.sha256(password.encode()).hexdigest()  # see task-scheduler-and-risk-model


class Secrets:
    private_key_path: str = os.path.join(HOME, ".ssh")
    url = "https://example.com/oauth/token?grant_type=refresh"
    uuid = "123e4567-e89b-12d3-a456-426614174000"
    digest = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
'''


def test_ordinary_code_is_left_alone() -> None:
    assert redact(ORDINARY_CODE) == (ORDINARY_CODE, 0)


def test_redacted_lines_keep_the_line_count_and_every_clean_line() -> None:
    text = ORDINARY_CODE.replace("\n", "\r\n") + f"KEY = '''{pem('EC ', eol=chr(13) + chr(10))}'''"
    lines = split_lines(text)
    shown = shown_lines(Settings(), lines, [(0, len(lines))])
    assert len(shown) == len(lines)
    changed = [i for i, (a, b) in enumerate(zip(lines, shown, strict=True)) if a != b]
    assert changed == list(range(len(lines) - len(RSA_BODY) - 2, len(lines)))
    assert all(line.endswith("\r\n") for line in shown[:-1])


def test_redact_quoted_lines_hides_quoted_file_lines_that_were_redacted() -> None:
    real = split_lines(f"KEY = '''{pem('')}'''\nx = 1\n")
    shown = shown_lines(Settings(), real, [(0, len(real))])
    message = f"Did you mean lines 2-3?\n```\n{RSA_BODY[0]}\n{RSA_BODY[1]}\n```\nx = 1"
    cleaned = redact_quoted_lines(message, real, shown)
    assert RSA_BODY[0] not in cleaned and RSA_BODY[1] not in cleaned
    assert cleaned == f"Did you mean lines 2-3?\n```\n{REDACTION}\n{REDACTION}\n```\nx = 1"


@pytest.mark.parametrize(
    ("path", "pattern"),
    [
        (".env", ".env"),
        ("/home/me/project/.env", ".env"),
        ("config/.env.production", ".env.*"),
        ("server.pem", "*.pem"),
        ("C:\\Users\\me\\certs\\SERVER.PEM", "*.pem"),
        ("tls/private.key", "*.key"),
        ("/home/me/.ssh/id_rsa", "id_rsa*"),
        ("id_rsa.pub", "id_rsa*"),
        ("id_ed25519", "id_ed25519*"),
        ("deploy/secrets.yaml", "secrets.*"),
        ("store.p12", "*.p12"),
        ("cert.pfx", "*.pfx"),
    ],
)
def test_default_excludes(path: str, pattern: str) -> None:
    assert excluded(path, DEFAULT_EXCLUDES) == pattern


@pytest.mark.parametrize(
    "path", ["src/app.py", "environment.py", "keys.py", "docs/env.md", "pem.py", "my.envrc"]
)
def test_ordinary_files_are_not_excluded(path: str) -> None:
    assert excluded(path, DEFAULT_EXCLUDES) is None


@pytest.mark.parametrize(
    ("path", "patterns", "expected"),
    [
        ("/work/app/secrets/db.py", ["secrets/**"], "secrets/**"),
        ("secrets/db.py", ["secrets/"], "secrets/"),
        ("app/secrets.py", ["secrets/**"], None),  # a file, not a directory
        ("/w/config/prod/x.yaml", ["config/prod/**"], "config/prod/**"),
        ("/w/myconfig/prod/x.yaml", ["config/prod/**"], None),
        ("/w/src/keys/signing.py", ["src/keys/*.py"], "src/keys/*.py"),
        ("/w/src/credentials.json", ["*.py", "credentials.json"], "credentials.json"),
        ("/w/src/app.py", ["", "  ", "*.txt"], None),
        ("", ["*"], None),
    ],
)
def test_user_patterns(path: str, patterns: list[str], expected: str | None) -> None:
    assert excluded(path, patterns) == expected


@pytest.mark.needs("git")
def test_git_ignored_asks_git_and_treats_problems_as_not_ignored(tmp_path: Path) -> None:
    import shutil
    import subprocess

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("local_*.py\n")
    (tmp_path / "local_settings.py").write_text("x = 1\n")
    (tmp_path / "app.py").write_text("x = 1\n")
    assert git_ignored(str(tmp_path / "local_settings.py")) is True
    assert git_ignored(str(tmp_path / "app.py")) is False
    assert git_ignored("relative/local_settings.py") is False
    assert git_ignored(str(tmp_path / "missing" / "local_x.py")) is False  # no such directory


def test_settings_defaults_environment_and_editor_spellings() -> None:
    defaults = Settings()
    assert (defaults.exclude, defaults.redact, defaults.respect_gitignore) == ((), True, False)
    settings, problems = from_environment(
        {
            "BLITZLS_EXCLUDE": " *.secret.py, private/** ,,",
            "BLITZLS_REDACT": "off",
            "BLITZLS_RESPECT_GITIGNORE": "yes",
        }
    )
    assert problems == []
    assert settings.exclude == ("*.secret.py", "private/**")
    assert (settings.redact, settings.respect_gitignore) == (False, True)
    settings, problems = merge(
        Settings(), {"exclude": ["a/**", "*.tok"], "respectGitignore": True, "redact": False}
    )
    assert problems == []
    assert settings.exclude == ("a/**", "*.tok")
    assert (settings.redact, settings.respect_gitignore) == (False, True)


def test_bad_exclude_values_are_reported() -> None:
    settings, problems = merge(Settings(), {"exclude": 3, "redact": "maybe"})
    assert settings == Settings()
    assert any("'exclude'" in p for p in problems) and any("'redact'" in p for p in problems)
    _, problems = merge(Settings(), {"exclude": ["ok", 1]})
    assert problems and "'exclude'" in problems[0]


def test_only_the_regions_a_prompt_shows_are_scanned_and_the_rest_is_never_shown() -> None:
    key = f"KEY = '''{pem('')}'''\n"
    lines = split_lines("x = 1\n" * 500 + key + "y = 2\n" * 1000)
    at = 500  # the key's first line
    shown = shown_lines(Settings(), lines, [(at + 3, at + 10)])  # starts inside the key
    assert not any(body in "".join(shown) for body in RSA_BODY)  # seen whole, redacted
    assert shown[at + 3 : at + 10] != tuple(lines[at + 3 : at + 10])
    assert shown[at + 8 : at + 10] == tuple(lines[at + 8 : at + 10])  # clean lines kept
    assert shown[0] == "" and shown[-1] == ""  # far outside: empty, never sent
    assert len(shown) == len(lines)
