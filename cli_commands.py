"""What each ``cli.py`` command does, and the exit code of each kind of failure.

Apart from ``cli.py`` (the parser and the entry point) so that ``python cli.py --help`` and a
mistyped command load none of this: the app's libraries take a second to import.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from collections import Counter
from pathlib import Path

from debitura import DebituraError
from debitura import errors as debitura_errors
from jsonwire.encoding import dumps
from kashflow import KashFlowError
from kashflow import errors as kashflow_errors
from mapping import ERROR, ReviewRow
from mapping.outside_text import terminal_text
from mapping.problems import ALREADY_SUBMITTED
from store import SecretKeyError, StorageError, StoredCredentialsUnreadable
from store import errors as store_errors
from workflow import decision
from workflow.audit import AuditFilter, audit_entries
from workflow.audit_output import audit_csv, audit_json, audit_text
from workflow.connect import ActiveConnection, connect_typed, reconnect, set_reference_prefix
from workflow.contract import AgreementUnsigned, check_contract, sending_target
from workflow.debitura_target import DebituraTarget, resolve_debitura
from workflow.decision import SubmitDecision, plan_submission
from workflow.documents import DocumentOutcome, DocumentSource
from workflow.export import json_for_terminal, rows_csv, rows_json, rows_table
from workflow.follow_through import read_sent_cases
from workflow.importing import import_summary
from workflow.paid_directly import UNKNOWN as PAID_UNCONFIRMED
from workflow.paid_directly import find_paid_directly, tell_partners
from workflow.review import import_for_review
from workflow.sent_cases_output import cases_csv, cases_json, cases_table
from workflow.settings import Settings, SettingsError
from workflow.submit import (
    ALREADY_SENT,
    CREATED,
    SubmissionOutcome,
    SubmitReport,
    preview_payloads,
    recheck_selection,
    settle_closed_unconfirmed,
    submit_cases,
)
from workflow.workspace import Workspace

CLI_SCRIPT = Path(os.path.abspath(__file__)).with_name("cli.py")  # the command users type
EXIT_USAGE = 2
EXIT_CASES_NOT_SENT = 40  # submit: some selected invoice is not a case at Debitura
EXIT_CASES_UNCONFIRMED = 41  # submit: Debitura did not confirm some case; run again
EXIT_INTERRUPTED = 130  # Ctrl+C, as shells report it
EXIT_CASES_UNREAD = 42  # cases: Debitura's case list could not be read (the ledger shown)
# submit: the collection agreement is unsigned (the code of Debitura's own refusal for it)
EXIT_AGREEMENT_UNSIGNED = 33
# One code per kind of failure, as the docstring lists them: the two APIs' and the data
# folder's. Every class is named, so a script can tell the kinds apart; a class missing here
# would exit with its nearest listed base class's code (see exit_code_for).
EXIT_CODES: dict[type[Exception], int] = {
    kashflow_errors.KashFlowError: 10,
    kashflow_errors.AuthenticationError: 3,
    kashflow_errors.InvalidCredentials: 3,
    kashflow_errors.InvalidMemorableWord: 4,
    kashflow_errors.AccountLocked: 5,
    kashflow_errors.PasswordExpired: 6,
    kashflow_errors.LoginTimedOut: 7,
    kashflow_errors.SessionExpired: 8,
    kashflow_errors.KashFlowUnavailable: 11,
    kashflow_errors.RateLimited: 12,
    kashflow_errors.UnexpectedResponse: 13,
    kashflow_errors.NotFound: 14,
    kashflow_errors.NoInvoiceDocument: 14,  # no such document (a submit reports it per invoice)
    kashflow_errors.RequestRejected: 15,
    debitura_errors.DebituraError: 20,
    debitura_errors.AuthenticationFailed: 21,
    debitura_errors.NotFound: 22,
    debitura_errors.RequestRejected: 23,
    debitura_errors.ValidationFailed: 24,
    debitura_errors.BusinessRuleViolation: 25,
    debitura_errors.NoPartnerAvailable: 26,
    debitura_errors.UnsupportedCountry: 26,
    debitura_errors.UnsupportedCurrency: 26,
    debitura_errors.DuplicateReference: 27,
    debitura_errors.IdempotencyConflict: 28,
    debitura_errors.CreditorBlocked: 29,
    debitura_errors.CreditorActionRequired: 33,
    debitura_errors.MissingDebtCollectionContract: 33,
    debitura_errors.MissingPowerOfAttorney: 33,
    debitura_errors.MissingKycVerification: 33,
    debitura_errors.DebituraUnavailable: 30,
    debitura_errors.RateLimited: 31,
    debitura_errors.UnexpectedResponse: 32,
    store_errors.StorageError: 55,
    store_errors.DataDirNotWritable: 50,
    store_errors.DatabaseCorrupt: 51,
    store_errors.DatabaseLocked: 52,
    store_errors.DiskFull: 53,
    store_errors.SubmitInProgress: 54,
    store_errors.DatabaseUnreachable: 55,  # PostgreSQL (APP_DATABASE_URL) not reached
}
CODED_ERRORS = (KashFlowError, DebituraError, StorageError)


def exit_code_for(error: Exception) -> int:
    """The exit code for an error: its class's in ``EXIT_CODES``, else its nearest base's."""
    return next(EXIT_CODES[cls] for cls in type(error).__mro__ if cls in EXIT_CODES)


class UsageError(Exception):
    """A problem with how the command was called or configured; exits with 2."""


def run(args: argparse.Namespace) -> int:
    """Run the parsed command; the package's own errors become their exit codes."""
    try:
        return args.command(args)
    except BrokenPipeError:
        # Output piped into `head` and the like: stop quietly, as Unix tools do.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - replaces the closed pipe for exit
        return 0
    except CODED_ERRORS as error:
        print(terminal_text(str(error)), file=sys.stderr)
        return exit_code_for(error)
    except AgreementUnsigned as error:
        print(terminal_text(str(error)), file=sys.stderr)
        return EXIT_AGREEMENT_UNSIGNED
    except (UsageError, SettingsError, SecretKeyError, StoredCredentialsUnreadable) as error:
        print(terminal_text(str(error)), file=sys.stderr)
        return EXIT_USAGE


