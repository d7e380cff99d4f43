"""Typed views of a case's chat (``/cases/{id}/chats``) and of the creditor's team (``/users``).

Like ``debitura.models``: frozen, ``from_api`` reads keys case-insensitively and never raises.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from jsonwire.fields import Fields

MAX_CHAT_MESSAGE_LENGTH = 10_000  # SendChatRequest.message


@dataclass(frozen=True, slots=True)
class Chat:
    """One chat message on a case (``ChatDto``).

    >>> Chat.from_api({"id": "c1", "message": "Paid", "dateCreated": "2026-11-30T11:05:00Z"}).id
    'c1'
    """

    id: str
    message: str = ""
    created: datetime | None = None
    role_label: str = ""  # "Creditor", "Partner", ...
    user_email: str = ""

    @classmethod
    def from_api(cls, raw: Any) -> Chat:
        fields = Fields(raw)
        return cls(
            id=fields.identifier("id"),
            message=fields.text("message"),
            created=fields.datetime("dateCreated"),
            role_label=fields.text("roleLabel"),
            user_email=fields.object("user").text("email"),
        )


@dataclass(frozen=True, slots=True)
class TeamMember:
    """A member of the creditor's team (``GET /users``): who a chat message is sent as."""

    id: str
    name: str = ""
    email: str = ""

    @classmethod
    def from_api(cls, raw: Any) -> TeamMember:
        fields = Fields(raw)
        return cls(
            id=fields.identifier("id"),
            name=fields.text("name"),
            email=fields.text("email"),
        )
