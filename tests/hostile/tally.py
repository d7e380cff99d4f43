"""The hostile suite's session-wide tally: one record per bad input tried.

Each parametrized case measures first (what the user was told, whether a traceback showed,
what reached another host, what the ledger and Debitura hold afterwards), records it here, and
only then asserts, so a failing case is still counted. ``tests/hostile/conftest.py`` finishes
each record with the test's result and writes the totals to ``test-artifacts/hostile-counts.json``.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

ARTIFACT = Path(__file__).resolve().parents[2] / "test-artifacts" / "hostile-counts.json"

# What a message that "names what to do" contains: an instruction, a usage line, the rule to
# follow, a statement of what the next run does about it, or that nothing can be done.
_ACTION = re.compile(
    r"\b(try again|try reconnecting|check|set |run |run again|enter|move|free|close|sign|"
    r"renumber|fix|give|make|copy|wait|reconnect|refresh|select|tick|pass |save|generate|"
    r"correct|create|send .*again|use |usage:|looked up|will be checked|choose|ask|"
    r"may be at most|may hold|contact|cannot be sent)",
    re.IGNORECASE,
)


def message_problems(text: str, *, action: bool) -> list[str]:
    """Why ``text`` is not a clear message for the user (empty list: it is one).

    Clear: not empty, no Python traceback, and (when the input was refused, ``action``) it
    names what to do about it.
    """
    problems = []
    if not text.strip():
        problems.append("no message at all")
    if "Traceback (most recent call last)" in text:
        problems.append("a Python traceback")
    if action and text.strip() and not _ACTION.search(text):
        problems.append("names nothing to do")
    return problems


@dataclass
class Record:
    family: str
    case: str
    nodeid: str
    message: str = ""  # the user-facing text judged (shortened)
    message_problems: list[str] = field(default_factory=list)
    judged: bool = False
    traceback: bool = False
    credentials_elsewhere: int = 0  # requests to another host carrying a secret
    secrets_printed: int = 0  # secrets in what the CLI or a page showed
    misrecorded: int = 0
    dropped: int = 0
    duplicated: int = 0
    passed: bool | None = None
    known_bug: str = ""  # the xfail reason, when this case shows a reported bug

    def judge(self, text: str, *, action: bool = True) -> list[str]:
        """Judge the user-facing ``text``; returns its problems (also kept on the record)."""
        self.judged = True
        self.message = text.strip()[:400]
        self.message_problems = message_problems(text, action=action)
        return self.message_problems

    @property
    def handled(self) -> bool:
        """Handled with a clear message: the case's expectations held, a message was judged
        clear, and no traceback was seen."""
        return bool(
            self.passed and self.judged and not self.message_problems and not self.traceback
        )


RECORDS: list[Record] = []
# Whether the whole directory was selected, and if not why (set when collection finishes).
SELECTION: tuple[bool, str] = (False, "the hostile directory was not collected")


def totals(records: list[Record]) -> dict:
    return {
        "inputs_tried": len(records),
        "handled_with_a_clear_message": sum(r.handled for r in records),
        "tracebacks": sum(r.traceback for r in records),
        "credentials_seen_by_another_host": sum(r.credentials_elsewhere for r in records),
        "secrets_printed": sum(r.secrets_printed for r in records),
        "invoices_misrecorded_or_silently_dropped": sum(r.misrecorded + r.dropped for r in records),
        "cases_duplicated": sum(r.duplicated for r in records),
    }


def summary(records: list[Record]) -> dict:
    """Everything written to the artifact: totals, per family, the known bugs' share."""
    families = Counter(r.family for r in records)
    known = [r for r in records if r.known_bug]
    clean = [r for r in records if not r.known_bug]
    whole, why = SELECTION
    return {
        "whole_directory_ran": whole,
        "partial_because": why,
        "totals": totals(records),
        "totals_without_known_bugs": totals(clean),
        "per_family": {
            family: totals([r for r in records if r.family == family])
            for family in sorted(families)
        },
        "known_bugs": [
            {key: value for key, value in asdict(r).items() if key != "message_problems"}
            for r in known
        ],
        "cases": [
            {"case": r.nodeid.split("::", 1)[-1], "handled": r.handled, "said": r.message[:200]}
            for r in records
        ],
        "not_handled": [
            {"case": r.nodeid, "problems": r.message_problems, "passed": r.passed}
            for r in clean
            if not r.handled
        ],
    }


def one_line(records: list[Record]) -> str:
    t = totals(records)
    known = sum(bool(r.known_bug) for r in records)
    return (
        f"hostile inputs tried {t['inputs_tried']}, handled with a clear message "
        f"{t['handled_with_a_clear_message']}, tracebacks {t['tracebacks']}, credentials seen "
        f"by another host {t['credentials_seen_by_another_host']}, invoices mis-recorded or "
        f"silently dropped {t['invoices_misrecorded_or_silently_dropped']}, cases duplicated "
        f"{t['cases_duplicated']} ({known} cases show known bugs, marked xfail)"
    )


def write(records: list[Record]) -> Path:
    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    ARTIFACT.write_text(json.dumps(summary(records), indent=2, ensure_ascii=False) + "\n")
    return ARTIFACT