def command_connect(args: argparse.Namespace) -> int:
    workspace = Workspace.open(Settings.load())
    connection = open_connection(args, workspace, save=args.save)
    try:
        if args.reference_prefix is not None:
            try:
                connection = set_reference_prefix(
                    connection, args.reference_prefix, workspace=workspace
                )
            except ValueError as error:
                raise UsageError(str(error)) from None
        print(terminal_text(connection.display_name))
        if connection.reference_prefix:
            print(f"Creditor references: {connection.reference_prefix}<invoice number>")
    finally:
        connection.client.logout()
    return 0


def command_invoices(args: argparse.Namespace) -> int:
    workspace = Workspace.open(Settings.load(), read_only=True)
    connection = open_connection(args, workspace)
    progress = ProgressLine(sys.stderr)
    try:
        result = import_for_review(
            connection,
            workspace=workspace,
            as_of=args.as_of,
            on_progress=lambda p: progress.show(p.describe()),
        )
    finally:
        progress.done()
        connection.client.logout()
    render = {"json": rows_json, "csv": rows_csv, "table": rows_table}[args.format]
    sys.stdout.write(render(result.rows))
    for line in import_summary(result):
        print(terminal_text(line), file=sys.stderr)
    return 0


def command_submit(args: argparse.Namespace) -> int:
    """Import, select, re-check, then send (or, with --dry-run, preview) one case per invoice."""
    workspace = Workspace.open(Settings.load())
    connection = open_connection(args, workspace)
    target: DebituraTarget | None = None
    try:
        target = resolve_debitura(workspace)
        ledger = workspace.ledger
        account = connection.account_key
        print(
            f"KashFlow: {terminal_text(connection.display_name)} → {target.label}", file=sys.stderr
        )
        target = _checked_agreement(target, args)
        progress = ProgressLine(sys.stderr)
        result = import_for_review(
            connection,
            workspace=workspace,
            as_of=args.as_of,
            on_progress=lambda p: progress.show(p.describe()),
        )
        progress.done()
        selected, not_open = _selected_rows(result.rows, args)
        for number in not_open:
            _print_line(number, "failed", "Not an open invoice in KashFlow: nothing to send.")
        recheck = recheck_selection(connection.client, selected, result.policy)
        for number, reason in recheck.dropped:
            _print_line(number, "dropped", reason)
        for number, change in recheck.updated:
            _print_line(number, "updated", change)
        if not args.dry_run:
            closed = {number for number, _ in recheck.dropped}
            still_open = [
                row.invoice_number for row in result.rows if row.invoice_number not in closed
            ]
            for outcome in settle_closed_unconfirmed(
                still_open, target=target, ledger=ledger, account=account
            ):
                _print_outcome(outcome)
        if args.dry_run:
            plan = plan_submission(
                recheck.kept,
                ledger=ledger,
                account=account,
                target=target,
                retry_failed=args.retry_failed,
            )
            verdicts = _dry_run(plan, target)
            verdicts += ["dropped"] * len(recheck.dropped) + ["not open"] * len(not_open)
            print(terminal_text(dry_run_summary(verdicts)))
            print("Dry run: nothing was sent to Debitura, nothing recorded.", file=sys.stderr)
            return 0
        try:
            report = submit_cases(
                recheck.kept,
                target=target,
                ledger=ledger,
                account=account,
                connection_id=connection.connection_id,
                on_result=_print_outcome,
                retry_failed=args.retry_failed,
                on_wait=lambda: print(
                    "Another submit is running on this data folder: waiting for it to finish.",
                    file=sys.stderr,
                    flush=True,
                ),
                documents=DocumentSource(connection.client, workspace.documents),
            )
            for document in report.earlier_documents:
                _print_document_note(document)
        except KeyboardInterrupt:
            print(
                "Interrupted. Cases whose answer had not arrived are looked up at Debitura "
                "before anything is sent again: run the same command to finish.",
                file=sys.stderr,
            )
            return EXIT_INTERRUPTED
        workspace.audit.record(
            "cases_submitted",
            connection_id=connection.connection_id,
            detail=f"{target.key}: {report.summary()}",
        )
    finally:
        connection.client.logout()
        if target is not None:
            target.client.close()
    extra = [f"{len(recheck.dropped)} dropped"] if recheck.dropped else []
    extra += [f"{len(not_open)} not open"] if not_open else []
    print(terminal_text("Summary: " + ", ".join([report.summary(), *extra]) + "."))
    return _submit_exit_code(report, not_open)


