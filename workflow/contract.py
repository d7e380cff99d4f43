"""Before sending: is the collection agreement signed? One answer for the Submit page and
``cli.py submit``.

Debitura refuses every case (422 ``MissingDebtCollectionContract``) while the Standard Debt
Collection Agreement is unsigned, unless the case carries ``allowPendingContracts``: then it
waits in "Pending contract signing" until the agreement is signed. So the check comes first,
says where to sign, and sending anyway is a choice the analyst makes explicitly.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from debitura import ContractStatus, DebituraError
from workflow.debitura_target import DebituraTarget

PENDING_WORDS = (
    'Debitura then keeps the cases in "Pending contract signing" until the agreement is signed.'
)


class AgreementUnsigned(Exception):
    """Sending was refused before anything was sent: the agreement is unsigned and pending
    contracts were not allowed."""


@dataclass(frozen=True)
class ContractCheck:
    """What Debitura said about the agreement, or why it could not be asked."""

    status: ContractStatus | None = None
    error: str = ""  # Debitura could not be asked: sending goes ahead, Debitura decides

    @property
    def needs_signature(self) -> bool:
        return self.status is not None and self.status.needs_signature

    @property
    def signing_url(self) -> str:
        return self.status.signing_url if self.status is not None else ""

    @property
    def message(self) -> str:
        """One sentence for the analyst: what is wrong with the agreement (empty when
        nothing is)."""
        if self.status is None or not self.status.needs_signature:
            return ""
        if self.status.signed:  # signed once, to be signed again
            reason = self.status.invalidation_reason
            why = f" ({reason})" if reason else ""
            return f"Debitura needs the collection agreement signed again{why}."
        return "The collection agreement with Debitura is not signed yet."

    def blocks(self, allow_pending_contracts: bool) -> bool:
        """True when nothing may be sent: unsigned, and sending anyway was not chosen."""
        return self.needs_signature and not allow_pending_contracts


def check_contract(target: DebituraTarget) -> ContractCheck:
    """Ask Debitura whether the collection agreement is signed. A failure to ask is reported,
    not raised: Debitura still refuses unsigned cases itself when they are sent."""
    try:
        return ContractCheck(status=target.client.contract_status())
    except DebituraError as error:
        return ContractCheck(error=f"The collection agreement's status could not be read: {error}")


def sending_target(
    target: DebituraTarget,
    check: ContractCheck,
    *,
    allow_pending_contracts: bool,
    how_to_allow: str = "allow pending contracts",
) -> DebituraTarget:
    """The target to send with: marked to allow pending contracts when the agreement needs a
    signature and the analyst chose to send anyway.

    Raises ``AgreementUnsigned`` (what to sign, and how to send anyway: ``how_to_allow``) when
    the agreement needs a signature and sending anyway was not chosen.
    """
    if check.blocks(allow_pending_contracts):
        where = f" Sign it at {check.signing_url}" if check.signing_url else " Sign it"
        raise AgreementUnsigned(
            f"{check.message}{where}, then send again; nothing was sent. To send anyway, "
            f"{how_to_allow}: {PENDING_WORDS}"
        )
    if check.needs_signature and allow_pending_contracts:
        return replace(target, allow_pending_contracts=True)
    return target
