"""The Debitura sandbox's case chats and team: ``GET /users``, ``GET``/``POST /cases/{id}/chats``.

Like the real API, a chat message must name a member of the creditor's team (``userEmail``, or
the deprecated ``userId``) and has no idempotency: the same message posted twice is stored
twice, which is what the tests count. The fault knobs ``fail_next_chats`` (answer 500 before
storing) and ``drop_after_chat_every`` (store, then close the connection unanswered) are read
from the server's ``DebituraFaults``.
"""

from __future__ import annotations

import threading
import uuid
from typing import TYPE_CHECKING, Any

from sandbox import faults as fault_actions
from sandbox.http import HTTPError, Request, Response

if TYPE_CHECKING:
    from sandbox.debitura_server import DebituraSandbox

MAX_MESSAGE_LENGTH = 10_000
# The one member of every sandbox creditor's team.
TEAM_MEMBER = {
    "id": "5f0c1a52-8d1e-4a4e-9a41-3c0d7f6b2e11",
    "name": "Ruth Harrow",
    "firstName": "Ruth",
    "lastName": "Harrow",
    "email": "ruth.harrow@harrow-finch.example",
}
CREDITOR_ROLE = 1


class ChatRoutes:
    """The routes and the stored messages, per case id; installs itself on ``server``."""

    def __init__(self, server: DebituraSandbox) -> None:
        self._server = server
        self._lock = threading.Lock()
        self._chats: dict[str, list[dict[str, Any]]] = {}
        server.route("GET", "/users", self._users)
        server.route("GET", "/cases/{id}/chats", self._list)
        server.route("POST", "/cases/{id}/chats", self._post)

    def chats(self, case_id: str) -> list[dict[str, Any]]:
        """The messages stored on a case, oldest first (for tests)."""
        with self._lock:
            return list(self._chats.get(case_id.strip().lower(), ()))

    def clear(self) -> None:
        with self._lock:
            self._chats.clear()

    def _users(self, request: Request, owner: str) -> Response:
        member = {key: TEAM_MEMBER[key] for key in ("id", "name", "email")}
        page = {"totalResults": 1, "pageSize": 100, "currentPage": 1, "totalPages": 1}
        return Response.json({"page": page, "users": [member]})

    def _list(self, request: Request, owner: str) -> Response:
        case = self._server._owned(owner, request.params["id"])
        return Response.json(self.chats(case.id))

    def _post(self, request: Request, owner: str) -> Response | None:
        server, faults = self._server, self._server.faults
        server.stats.incr("chat_posts")
        case = server._owned(owner, request.params["id"])
        failures = faults.fail_next_chats
        if failures and faults.tick("fail_next_chats") <= failures:
            server.stats.incr("fault.chat_failed")
            return server.fault_response(fault_actions.SERVER_ERROR)
        body = request.json()
        if not isinstance(body, dict):
            raise HTTPError(400, "InvalidRequest", "Send a JSON object with 'message'.")
        fields = {str(key).lower(): value for key, value in body.items()}
        message = fields.get("message")
        if not isinstance(message, str) or not message.strip():
            raise HTTPError(400, "ValidationFailed", "The message is required.")
        if len(message) > MAX_MESSAGE_LENGTH:
            limit = f"at most {MAX_MESSAGE_LENGTH} characters"
            raise HTTPError(400, "ValidationFailed", f"The message may be {limit}.")
        email = str(fields.get("useremail") or "").strip().lower()
        user_id = str(fields.get("userid") or "").strip().lower()
        if email != TEAM_MEMBER["email"] and user_id != TEAM_MEMBER["id"]:
            message_text = "userEmail (or userId) must name an active member of your team."
            raise HTTPError(400, "ValidationFailed", message_text)
        chat = {
            "id": str(uuid.uuid4()),
            "dateCreated": server.config.clock().isoformat().replace("+00:00", "Z"),
            "dateUpdated": None,
            "role": CREDITOR_ROLE,
            "roleLabel": "Creditor",
            "message": message,
            "isSeen": False,
            "user": {
                "id": 1,
                "firstName": TEAM_MEMBER["firstName"],
                "lastName": TEAM_MEMBER["lastName"],
                "email": TEAM_MEMBER["email"],
            },
        }
        with self._lock:
            self._chats.setdefault(case.id, []).append(chat)
        server.stats.incr("chats_stored")
        every = faults.drop_after_chat_every
        if every and faults.tick("stored_chats") % every == 0:
            server.stats.incr("fault.drop_after_chat")
            return None  # stored; the connection closes unanswered
        return Response.json(chat)