def _checked_agreement(target: DebituraTarget, args: argparse.Namespace) -> DebituraTarget:
    """The collection agreement checked before anything is imported or sent: unsigned stops a
    real run (``AgreementUnsigned``) unless --allow-pending-contracts; a dry run only says so."""
    check = check_contract(target)
    if check.error:
        print(terminal_text(check.error), file=sys.stderr)
    if args.dry_run and check.blocks(args.allow_pending_contracts):
        where = f" Sign it at {check.signing_url}" if check.signing_url else ""
        print(terminal_text(f"{check.message}{where}"), file=sys.stderr)
        return target
    target = sending_target(
        target,
        check,
        allow_pending_contracts=args.allow_pending_contracts,
        how_to_allow="add --allow-pending-contracts",
    )
    if target.allow_pending_contracts:
        print(
            terminal_text(
                f"{check.message} Sending anyway (--allow-pending-contracts): Debitura keeps the "
                f"cases in Pending contract signing until it is signed at {check.signing_url}"
            ).rstrip(),
            file=sys.stderr,
        )
    return target


def _selected_rows(
    rows: tuple[ReviewRow, ...], args: argparse.Namespace
) -> tuple[list[ReviewRow], list[str]]:
    """The rows the command names, and the named numbers that are not open invoices."""
    if args.all_eligible:
        # Already-sent rows stay in, so the run reports them ("already sent") instead of
        # silently leaving them out.
        return [row for row in rows if _sendable_or_sent(row)], []
    wanted = list(dict.fromkeys(number for number in args.invoice if number.strip()))
    if not wanted:
        raise UsageError("--invoice needs at least one invoice number.")
    by_number = {row.invoice_number: row for row in rows}
    # Typed without the spaces KashFlow keeps around a number: matched when only one fits.
    by_stripped: dict[str, list[ReviewRow]] = {}
    for row in rows:
        by_stripped.setdefault(row.invoice_number.strip(), []).append(row)
    selected, not_open = [], []
    for number in wanted:
        row = by_number.get(number)
        if row is None and len(by_stripped.get(number.strip(), ())) == 1:
            row = by_stripped[number.strip()][0]
        if row is None:
            not_open.append(number)
        else:
            selected.append(row)
    return selected, not_open


