"""The CLI's exit-code table: every API and storage error class has its documented code, and
only one."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

import cli
import cli_commands
from debitura import errors as debitura_errors
from kashflow import errors as kashflow_errors
from store import errors as store_errors

# The codes the CLI promises (its docstring), by module and class name. A script may branch on
# them, so changing one is a breaking change, never a refactor.
DOCUMENTED = {
    ("kashflow", "KashFlowError"): 10,
    ("kashflow", "AuthenticationError"): 3,
    ("kashflow", "InvalidCredentials"): 3,
    ("kashflow", "InvalidMemorableWord"): 4,
    ("kashflow", "AccountLocked"): 5,
    ("kashflow", "PasswordExpired"): 6,
    ("kashflow", "LoginTimedOut"): 7,
    ("kashflow", "SessionExpired"): 8,
    ("kashflow", "KashFlowUnavailable"): 11,
    ("kashflow", "RateLimited"): 12,
    ("kashflow", "UnexpectedResponse"): 13,
    ("kashflow", "NotFound"): 14,
    ("kashflow", "NoInvoiceDocument"): 14,
    ("kashflow", "RequestRejected"): 15,
    ("debitura", "DebituraError"): 20,
    ("debitura", "AuthenticationFailed"): 21,
    ("debitura", "NotFound"): 22,
    ("debitura", "RequestRejected"): 23,
    ("debitura", "ValidationFailed"): 24,
    ("debitura", "BusinessRuleViolation"): 25,
    ("debitura", "NoPartnerAvailable"): 26,
    ("debitura", "UnsupportedCountry"): 26,
    ("debitura", "UnsupportedCurrency"): 26,
    ("debitura", "DuplicateReference"): 27,
    ("debitura", "IdempotencyConflict"): 28,
    ("debitura", "CreditorBlocked"): 29,
    ("debitura", "DebituraUnavailable"): 30,
    ("debitura", "RateLimited"): 31,
    ("debitura", "UnexpectedResponse"): 32,
    ("debitura", "CreditorActionRequired"): 33,
    ("debitura", "MissingDebtCollectionContract"): 33,
    ("debitura", "MissingPowerOfAttorney"): 33,
    ("debitura", "MissingKycVerification"): 33,
    ("store", "StorageError"): 55,
    ("store", "DataDirNotWritable"): 50,
    ("store", "DatabaseCorrupt"): 51,
    ("store", "DatabaseLocked"): 52,
    ("store", "DiskFull"): 53,
    ("store", "SubmitInProgress"): 54,
    ("store", "DatabaseUnreachable"): 55,
}

MODULES = {"kashflow": kashflow_errors, "debitura": debitura_errors, "store": store_errors}
BASES = {
    "kashflow": kashflow_errors.KashFlowError,
    "debitura": debitura_errors.DebituraError,
    "store": store_errors.StorageError,
}


def error_classes() -> list[tuple[str, type[Exception]]]:
    """Every error class the two clients define (and so can raise)."""
    found = []
    for api, module in MODULES.items():
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, BASES[api]) and cls.__module__ == module.__name__:
                found.append((api, cls))
    return found


def test_the_table_is_exactly_the_documented_codes():
    documented = {getattr(MODULES[api], name): code for (api, name), code in DOCUMENTED.items()}
    assert documented == cli_commands.EXIT_CODES


@pytest.mark.parametrize(
    ("api", "cls"), error_classes(), ids=[f"{api}.{cls.__name__}" for api, cls in error_classes()]
)
def test_every_error_class_is_in_the_table_with_its_documented_code(api, cls):
    assert cls in cli_commands.EXIT_CODES, (
        f"{api}.errors.{cls.__name__} has no exit code in cli_commands.py"
    )
    error = cls(Path("data")) if api == "store" else cls()
    assert cli_commands.exit_code_for(error) == DOCUMENTED[(api, cls.__name__)]


def test_an_unlisted_subclass_exits_with_its_base_class_code():
    class NewKindOfLockOut(kashflow_errors.AccountLocked):
        pass

    assert cli_commands.exit_code_for(NewKindOfLockOut()) == 5


def test_every_code_is_in_the_docstring_and_none_collides_with_the_cli_own_codes():
    paragraph = next(p for p in cli.__doc__.split("\n\n") if p.startswith("Exit codes:"))
    for code in set(cli_commands.EXIT_CODES.values()):
        assert re.search(rf"\b{code} [A-Za-z]", paragraph), f"exit code {code} is not documented"
    own = {
        0,
        1,
        cli_commands.EXIT_USAGE,
        cli_commands.EXIT_CASES_NOT_SENT,
        cli_commands.EXIT_CASES_UNCONFIRMED,
    }
    assert not own & set(cli_commands.EXIT_CODES.values())
