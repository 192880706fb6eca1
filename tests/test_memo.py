"""The process-wide memories hold at most their bound, dropping the oldest entry first."""
from __future__ import annotations

from greenmine_docs.memo import remember


def test_a_memory_keeps_its_newest_entries_up_to_its_bound() -> None:
    memo: dict[int, str] = {}
    for i in range(10):
        assert remember(memo, i, f"v{i}", 4) == f"v{i}"
    assert list(memo.items()) == [(6, "v6"), (7, "v7"), (8, "v8"), (9, "v9")]