def _sendable_or_sent(row: ReviewRow) -> bool:
    return all(p.code == ALREADY_SUBMITTED for p in row.problems if p.severity == ERROR)


# How a dry run words the submit decision for invoices it would not send.
DRY_RUN_LABELS = {
    decision.ALREADY_SENT: "already sent",
    decision.BLOCKED: "blocked",
    decision.REFUSED_UNCHANGED: "refused before",
}


# The dry run's closing line: how many would be sent (always said), then how many got each of
# these verdicts, in this order.
DRY_RUN_SUMMARY_WORDS = {
    "would fail": "would be refused",
    "already sent": "already sent",
    "blocked": "blocked",
    "refused before": "refused before and unchanged",
    "dropped": "no longer open",
    "not open": "not open in KashFlow",
}


def dry_run_summary(verdicts: list[str]) -> str:
    """The dry run's last line, from each invoice's verdict.

    >>> dry_run_summary(["would send"] * 71 + ["would fail"] * 4 + ["already sent"] * 2)
    'Summary: 71 would be sent, 4 would be refused, 2 already sent.'
    >>> dry_run_summary(["blocked"])
    'Summary: 0 would be sent, 1 blocked.'
    """
    counts = Counter(verdicts)
    parts = [f"{counts.pop('would send', 0)} would be sent"]
    for verdict, words in DRY_RUN_SUMMARY_WORDS.items():
        if counts.get(verdict):
            parts.append(f"{counts.pop(verdict)} {words}")
    parts += [f"{count} {verdict}" for verdict, count in counts.items()]
    return "Summary: " + ", ".join(parts) + "."


def _dry_run(plan: list[SubmitDecision], target: DebituraTarget) -> list[str]:
    """Each invoice's fate without sending: what the submit decision says, and for those it
    would send, Debitura's preview and the exact body. Returns each invoice's verdict."""
    sending = [decision for decision in plan if decision.sends]
    previews = preview_payloads({d.invoice_number: d.payload for d in sending}, target)
    verdicts = []
    for entry in plan:
        number = entry.invoice_number
        if not entry.sends:
            label = DRY_RUN_LABELS.get(entry.action, entry.action)
            verdicts.append(label)
            _print_line(number, label, entry.message)
            continue
        preview = previews[number]
        verdict = "would send" if preview.can_submit else "would fail"
        detail = preview.error or preview.message
        for signature in preview.signatures:
            detail += f" [{signature.what} {signature.url}]".rstrip()
        if entry.look_up_first:
            detail += " (an earlier send was not confirmed: it is looked up before sending)"
        verdicts.append(verdict)
        _print_line(number, verdict, detail)
        print("  " + json_for_terminal(dumps(entry.payload)), flush=True)
    return verdicts


def _print_outcome(outcome: SubmissionOutcome) -> None:
    parts = [outcome.case_reference]
    if outcome.status not in (CREATED, ALREADY_SENT) or not outcome.case_reference:
        parts.append(outcome.message)
    _print_line(outcome.invoice_number, outcome.label, "  ".join(p for p in parts if p))
    if outcome.document is not None and not outcome.document.attached:
        _print_document_note(outcome.document)


def _print_document_note(document: DocumentOutcome) -> None:
    """An invoice PDF not attached, and why, on stderr (stdout keeps one line per case)."""
    line = f"{document.invoice_number}  invoice PDF  {document.note}"
    print(terminal_text(line).rstrip(), file=sys.stderr, flush=True)


def _print_line(number: str, label: str, detail: str) -> None:
    """One result line; the invoice number and the detail are outside text, so no control
    character in them reaches the terminal."""
    if number != number.strip() or "  " in number:
        number = f'"{number}"'  # spaces KashFlow keeps would blur the columns
    print(terminal_text(f"{number}  {label}  {detail}").rstrip(), flush=True)


