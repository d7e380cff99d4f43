"""Bad input from the person at the keyboard: arguments, credentials, addresses, keys and folders
given to ``cli.py`` wrongly, one each. Every one ends with its exit code and a message that
says what to do, printed without a traceback, a terminal control or a secret."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet

from sandbox.kashflow_server import LOCKED, PASSWORD_EXPIRED, SandboxUser
from tests.hostile.support import (
    API_KEY,
    AS_OF_ARG,
    MEMORABLE_WORD,
    PASSWORD,
    USER,
    USERNAME,
    check_ledger,
    cli_env,
    debitura_server,
    expected_cases,
    kashflow_server,
    other_host,
    run_cli,
    secrets_in,
    sendable,
    terminal_controls,
)

LOCKED_USER = SandboxUser("locked@harrowfinch.example", PASSWORD, MEMORABLE_WORD, state=LOCKED)
EXPIRED_USER = SandboxUser(
    "expired@harrowfinch.example", PASSWORD, MEMORABLE_WORD, state=PASSWORD_EXPIRED
)
USAGE, NOT_SENT, UNCONFIRMED = 2, 40, 41
# Once a wrong address is reported as one, any code of its service (or usage) will do.
ANY_KASHFLOW = (USAGE, *range(3, 16))
ANY_DEBITURA = (USAGE, *range(20, 34), NOT_SENT)


@dataclass
class Ctx:
    kashflow: Any
    debitura: Any
    web_page: str  # a host that answers every request with an HTML page
    numbers: list[str]
    data_dir: Path = Path()


Value = str | Callable[[Ctx], str]


@dataclass
class Input:
    args: tuple[Value, ...]
    code: int | tuple[int, ...]
    says: str  # what the message (stderr, or the invoice's line) must contain
    env: dict[str, Value | None] = field(default_factory=dict)  # None: unset
    action: bool = True  # refused: the message must name what to do
    debitura: bool = False
    setup: Callable[[Ctx], None] | None = None
    line_of: Value | None = None  # judge this invoice's submit line instead of stderr


def first(ctx: Ctx) -> str:
    return ctx.numbers[0]


def save_with_another_key(ctx: Ctx) -> None:
    env = cli_env(ctx.kashflow, None, ctx.data_dir, APP_SECRET_KEY=Fernet.generate_key().decode())
    assert run_cli("connect", "--save", env=env).code == 0


def key_file(content: bytes) -> Callable[[Ctx], None]:
    def write(ctx: Ctx) -> None:
        ctx.data_dir.mkdir(mode=0o700, parents=True)
        (ctx.data_dir / "secret.key").write_bytes(content)

    return write


def data_dir_is_a_file(ctx: Ctx) -> None:
    ctx.data_dir.parent.mkdir(parents=True, exist_ok=True)
    ctx.data_dir.write_text("I am a file, not a folder\n")


SUBMIT = ("submit", *AS_OF_ARG)
INPUTS: dict[str, Input | Any] = {
    # how the command is called
    "no-command": Input((), USAGE, "usage:"),
    "unknown-command": Input(("frobnicate",), USAGE, "invalid choice: 'frobnicate'"),
    "submit-without-a-selection": Input(("submit",), USAGE, "--invoice"),
    "both-selections": Input(("submit", "--all-eligible", "--invoice", "1"), USAGE, "not allowed"),
    "as-of-month-13": Input(("invoices", "--as-of", "2026-13-01"), USAGE, "--as-of"),
    "as-of-in-words": Input(("invoices", "--as-of", "yesterday"), USAGE, "--as-of"),
    "as-of-empty": Input(("invoices", "--as-of", ""), USAGE, "--as-of"),
    "format-xml": Input(("invoices", "--format", "xml"), USAGE, "invalid choice: 'xml'"),
    "sandbox-invoices-not-a-number": Input(("sandbox", "--invoices", "abc"), USAGE, "--invoices"),
    "no-credentials": Input(
        ("connect",),
        USAGE,
        "Set KASHFLOW_USERNAME",
        env={"KASHFLOW_USERNAME": None, "KASHFLOW_PASSWORD": None},
    ),
    "only-a-username": Input(
        ("invoices",),
        USAGE,
        "KASHFLOW_MEMORABLE_WORD",
        env={"KASHFLOW_PASSWORD": None, "KASHFLOW_MEMORABLE_WORD": None},
    ),
    "unknown-saved-connection": Input(
        ("connect", "--connection", "Nobody Ltd"), USAGE, "No saved connection named 'Nobody Ltd'"
    ),
    "prefix-without-save": Input(
        ("connect", "--reference-prefix", "HF-"), USAGE, "Save the connection first"
    ),
    "prefix-too-long": Input(
        ("connect", "--save", "--reference-prefix", "X" * 100), USAGE, "at most 20 characters"
    ),
    "prefix-with-terminal-escape": Input(
        ("connect", "--save", "--reference-prefix", "\x1b[31mHF"), USAGE, "letters, digits"
    ),
    "prefix-of-spaces": Input(
        ("connect", "--save", "--reference-prefix", "   "),
        0,
        "Harrow & Finch Joinery Ltd",
        action=False,
    ),
    "prefix-with-a-slash": Input(
        ("connect", "--save", "--reference-prefix", "a/b"), 0, "a/b<invoice number>", action=False
    ),
    # logging in
    "wrong-password": Input(
        ("connect",), 3, "did not accept this login", env={"KASHFLOW_PASSWORD": "wrong"}
    ),
    "password-with-outer-spaces": Input(
        ("connect",),
        3,
        "starts or ends with a space",
        env={"KASHFLOW_PASSWORD": f" {PASSWORD} "},
    ),
    "non-latin-password": Input(
        ("connect",), 3, "did not accept this login", env={"KASHFLOW_PASSWORD": "pässwörd€😀"}
    ),
    "wrong-memorable-word": Input(
        ("connect",), 4, "memorable word", env={"KASHFLOW_MEMORABLE_WORD": "Zzzzzzzz"}
    ),
    "memorable-word-too-short": Input(
        ("connect",),
        4,
        "Enter the whole memorable word",
        env={"KASHFLOW_MEMORABLE_WORD": MEMORABLE_WORD[:2]},
    ),
    "username-with-terminal-escapes": Input(
        ("connect",),
        3,
        "did not accept this login",
        env={"KASHFLOW_USERNAME": "\x1b]0;pwned\x07\x1b[2J" + USERNAME},
    ),
    "locked-account": Input(
        ("connect",), 5, "locked", env={"KASHFLOW_USERNAME": LOCKED_USER.username}
    ),
    "expired-password": Input(
        ("connect",), 6, "expired", env={"KASHFLOW_USERNAME": EXPIRED_USER.username}
    ),
    # where KashFlow is
    "kashflow-address-unreachable": Input(
        ("connect",),
        11,
        "could not be reached",
        env={"KASHFLOW_BASE_URL": "http://127.0.0.1:9/v2"},
    ),
    "kashflow-address-is-a-web-page": Input(
        ("connect",), 13, "not valid data", env={"KASHFLOW_BASE_URL": lambda c: c.web_page}
    ),
    "kashflow-address-not-a-url": pytest.param(
        Input(
            ("connect",), ANY_KASHFLOW, "KASHFLOW_BASE_URL", env={"KASHFLOW_BASE_URL": "not a url"}
        ),
    ),
    "kashflow-address-ftp": pytest.param(
        Input(
            ("connect",),
            ANY_KASHFLOW,
            "KASHFLOW_BASE_URL",
            env={"KASHFLOW_BASE_URL": "ftp://127.0.0.1/v2"},
        ),
    ),
    "kashflow-address-port-out-of-range": pytest.param(
        Input(
            ("connect",),
            ANY_KASHFLOW,
            "KASHFLOW_BASE_URL",
            env={"KASHFLOW_BASE_URL": "http://127.0.0.1:99999/v2"},
        ),
    ),
    "kashflow-address-is-debitura": pytest.param(
        Input(
            ("connect",),
            ANY_KASHFLOW,
            "KASHFLOW_BASE_URL",
            env={"KASHFLOW_BASE_URL": lambda c: c.debitura.url},
        ),
    ),
    "kashflow-address-with-user-and-password": pytest.param(
        Input(
            ("connect",),
            ANY_KASHFLOW,
            "KASHFLOW_BASE_URL",
            env={"KASHFLOW_BASE_URL": lambda c: c.kashflow.url.replace("//", "//u:p@")},
        ),
    ),
    # where Debitura is, and its key
    "debitura-address-unreachable": Input(
        (*SUBMIT, "--invoice", first),
        UNCONFIRMED,
        "could not be reached",
        env={"DEBITURA_BASE_URL": "http://127.0.0.1:9"},
        debitura=True,
        line_of=first,
    ),
    "debitura-address-not-a-url": Input(
        (*SUBMIT, "--invoice", first),
        USAGE,  # refused before anything is sent: no invoice line
        "DEBITURA_BASE_URL",
        env={"DEBITURA_BASE_URL": "not a url"},
        debitura=True,
    ),
    "debitura-address-is-kashflow": pytest.param(
        Input(
            (*SUBMIT, "--invoice", first),
            ANY_DEBITURA,
            "DEBITURA_BASE_URL",
            env={"DEBITURA_BASE_URL": lambda c: c.kashflow.url},
            debitura=True,
            line_of=first,
        ),
    ),
    "debitura-wrong-api-key": Input(
        (*SUBMIT, "--invoice", first),
        NOT_SENT,
        "Check DEBITURA_API_KEY",
        env={"DEBITURA_API_KEY": "not-the-key"},
        debitura=True,
        line_of=first,
    ),
    "debitura-api-key-non-ascii": Input(
        (*SUBMIT, "--invoice", first),
        USAGE,  # refused before anything is sent: no invoice line
        "DEBITURA_API_KEY",
        env={"DEBITURA_API_KEY": "kéy-ünicode"},
        debitura=True,
    ),
    "debitura-api-key-with-a-line-break": Input(
        (*SUBMIT, "--invoice", first),
        USAGE,
        "DEBITURA_API_KEY",
        env={"DEBITURA_API_KEY": f"{API_KEY}\nX-Evil: 1"},
        debitura=True,
    ),
    "debitura-test-mode-gibberish": Input(
        (*SUBMIT, "--invoice", first),
        0,
        "created",
        env={"DEBITURA_TEST_MODE": "maybe?"},
        action=False,
        debitura=True,
        line_of=first,
    ),
    # the data folder and its key
    "data-folder-is-a-file": Input(
        ("connect",), 55, "could not read or write its data file", setup=data_dir_is_a_file
    ),
    "secret-key-not-a-fernet-key": Input(
        ("connect", "--save"),
        USAGE,
        "Generate one with",
        env={"APP_SECRET_KEY": "garbage"},
    ),
    "secret-key-changed-since-saving": Input(
        ("connect", "--connection", "Harrow & Finch Joinery Ltd"),
        USAGE,
        "cannot be decrypted",
        env={"APP_SECRET_KEY": Fernet.generate_key().decode()},
        setup=save_with_another_key,
    ),
    "secret-key-file-damaged": Input(
        ("invoices", *AS_OF_ARG), (2, 51, 55), "secret.key", setup=key_file(b"garbage\n")
    ),
    "secret-key-file-empty": Input(
        ("connect", "--save"), (2, 51, 55), "secret.key", setup=key_file(b"\n")
    ),
    # which invoices
    "invoice-empty": Input(
        (*SUBMIT, "--invoice", ""), USAGE, "--invoice needs", action=False, debitura=True
    ),
    "invoice-blank": Input(
        (*SUBMIT, "--invoice", "   "), USAGE, "--invoice needs", action=False, debitura=True
    ),
    "invoice-not-open": Input(
        (*SUBMIT, "--invoice", "99999"),
        NOT_SENT,
        "Not an open invoice in KashFlow",
        action=False,
        debitura=True,
        line_of="99999",
    ),
    "invoice-path-traversal": Input(
        (*SUBMIT, "--invoice", "../customers/HOST01"),
        NOT_SENT,
        "Not an open invoice in KashFlow",
        action=False,
        debitura=True,
        line_of="../customers/HOST01",
    ),
    "invoice-percent-encoded-dots": Input(
        (*SUBMIT, "--invoice", "%2e%2e"),
        NOT_SENT,
        "Not an open invoice in KashFlow",
        action=False,
        debitura=True,
        line_of="%2e%2e",
    ),
    "invoice-with-terminal-escapes": Input(
        (*SUBMIT, "--invoice", lambda c: "\x1b[2J\x1b]0;pwned\x07" + first(c)),
        NOT_SENT,
        "Not an open invoice in KashFlow",
        action=False,
        debitura=True,
        line_of=lambda c: "[2J]0;pwned" + first(c),
    ),
    "invoice-10000-digits": Input(
        (*SUBMIT, "--invoice", "9" * 10_000),
        NOT_SENT,
        "Not an open invoice in KashFlow",
        action=False,
        debitura=True,
        line_of="9" * 10_000,
    ),
    "invoice-named-three-times": Input(
        (*SUBMIT, "--invoice", first, first, lambda c: f" {first(c)} "),
        0,
        "created",
        action=False,
        debitura=True,
        line_of=first,
    ),
    "as-of-far-future-dry-run": Input(
        ("submit", "--as-of", "9999-12-31", "--all-eligible", "--dry-run"),
        0,
        "nothing was sent",
        action=False,
        debitura=True,
    ),
    "as-of-year-one": Input(
        ("submit", "--as-of", "0001-01-01", "--all-eligible"),
        0,
        "nothing to send",
        action=False,
        debitura=True,
    ),
}


def params():
    for name, entry in INPUTS.items():
        if isinstance(entry, Input):
            yield pytest.param(entry, id=name)
        else:
            yield pytest.param(*entry.values, id=name, marks=entry.marks)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    kashflow = kashflow_server(
        invoices=24, customers=6, users=(USER, LOCKED_USER, EXPIRED_USER), max_failed_logins=10**6
    ).start()
    debitura = debitura_server().start()
    with other_host() as web_page:
        env = cli_env(kashflow, None, tmp_path_factory.mktemp("baseline"))
        rows = run_cli("invoices", *AS_OF_ARG, env=env).rows()
        yield Ctx(kashflow, debitura, web_page.url, sendable(rows)), rows
    kashflow.stop()
    debitura.stop()


def value(item: Value, ctx: Ctx) -> str:
    return item(ctx) if callable(item) else item


@pytest.mark.parametrize("given", params())
def test_a_bad_input_ends_with_its_code_and_a_message_saying_what_to_do(
    world, given: Input, tally, tmp_path
):
    base, rows = world
    ctx = Ctx(base.kashflow, base.debitura, base.web_page, base.numbers, tmp_path / "data")
    ctx.debitura.reset()
    if given.setup is not None:
        given.setup(ctx)
    env = cli_env(ctx.kashflow, ctx.debitura if given.debitura else None, ctx.data_dir)
    for name, setting in given.env.items():
        if setting is None:
            env.pop(name, None)
        else:
            env[name] = value(setting, ctx)
    run = run_cli(*(value(arg, ctx) for arg in given.args), env=env)
    if given.line_of is not None:
        status, detail = run.lines().get(value(given.line_of, ctx), ("", ""))
        message = f"{status}  {detail}"
    else:
        message = run.output if run.code == 0 else run.stderr
    secrets = [PASSWORD, MEMORABLE_WORD, API_KEY, *ctx.kashflow.issued_tokens]
    consistency = (
        check_ledger(ctx.data_dir, ctx.debitura, expected_cases(rows))
        if (given.debitura and ctx.data_dir.is_dir())
        else None
    )
    tally.traceback = run.traceback
    tally.secrets_printed = len(secrets_in(run.output, secrets))
    tally.misrecorded = len(consistency.misrecorded) if consistency else 0
    tally.duplicated = len(consistency.duplicated) if consistency else 0
    tally.judge(message, action=given.action)
    assert not run.traceback, run.stderr
    expected = given.code if isinstance(given.code, tuple) else (given.code,)
    assert run.code in expected, (run.code, run.stderr, run.stdout[-500:])
    assert given.says in message, message
    assert tally.message_problems == [], (tally.message_problems, message)
    assert terminal_controls(run.output) == []
    assert tally.secrets_printed == 0
    assert not consistency, consistency
