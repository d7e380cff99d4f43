"""What a user types to connect a KashFlow account, held in memory only."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Credentials:
    """Login email, password and the FULL memorable word, exactly as typed (never trimmed).

    The repr hides the secrets so a stray log line or traceback cannot print them.

    >>> Credentials("ann@example.com", " pw ", "pineapple")
    Credentials(username='ann@example.com', password=***, memorable_word=***)
    """

    username: str
    password: str = field(repr=False)
    memorable_word: str = field(repr=False)

    def __repr__(self) -> str:
        return f"Credentials(username={self.username!r}, password=***, memorable_word=***)"

    @property
    def password_has_outer_spaces(self) -> bool:
        return self.password != self.password.strip()