def _submit_exit_code(report: SubmitReport, not_open: list[str]) -> int:
    if report.unconfirmed:
        return EXIT_CASES_UNCONFIRMED
    if not_open or not report.all_sent:
        return EXIT_CASES_NOT_SENT
    return 0


def command_cases(args: argparse.Namespace) -> int:
    """The sent cases with where each stands, what Debitura needs, documents and money
    recovered (the Sent cases page's rows), read concurrently from Debitura."""
    if args.notify_paid:
        return command_notify_paid(args)
    workspace = Workspace.open(Settings.load(), read_only=True)
    account = None
    if not args.all_connections:
        connection = open_connection(args, workspace)
        account = connection.account_key
        connection.client.logout()
    target = resolve_debitura(workspace)
    progress = ProgressLine(sys.stderr)
    try:
        followed = read_sent_cases(
            workspace.ledger,
            target,
            account=account,
            on_progress=lambda done, total: progress.show(f"Read {done} of {total} cases"),
        )
    finally:
        progress.done()
        target.client.close()
    if followed.listing_error:
        print(terminal_text(followed.listing_error), file=sys.stderr)
    render = {"json": cases_json, "csv": cases_csv, "table": cases_table}[args.format]
    sys.stdout.write(render(followed))
    return EXIT_CASES_UNREAD if followed.listing_error else 0


def command_audit(args: argparse.Namespace) -> int:
    """The audit log (the Audit log page's entries and filters), newest first."""
    workspace = Workspace.open(Settings.load(), read_only=True)
    try:
        wanted = AuditFilter(
            actor=args.who,
            events=tuple(args.event or ()),
            first_day=args.since,
            last_day=args.until,
            text=args.search,
        )
    except ValueError as error:
        print(terminal_text(str(error)), file=sys.stderr)
        return EXIT_USAGE
    entries = audit_entries(workspace.audit, wanted)
    render = {"json": audit_json, "csv": audit_csv, "table": audit_text}[args.format]
    sys.stdout.write(render(entries))
    return 0


def command_notify_paid(args: argparse.Namespace) -> int:
    """``cases --notify-paid``: tell each partner about payments KashFlow recorded on the
    invoice after its case was created, each exactly once (``workflow.paid_directly``)."""
    if args.all_connections:
        raise UsageError("--notify-paid reads one KashFlow company: use --connection.")
    workspace = Workspace.open(Settings.load())
    connection = open_connection(args, workspace)
    target = resolve_debitura(workspace)
    try:
        check = find_paid_directly(
            connection.client,
            workspace.ledger,
            workspace.payment_notices,
            account=connection.account_key,
            target_key=target.key,
            home_currency=connection.company.home_currency or "GBP",
        )
        for number, error in sorted(check.unreadable.items()):
            _print_line(number, "not checked", f"KashFlow did not give the invoice: {error}")
        for payment in check.payments:
            if payment.told:
                _print_line(payment.invoice_number, "told", f"{payment.summary} (told before)")
        outcomes = tell_partners(
            check.payments,
            target=target,
            ledger=workspace.ledger,
            notices=workspace.payment_notices,
            account=connection.account_key,
            on_result=lambda outcome: _print_line(
                outcome.payment.invoice_number,
                outcome.status,
                "  ".join(part for part in (outcome.payment.summary, outcome.message) if part),
            ),
        )
    finally:
        connection.client.logout()
        target.client.close()
    if not check.payments:
        print("No payments in KashFlow since the cases were created.", file=sys.stderr)
    if any(outcome.status == PAID_UNCONFIRMED for outcome in outcomes):
        return EXIT_CASES_UNCONFIRMED
    if check.unreadable or any(not outcome.told for outcome in outcomes):
        return EXIT_CASES_NOT_SENT
    return 0


