"""What can go wrong with the app's local storage, each with the fix a user can make.

Messages name the folder or file (or, on PostgreSQL, the server without its password) and what
to do; they never contain stored data or secrets. ``store.faults`` turns sqlite3 and OS errors
into these, ``store.postgres_faults`` PostgreSQL's.
"""

from __future__ import annotations

from pathlib import Path


class StorageError(Exception):
    """The data folder or its database could not be used (also: any other I/O failure)."""

    def __init__(self, path: Path | None = None, detail: str = "", *, server: str = "") -> None:
        self.path = Path(path) if path is not None else Path()
        self.detail = detail
        # On PostgreSQL: the server as APP_DATABASE_URL names it, never with its password.
        self.server = server
        super().__init__(self.describe_server() if server else self.describe())

    @property
    def folder(self) -> Path:
        return self.path.parent

    def describe_server(self) -> str:
        return (
            f"The app could not read or write its PostgreSQL database {self.server}"
            f"{_detail(self.detail)}. Check that the server is running and reachable, then try "
            "again."
        )

    def describe(self) -> str:
        return (
            f"The app could not read or write its data file {self.path}{_detail(self.detail)}. "
            "Check that the disk is working and the folder is reachable, then try again."
        )


class DataDirNotWritable(StorageError):
    """The data folder (or a file in it) cannot be written: permissions, a read-only disk."""

    def describe(self) -> str:
        return (
            f"The app cannot write to its data folder {self.folder}{_detail(self.detail)}. Make "
            "that folder writable for the user running the app, or set APP_DATA_DIR to a folder "
            "that is, then try again."
        )

    def describe_server(self) -> str:
        return (
            f"The PostgreSQL user of APP_DATABASE_URL ({self.server}) may not change the app's "
            f"tables{_detail(self.detail)}. Grant that user the rights on its database (or use "
            "a user that has them), then try again."
        )


class DatabaseCorrupt(StorageError):
    """The SQLite file is damaged, truncated or not a SQLite file at all."""

    def describe(self) -> str:
        return (
            f"The app's data file {self.path} is damaged{_detail(self.detail)}. Move it aside and "
            "start again; your KashFlow and Debitura data are not affected, but saved "
            "connections and the record of sent cases live in that file: keep the moved file, "
            "and check the cases at Debitura before sending again."
        )

    def describe_server(self) -> str:
        return (
            f"The PostgreSQL database {self.server} reports damaged data{_detail(self.detail)}. "
            "Ask its administrator to check and restore it; check the cases at Debitura before "
            "sending again."
        )


class DatabaseLocked(StorageError):
    """Another process held the database for longer than the app waits."""

    def __init__(
        self,
        path: Path | None = None,
        detail: str = "",
        *,
        waited_seconds: float = 0,
        server: str = "",
    ) -> None:
        self.waited_seconds = waited_seconds
        super().__init__(path, detail, server=server)

    def describe_server(self) -> str:
        return (
            f"The PostgreSQL database {self.server} stayed busy with another app server's "
            f"change{_detail(self.detail)}. Try again in a moment."
        )

    def describe(self) -> str:
        waited = (
            f" (still busy after {self.waited_seconds:g} seconds)" if self.waited_seconds else ""
        )
        return (
            f"The app's data file {self.path} is locked by another program{waited}. Close other "
            f"copies of the app or cli.py that use the folder {self.folder}, and any program "
            "that has the file open, then try again."
        )


class DiskFull(StorageError):
    """No space left on the disk that holds the data folder (or over quota)."""

    def describe_server(self) -> str:
        return (
            f"The PostgreSQL server of {self.server} has no room left for the app's data. Ask "
            "its administrator to free space, then try again; what was saved before is kept."
        )

    def describe(self) -> str:
        return (
            f"The disk that holds the app's data folder {self.folder} is full, so nothing more "
            "can be saved. Free some space on it (or set APP_DATA_DIR to a folder on a disk with "
            "room), then try again; what was saved before is kept."
        )


class DatabaseUnreachable(StorageError):
    """PostgreSQL could not be reached or refused the login (``detail`` says which)."""

    def describe_server(self) -> str:
        return (
            f"The app could not connect to its PostgreSQL database {self.server}"
            f"{_detail(self.detail)}. Check APP_DATABASE_URL: the host and port, that the "
            "server is running and accepts connections from this machine, the database name, "
            "and the user name and password, then try again."
        )

    def describe(self) -> str:
        return self.describe_server()


class SubmitInProgress(StorageError):
    """Another submit run holds this data folder's submit lock; ``path`` is the lock file."""

    def describe_server(self) -> str:
        return (
            f"Another submit is running on the database {self.server} (perhaps on another app "
            "server); try again when it finishes."
        )

    def describe(self) -> str:
        return (
            f"Another submit is running on this data folder ({self.folder}); try again when it "
            "finishes."
        )


def _detail(detail: str) -> str:
    return f" ({detail})" if detail else ""
