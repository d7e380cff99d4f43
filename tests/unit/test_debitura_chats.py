"""The Debitura client's case chat against canned answers: what is sent, and what is never
done twice (a lost answer is not retried; a redirect is not followed)."""

from __future__ import annotations

import json

import pytest
import requests
import responses

from debitura import DebituraClient, DebituraError, DebituraUnavailable, RetryPolicy
from debitura.chats import MAX_CHAT_MESSAGE_LENGTH

BASE = "https://debitura.test"
API_KEY = "live-key-5f3a9c1e-SECRET"
FAST = RetryPolicy(attempts=4, initial_wait=0.001, max_wait=0.002, max_retry_after=60)
CASE_ID = "6f1c2b9e-3a4d-4e5f-8a7b-1c2d3e4f5a6b"
CHATS = f"{BASE}/cases/{CASE_ID}/chats"
KEY = "0b6c5a8e-8a1c-4b0e-9f4e-2f0d1c3b4a59"
CHAT = {
    "id": "9d1e6a2b-0c4f-4a5e-8b7c-6d5e4f3a2b1c",
    "dateCreated": "2026-11-30T11:05:00Z",
    "role": 1,
    "roleLabel": "Creditor",
    "message": "Paid directly",
    "isSeen": False,
    "user": {"id": 1, "email": "ruth@example.com"},
}


@pytest.fixture
def client():
    with DebituraClient(API_KEY, base_url=BASE, retry=FAST) as made:
        yield made


@responses.activate
def test_a_chat_message_is_posted_with_the_key_the_sender_and_the_idempotency_key(client):
    responses.post(CHATS, json=CHAT)
    chat = client.post_case_chat(
        CASE_ID, "Paid directly", idempotency_key=KEY, user_email="ruth@example.com"
    )
    assert chat.id == CHAT["id"] and chat.message == "Paid directly"
    sent = responses.calls[0].request
    assert sent.headers["Idempotency-Key"] == KEY
    assert sent.headers["XApiKey"] == API_KEY
    assert json.loads(sent.body) == {"message": "Paid directly", "userEmail": "ruth@example.com"}


@responses.activate
@pytest.mark.parametrize("status", [500, 502, 503])
def test_a_failed_answer_is_not_retried_and_the_outcome_is_unknown(client, status):
    responses.post(CHATS, status=status, json={"message": "down"})
    with pytest.raises(DebituraUnavailable) as raised:
        client.post_case_chat(CASE_ID, "Paid", idempotency_key=KEY, user_email="r@example.com")
    assert raised.value.outcome_unknown
    assert len(responses.calls) == 1  # a retry could post the message twice


@responses.activate
def test_a_dropped_connection_is_not_retried(client):
    responses.post(CHATS, body=requests.ConnectionError("reset"))
    with pytest.raises(DebituraUnavailable) as raised:
        client.post_case_chat(CASE_ID, "Paid", idempotency_key=KEY, user_email="r@example.com")
    assert raised.value.outcome_unknown
    assert len(responses.calls) == 1


@responses.activate
def test_a_redirect_is_not_followed(client):
    responses.post(CHATS, status=307, headers={"Location": "https://evil.example/chats"})
    with pytest.raises(DebituraError):
        client.post_case_chat(CASE_ID, "Paid", idempotency_key=KEY, user_email="r@example.com")
    assert [call.request.url for call in responses.calls] == [CHATS]


@responses.activate
def test_the_chats_are_read_back_and_the_team_listed(client):
    responses.get(CHATS, json=[CHAT, {"id": "other", "message": "From the partner"}])
    responses.get(f"{BASE}/users", json={"page": {}, "users": [{"id": "u1", "email": "a@b.c"}]})
    assert [chat.id for chat in client.case_chats(CASE_ID)] == [CHAT["id"], "other"]
    assert [member.email for member in client.team_members()] == ["a@b.c"]


def test_a_message_that_is_empty_or_too_long_is_refused_before_sending(client):
    for message in ("  ", "x" * (MAX_CHAT_MESSAGE_LENGTH + 1)):
        with pytest.raises(ValueError):
            client.post_case_chat(CASE_ID, message, idempotency_key=KEY, user_email="a@b.c")