def command_sandbox(args: argparse.Namespace) -> int:
    """Run both sandboxes until Ctrl+C, and print the commands that use them, ready to paste."""
    from sandbox.debitura_server import SANDBOX_API_KEY, DebituraFaults, DebituraSandboxConfig
    from sandbox.debitura_server import serve as serve_debitura
    from sandbox.kashflow_server import (
        DEMO_MEMORABLE_WORD,
        DEMO_PASSWORD,
        DEMO_USERNAME,
        KashFlowFaults,
        KashFlowSandboxConfig,
    )
    from sandbox.kashflow_server import serve as serve_kashflow

    kashflow_config = KashFlowSandboxConfig(
        host="127.0.0.1",
        port=args.kashflow_port,
        invoices=args.invoices,
        customers=args.customers,
        seed=args.seed,
    )
    kashflow = _start_sandbox(
        "KashFlow", serve_kashflow, kashflow_config, KashFlowFaults(latency_ms=args.latency_ms)
    )
    try:
        debitura = _start_sandbox(
            "Debitura",
            serve_debitura,
            DebituraSandboxConfig(
                host="127.0.0.1", port=args.debitura_port, follow_through_story=True
            ),
            DebituraFaults(latency_ms=args.latency_ms),
        )
    except UsageError:
        kashflow.stop()
        raise
    as_of = kashflow.dataset.as_of.isoformat()  # the day the seeded books are written for
    python = _shell_path(sys.executable, command=True)
    cli = _shell_path(str(CLI_SCRIPT))
    print(f"KashFlow sandbox:  {kashflow.url}", flush=True)
    print(f"  fault knobs:     {kashflow.root_url}/_sandbox/faults")
    print(f"  login email:     {DEMO_USERNAME}")
    print(f"  password:        {DEMO_PASSWORD}")
    print(f"  memorable word:  {DEMO_MEMORABLE_WORD}")
    print(f"Debitura sandbox:  {debitura.url}")
    print(f"  fault knobs:     {debitura.root_url}/_sandbox/faults")
    print(f"  API key:         {SANDBOX_API_KEY}")
    print()
    print("In another terminal, in this folder, paste:")
    for name, value in (
        ("KASHFLOW_BASE_URL", kashflow.url),
        ("KASHFLOW_USERNAME", DEMO_USERNAME),
        ("KASHFLOW_PASSWORD", DEMO_PASSWORD),
        ("KASHFLOW_MEMORABLE_WORD", DEMO_MEMORABLE_WORD),
        ("DEBITURA_BASE_URL", debitura.url),
        ("DEBITURA_API_KEY", SANDBOX_API_KEY),
    ):
        print(f"export {name}={shlex.quote(value)}")
    print(f"{python} {cli} invoices --as-of {as_of} --format table")
    print(f"{python} {cli} submit --all-eligible --dry-run --as-of {as_of}")
    print()
    print(f"The app, with the same variables: {python} -m streamlit run {_shell_path('app.py')}")
    print("Stop the sandboxes: Ctrl+C here.", flush=True)
    try:
        kashflow.wait()
    except KeyboardInterrupt:
        pass
    finally:
        kashflow.stop()
        debitura.stop()
    return 0


def _start_sandbox(name: str, serve, config, faults):
    try:
        return serve(config, faults)
    except OSError as error:  # the fixed port is taken, or not ours to use
        raise UsageError(
            f"The {name} sandbox could not listen on 127.0.0.1:{config.port}: "
            f"{error.strerror or error}. Choose another port, or 0 for a free one."
        ) from None


def _shell_path(path: str, *, command: bool = False) -> str:
    """A path as a shell takes it: relative when under the current folder (a command with a
    folder part, so the shell does not look it up in PATH)."""
    relative = os.path.relpath(path)
    chosen = path if relative.startswith("..") else relative
    if command and os.sep not in chosen:
        chosen = os.path.join(".", chosen)
    return shlex.quote(chosen)


def open_connection(
    args: argparse.Namespace, workspace: Workspace, *, save: bool = False
) -> ActiveConnection:
    """Log in with a saved connection (--connection) or the KASHFLOW_* variables."""
    settings = workspace.settings
    if args.connection:
        saved = workspace.connections.find_by_name(args.connection)
        if saved is None:
            names = ", ".join(c.name for c in workspace.connections.list()) or "none saved yet"
            raise UsageError(f"No saved connection named '{args.connection}' (saved: {names}).")
        return reconnect(saved.id, workspace=workspace)
    credentials = settings.kashflow_credentials()
    if credentials is None:
        raise UsageError(
            "Set KASHFLOW_USERNAME, KASHFLOW_PASSWORD and KASHFLOW_MEMORABLE_WORD, or pass "
            "--connection NAME for a connection saved in the app."
        )
    return connect_typed(credentials, workspace=workspace, save=save)


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
