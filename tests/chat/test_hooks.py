"""chat.hooks.after_commit_batched: items committed while the background thread is busy go to
one call; outside a consumer every item is handled on commit."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from chat import events, hooks


@pytest.fixture(autouse=True)
def _no_leftovers() -> None:
    hooks._pending.clear()


def test_items_committed_before_the_thread_drains_go_in_one_call_per_key() -> None:
    calls: list[tuple[str, list[Any]]] = []

    def runner(name: str) -> hooks.BatchRunner:
        return lambda items: calls.append((name, items))

    a, b = runner("a"), runner("b")
    boxes = []
    for item, key, run in [(1, "k1", a), (2, "k2", b), (3, "k1", a)]:
        with events.collect(committed=True) as box:
            hooks.after_commit_batched(key, item, run)
        boxes.append(box)
    assert calls == []  # nothing runs inside the DB call

    boxes[0].jobs[0]()  # the background thread takes the first job: everything pending
    assert calls == [("a", [1, 3]), ("b", [2])]
    boxes[1].jobs[0]()
    boxes[2].jobs[0]()
    assert len(calls) == 2  # the later jobs find their items taken


def test_a_batch_is_cut_at_batch_max_and_a_failing_one_does_not_stop_the_rest(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(hooks, "BATCH_MAX", 2)
    seen: list[list[int]] = []

    def flaky(items: list[int]) -> None:
        seen.append(items)
        if items == [1, 2]:
            raise RuntimeError("broker down")

    with events.collect(committed=True) as box:
        for item in range(1, 6):
            hooks.after_commit_batched("k", item, flaky)
    box.jobs[0]()
    assert seen == [[1, 2], [3, 4], [5]]
    assert "after-commit batch" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_in_a_transaction_items_enlist_only_when_it_commits() -> None:
    calls: list[list[int]] = []
    with events.collect() as box:
        with transaction.atomic():
            hooks.after_commit_batched("k", 1, calls.append)
        try:
            with transaction.atomic():
                hooks.after_commit_batched("k", 2, calls.append)
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert len(box.jobs) == 1
    box.jobs[0]()
    assert calls == [[1]]


@pytest.mark.django_db(transaction=True)
def test_outside_a_consumer_each_item_runs_on_commit() -> None:
    calls: list[list[int]] = []
    with transaction.atomic():
        hooks.after_commit_batched("k", 1, calls.append)
        hooks.after_commit_batched("k", 2, calls.append)
        assert calls == []
    assert calls == [[1], [2]]
    assert hooks._pending == {}


def test_under_load_batches_go_at_most_once_per_interval(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(round(seconds, 3))
        clock[0] += seconds

    monkeypatch.setattr(hooks.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(hooks.time, "sleep", sleep)
    monkeypatch.setattr(hooks, "_last_drain", 0.0)
    calls: list[list[int]] = []

    def commit(item: int) -> events.Outbox:
        with events.collect(committed=True) as box:
            hooks.after_commit_batched("k", item, calls.append)
        return box

    commit(1).jobs[0]()  # a quiet moment: at once
    clock[0] += 0.005
    second = commit(2)
    commit(3)
    second.jobs[0]()  # 5 ms after the last batch: waits 15 ms and takes both
    assert calls == [[1], [2, 3]] and slept == [0.015]
    clock[0] += 1.0
    commit(4).jobs[0]()
    assert calls[-1] == [4] and slept == [0.015]
