"""Headless face of the app: the same workflow the pages use.

    python cli.py connect [--connection NAME] [--save]
    python cli.py invoices [--connection NAME] [--as-of YYYY-MM-DD] [--format json|csv|table]
    python cli.py sandbox [--port N] [--invoices N] [--customers N] [--latency-ms N]

Exit codes: 0 success, 2 usage or configuration problem, and one code per KashFlow failure kind
(see ``kashflow/errors.py``: 3 wrong password, 4 wrong memorable word, 5 locked, 6 password
expired, 7 login timed out, 8 session rejected, 11-13 unavailable, 14 not found, 15 rejected).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from datetime import date

from kashflow import KashFlowError
from mapping import Policy, london_today
from store import SecretKeyError, StoredCredentialsUnreadable
from workflow.connect import ActiveConnection, connect, reconnect
from workflow.export import rows_csv, rows_json, rows_table
from workflow.importing import import_open_invoices, import_summary
from workflow.settings import Settings
from workflow.workspace import Workspace

EXIT_USAGE = 2


class UsageError(Exception):
    """A problem with how the command was called or configured; exits with 2."""


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return args.command(args)
    except BrokenPipeError:
        # Output piped into `head` and the like: stop quietly, as Unix tools do.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - replaces the closed pipe for exit
        return 0
    except KashFlowError as error:
        print(str(error), file=sys.stderr)
        return error.exit_code
    except (UsageError, SecretKeyError, StoredCredentialsUnreadable) as error:
        print(str(error), file=sys.stderr)
        return EXIT_USAGE


def command_connect(args: argparse.Namespace) -> int:
    connection = open_connection(args, save=args.save)
    print(connection.display_name)
    connection.client.logout()
    return 0


def command_invoices(args: argparse.Namespace) -> int:
    connection = open_connection(args)
    policy = Policy(
        as_of=args.as_of or london_today(),
        home_currency=connection.company.home_currency or "GBP",
    )
    progress = ProgressLine(sys.stderr)
    result = import_open_invoices(
        connection.client, policy=policy, on_progress=lambda p: progress.show(p.describe())
    )
    progress.done()
    connection.client.logout()
    render = {"json": rows_json, "csv": rows_csv, "table": rows_table}[args.format]
    sys.stdout.write(render(result.rows))
    for line in import_summary(result):
        print(line, file=sys.stderr)
    return 0


def command_sandbox(args: argparse.Namespace) -> int:
    from sandbox.kashflow_server import (
        DEMO_MEMORABLE_WORD,
        DEMO_PASSWORD,
        DEMO_USERNAME,
        KashFlowFaults,
        KashFlowSandboxConfig,
        serve,
    )

    config = KashFlowSandboxConfig(
        host="127.0.0.1",
        port=args.port,
        invoices=args.invoices,
        customers=args.customers,
        seed=args.seed,
    )
    server = serve(config, KashFlowFaults(latency_ms=args.latency_ms))
    print(f"KashFlow sandbox:  {server.url}", flush=True)
    print(f"  fault knobs:     {server.root_url}/_sandbox/faults")
    print(f"  login email:     {DEMO_USERNAME}")
    print(f"  password:        {DEMO_PASSWORD}")
    print(f"  memorable word:  {DEMO_MEMORABLE_WORD}")
    print(
        f"Try: KASHFLOW_BASE_URL={server.url} KASHFLOW_USERNAME={DEMO_USERNAME} "
        f"KASHFLOW_PASSWORD={DEMO_PASSWORD} KASHFLOW_MEMORABLE_WORD={DEMO_MEMORABLE_WORD} "
        "python cli.py connect",
        flush=True,
    )
    try:
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


def open_connection(args: argparse.Namespace, *, save: bool = False) -> ActiveConnection:
    """Log in with a saved connection (--connection) or the KASHFLOW_* variables."""
    settings = Settings.load()
    workspace = Workspace.open(settings)
    if args.connection:
        saved = workspace.connections.find_by_name(args.connection)
        if saved is None:
            names = ", ".join(c.name for c in workspace.connections.list()) or "none saved yet"
            raise UsageError(f"No saved connection named '{args.connection}' (saved: {names}).")
        demo_url = None
        if saved.is_demo:
            from sandbox.demo import demo_servers

            demo_url = demo_servers().kashflow_url
        return reconnect(saved.id, workspace=workspace, demo_base_url=demo_url)
    credentials = settings.kashflow_credentials()
    if credentials is None:
        raise UsageError(
            "Set KASHFLOW_USERNAME, KASHFLOW_PASSWORD and KASHFLOW_MEMORABLE_WORD, or pass "
            "--connection NAME for a connection saved in the app."
        )
    return connect(credentials, base_url=settings.kashflow_base_url, workspace=workspace, save=save)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cli.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    connect_parser = commands.add_parser("connect", help="log in and print the company name")
    connect_parser.add_argument("--connection", metavar="NAME", help="a saved connection's name")
    connect_parser.add_argument(
        "--save", action="store_true", help="remember the KASHFLOW_* login (encrypted)"
    )
    connect_parser.set_defaults(command=command_connect)

    invoices_parser = commands.add_parser(
        "invoices", help="import the open invoices and print them as review rows"
    )
    invoices_parser.add_argument("--connection", metavar="NAME", help="a saved connection's name")
    invoices_parser.add_argument(
        "--as-of",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="judge due dates against this day (default: today in London)",
    )
    invoices_parser.add_argument("--format", choices=("json", "csv", "table"), default="json")
    invoices_parser.set_defaults(command=command_invoices)

    sandbox_parser = commands.add_parser("sandbox", help="run the sandbox servers on 127.0.0.1")
    sandbox_parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    sandbox_parser.add_argument("--invoices", type=int, default=300)
    sandbox_parser.add_argument("--customers", type=int, default=80)
    sandbox_parser.add_argument("--seed", type=int, default=20261121)
    sandbox_parser.add_argument("--latency-ms", type=int, default=0)
    sandbox_parser.set_defaults(command=command_sandbox)
    return parser


class ProgressLine:
    """One progress line on a terminal, rewritten in place; silent when not a terminal."""

    def __init__(self, stream) -> None:
        self._stream = stream
        self._live = stream.isatty()

    def show(self, text: str) -> None:
        if self._live:
            self._stream.write("\r" + text.ljust(70))
            self._stream.flush()

    def done(self) -> None:
        if self._live:
            self._stream.write("\n")


if __name__ == "__main__":
    sys.exit(main())
