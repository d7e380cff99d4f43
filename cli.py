"""Headless face of the app: the same workflow the pages use.

    python cli.py connect [--connection NAME] [--save] [--reference-prefix TEXT]
    python cli.py invoices [--connection NAME] [--as-of YYYY-MM-DD] [--format json|csv|table]
    python cli.py submit (--invoice N [N ...] | --all-eligible) [--dry-run] [--retry-failed]
                         [--allow-pending-contracts] [--as-of YYYY-MM-DD] [--connection NAME]
    python cli.py cases [--connection NAME | --all-connections] [--format json|csv|table]
    python cli.py sandbox [--kashflow-port N] [--debitura-port N] [--invoices N]
                          [--customers N] [--latency-ms N]

Exit codes: 0 success, 2 usage or configuration problem, and one code per KashFlow failure kind
(3 wrong password, 4 wrong memorable word, 5 locked, 6 password expired, 7 login timed out,
8 session rejected, 10 any other KashFlow error, 11 unavailable, 12 rate limited, 13 not valid
data, 14 not found, 15 rejected) and per Debitura failure kind outside a single case (20 any
other Debitura error, 21 API key refused, 22 not found, 23 rejected, 24 invalid case details,
25 business rule, 26 no partner or unsupported country or currency, 27 duplicate reference,
28 idempotency conflict, 29 creditor blocked, 30 unavailable, 31 rate limited, 32 not valid
data, 33 a signature or verification needed: also ``submit`` refusing to send while the
collection agreement is unsigned, unless ``--allow-pending-contracts``); ``EXIT_CODES`` in
``cli_commands.py`` is the table. ``submit`` exits 40 when some selected invoice is not a case
at Debitura afterwards (blocked, refused, not an open invoice, or not attempted), and 41 when
Debitura did not confirm some case: run it again, nothing is sent twice. ``submit --dry-run``
sends nothing and exits 0. ``cases`` exits 42 when Debitura's case list cannot be read (the
ledger's rows are printed alone). The app's data
folder (``APP_DATA_DIR``) has its own codes: 50 data folder not writable, 51 data file damaged,
52 data file locked by another program, 53 disk full, 54 another submit still running on the
same data folder after a wait, 55 any other storage failure. ``invoices`` only reads the data
folder, so it works on one it cannot write.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Callable
from datetime import date


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    # Only now, with a command to run: --help and usage errors import none of the app.
    return importlib.import_module("cli_commands").run(args)


def _command(name: str) -> Callable[[argparse.Namespace], int]:
    """``cli_commands.<name>``, imported when the command runs."""
    return lambda args: getattr(importlib.import_module("cli_commands"), name)(args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cli.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    connect_parser = commands.add_parser("connect", help="log in and print the company name")
    connect_parser.add_argument("--connection", metavar="NAME", help="a saved connection's name")
    connect_parser.add_argument(
        "--save", action="store_true", help="remember the KASHFLOW_* login (encrypted)"
    )
    connect_parser.add_argument(
        "--reference-prefix",
        metavar="TEXT",
        help="put TEXT before each invoice number in Debitura's creditor reference (e.g. HF-), "
        "so several KashFlow companies can share one Debitura account; '' for none. Kept with "
        "the saved connection (use with --save or --connection)",
    )
    connect_parser.set_defaults(command=_command("command_connect"))

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
    invoices_parser.set_defaults(command=_command("command_invoices"))

    submit_parser = commands.add_parser(
        "submit",
        help="send open invoices to Debitura as collection cases (each at most once)",
        description="Import the open invoices, re-check the chosen ones in KashFlow, then send "
        "each as one Debitura case. Invoices already sent are reported, never sent again. "
        "Without DEBITURA_API_KEY the cases go to the Debitura connection saved on the app's "
        "Connect page, or else to the built-in Debitura sandbox.",
    )
    which = submit_parser.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--invoice", nargs="+", action="extend", metavar="N", help="these invoice numbers"
    )
    which.add_argument(
        "--all-eligible", action="store_true", help="every open invoice without blocking problems"
    )
    submit_parser.add_argument(
        "--dry-run",
        action="store_true",
        help="show Debitura's preview and the exact request bodies; send and record nothing",
    )
    submit_parser.add_argument(
        "--retry-failed",
        action="store_true",
        help="send again invoices Debitura refused before even if nothing changed (for example "
        "after signing the agreement it asked for)",
    )
    submit_parser.add_argument(
        "--allow-pending-contracts",
        action="store_true",
        help="send even while the collection agreement with Debitura is unsigned: the cases wait "
        "in Pending contract signing until it is signed (without this, submit refuses, exit 33)",
    )
    submit_parser.add_argument("--connection", metavar="NAME", help="a saved connection's name")
    submit_parser.add_argument(
        "--as-of",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="judge due dates against this day (default: today in London)",
    )
    submit_parser.set_defaults(command=_command("command_submit"))

    cases_parser = commands.add_parser(
        "cases",
        help="the sent cases: where each stands, what Debitura needs, documents, money recovered",
    )
    cases_scope = cases_parser.add_mutually_exclusive_group()
    cases_scope.add_argument("--connection", metavar="NAME", help="a saved connection's name")
    cases_scope.add_argument(
        "--all-connections",
        action="store_true",
        help="the cases of every KashFlow company (no KashFlow login needed)",
    )
    cases_parser.add_argument("--format", choices=("json", "csv", "table"), default="table")
    cases_parser.add_argument(
        "--notify-paid",
        action="store_true",
        help="tell the partners, through each case's chat, about payments and credits KashFlow "
        "recorded after the case was created: each once (exit 41: some unconfirmed, run again; "
        "40: some not sent)",
    )
    cases_parser.set_defaults(command=_command("command_cases"))

    audit_parser = commands.add_parser(
        "audit", help="who did what: the audit log, newest first, with the Audit log page's filters"
    )
    audit_parser.add_argument(
        "--who", metavar="EMAIL", help="one person's entries ('local' without sign-in)"
    )
    audit_parser.add_argument(
        "--event",
        action="append",
        metavar="NAME",
        help="only this event (repeatable), e.g. case_created",
    )
    audit_parser.add_argument(
        "--since", type=date.fromisoformat, metavar="YYYY-MM-DD", help="from this day (UTC)"
    )
    audit_parser.add_argument(
        "--until",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="to this day, inclusive (UTC)",
    )
    audit_parser.add_argument(
        "--search", metavar="TEXT", default="", help="TEXT in the details (an invoice number, say)"
    )
    audit_parser.add_argument("--format", choices=("json", "csv", "table"), default="table")
    audit_parser.set_defaults(command=_command("command_audit"))

    sandbox_parser = commands.add_parser("sandbox", help="run the sandbox servers on 127.0.0.1")
    sandbox_parser.add_argument(
        "--kashflow-port",
        "--port",
        type=int,
        default=0,
        help="the KashFlow sandbox's port (0 picks a free one)",
    )
    sandbox_parser.add_argument(
        "--debitura-port", type=int, default=0, help="the Debitura sandbox's (0: a free one)"
    )
    sandbox_parser.add_argument("--invoices", type=int, default=300)
    sandbox_parser.add_argument("--customers", type=int, default=80)
    sandbox_parser.add_argument("--seed", type=int, default=20261121)
    sandbox_parser.add_argument("--latency-ms", type=int, default=0)
    sandbox_parser.set_defaults(command=_command("command_sandbox"))
    return parser


if __name__ == "__main__":
    sys.exit(main())
