"""Several processes starting at once on a new data folder all end up with the one key.

The key file used to be created empty (``O_EXCL``) and then written: a second process starting
in between read an empty file and refused to start ("secret.key is empty"), seen when two
``cli.py submit`` runs began together. Now the key is written whole and linked into place."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from store.secret_key import KEY_FILE, load_fernet

STARTS = 8


def _start(data_dir: str, ready, results) -> None:
    ready.wait()  # every process opens the folder at the same moment
    try:
        results.put(load_fernet(Path(data_dir)).encrypt(b"same key").decode())
    except Exception as error:  # reported to the test, which names it
        results.put(f"error: {error}")


def test_processes_starting_together_share_one_whole_key(tmp_path):
    for attempt in range(5):  # the window is short: give it several chances to show
        data_dir = tmp_path / f"data-{attempt}"
        context = multiprocessing.get_context("fork")
        ready, results = context.Barrier(STARTS), context.Queue()
        processes = [
            context.Process(target=_start, args=(str(data_dir), ready, results))
            for _ in range(STARTS)
        ]
        for process in processes:
            process.start()
        tokens = [results.get(timeout=60) for _ in processes]
        for process in processes:
            process.join(timeout=60)
        assert not [token for token in tokens if token.startswith("error")]
        key = load_fernet(data_dir)
        assert {key.decrypt(token.encode()) for token in tokens} == {b"same key"}
        assert (data_dir / KEY_FILE).read_bytes().strip()
        assert sorted(path.name for path in data_dir.iterdir()) == [KEY_FILE]  # no drafts left
