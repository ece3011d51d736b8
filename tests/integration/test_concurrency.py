"""Many participants at once: every submission lands exactly once, limits hold, nobody overwrites.

Each test starts real processes (not threads) against the same database file or server.
"""

from __future__ import annotations

import multiprocessing
import time
from collections import Counter
from typing import Any

import pytest

from klantreis.domain import (
    Card,
    CardKind,
    Conflict,
    KlantreisError,
    MethodStep,
    VoteLimitReached,
)
from klantreis.exchange.importer import import_document
from klantreis.exchange.templates import load_template
from klantreis.i18n import t
from klantreis.service import Service
from klantreis.store.store import Store

pytestmark = pytest.mark.slow  # twenty processes per test

PROCESSES = 20
SUBMISSIONS = 50


def _submit_cards(url: str, workshop_id: str, worker: int, barrier: Any, out: Any) -> None:
    store = Store(url)
    service = Service(store, workshop_id)
    me = service.join(f"Worker {worker}")
    segment_id = service.snapshot().segments[0].id
    barrier.wait()
    started = time.perf_counter()
    for n in range(SUBMISSIONS):
        card = Card(
            id=f"w{worker:02d}-c{n:03d}",
            workshop_id=workshop_id,
            segment_id=segment_id,
            kind=CardKind.NEED,
            text=f"Need {n} from worker {worker}",
        )
        service.add_card(card, me.id)
    out.put(time.perf_counter() - started)
    store.close()


def _vote_greedily(
    url: str, workshop_id: str, worker: int, card_ids: list[str], barrier: Any, out: Any
) -> None:
    store = Store(url)
    service = Service(store, workshop_id)
    me = service.join(f"Voter {worker}")
    barrier.wait()
    placed = refused = 0
    for attempt in range(12):
        try:
            service.vote(card_ids[(worker + attempt) % len(card_ids)], me.id)
            placed += 1
        except VoteLimitReached:
            refused += 1
    out.put((placed, refused))
    store.close()


def _edit_same_card(
    url: str, workshop_id: str, card: dict[str, Any], worker: int, barrier: Any, out: Any
) -> None:
    store = Store(url)
    service = Service(store, workshop_id)
    stale = Card.model_validate(card)
    barrier.wait()
    try:
        service.edit_card(stale.model_copy(update={"text": f"Edited by {worker}"}))
        out.put("saved")
    except Conflict:
        out.put("conflict")
    store.close()


def _join_as_anna(url: str, workshop_id: str, worker: int, barrier: Any, out: Any) -> None:
    store = Store(url)
    service = Service(store, workshop_id)
    barrier.wait()
    out.put(service.join("Anna" if worker % 2 else " anna ").id)
    store.close()


def _add_until_closed(url: str, workshop_id: str, worker: int, barrier: Any, out: Any) -> None:
    """Add cards in a loop while the facilitator (worker 0) closes the step halfway."""
    store = Store(url)
    service = Service(store, workshop_id)
    me = service.join(f"Hurried {worker}")
    segment_id = service.snapshot().segments[0].id
    barrier.wait()
    saved, refused = [], []
    for n in range(20):
        if worker == 0 and n == 10:
            service.open_method_step(None)
        card = Card(
            workshop_id=workshop_id, segment_id=segment_id, kind=CardKind.NEED, text=f"{worker}-{n}"
        )
        try:
            service.add_card(card, me.id)
            saved.append(card.text)
        except KlantreisError as refusal:
            refused.append(refusal.message("en"))
    out.put((saved, refused))
    store.close()


def _double_click_as_anna(
    url: str, workshop_id: str, worker: int, card_ids: list[str], barrier: Any, out: Any
) -> None:
    """One person's two tabs (and double clicks): every worker is Anna, pressing Vote twice."""
    store = Store(url)
    service = Service(store, workshop_id)
    anna = service.join("Anna")
    barrier.wait()
    placed, refused = 0, []
    for press in range(2):
        try:
            service.vote(card_ids[(worker + press) % len(card_ids)], anna.id)
            placed += 1
        except KlantreisError as refusal:
            refused.append(refusal.message("en"))
    out.put((placed, refused))
    store.close()


def _vote_while_removed(
    url: str, workshop_id: str, worker: int, card_id: str, barrier: Any, out: Any
) -> None:
    """Vote on one card over and over while the facilitator (worker 0) takes it off the wall."""
    store = Store(url)
    service = Service(store, workshop_id)
    me = service.join(f"Voter {worker}")
    barrier.wait()
    placed, refused = 0, []
    for n in range(6):
        if worker == 0 and n == 2:
            service.remove_card(card_id)
            continue
        try:
            service.vote(card_id, me.id)
            placed += 1
        except KlantreisError as refusal:
            refused.append(refusal.message("en"))
    out.put((me.id, placed, refused))
    store.close()


def _processes() -> Any:
    """Real processes, started by a fork server that imported the kit once: each of the
    twenty starts in milliseconds instead of importing everything again (as "spawn" did, ten
    seconds of processor time per test), and none inherits the test process's threads or
    connections (as a plain fork would)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    return context


def _run(target: Any, args_for: Any) -> list[Any]:
    context = _processes()
    barrier = context.Barrier(PROCESSES)
    out = context.Queue()
    workers = [
        context.Process(target=target, args=(*args_for(i), barrier, out)) for i in range(PROCESSES)
    ]
    for worker in workers:
        worker.start()
    results = [out.get(timeout=300) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    return results


@pytest.fixture
def mapping_workshop(database_url: str) -> Service:
    """A workshop (orchestra template) with the mapping step open, in the parametrised database."""
    service = import_document(Store(database_url), load_template("orchestra", "en"))
    service.open_method_step(MethodStep.MAPPING)
    return service


def test_every_submission_lands_exactly_once(database_url: str, mapping_workshop: Service) -> None:
    before = len(mapping_workshop.snapshot().cards)
    started = time.perf_counter()
    per_worker = _run(_submit_cards, lambda i: (database_url, mapping_workshop.workshop_id, i))
    elapsed = time.perf_counter() - started
    snap = mapping_workshop.snapshot()
    ours = Counter(card.id for card in snap.cards if card.id.startswith("w"))
    expected = {f"w{w:02d}-c{n:03d}" for w in range(PROCESSES) for n in range(SUBMISSIONS)}
    assert set(ours) == expected
    assert max(ours.values()) == 1
    assert len(snap.cards) == before + PROCESSES * SUBMISSIONS
    authors = Counter(card.author_id for card in snap.cards if card.id in expected)
    assert sorted(authors.values()) == [SUBMISSIONS] * PROCESSES
    total = PROCESSES * SUBMISSIONS
    print(
        f"\n[concurrency] {mapping_workshop.store.backend}: {PROCESSES} processes x {SUBMISSIONS}"
        f" submissions = {total} cards, {len(ours)} present, 0 duplicates;"
        f" {elapsed:.1f} s wall incl. start-up, slowest writer {max(per_worker):.2f} s,"
        f" {total / max(per_worker):.0f} submissions/s"
    )


def test_racing_voters_never_exceed_their_dots(
    database_url: str, mapping_workshop: Service
) -> None:
    dots = mapping_workshop.workshop().dots_per_participant
    cards = [c.id for c in mapping_workshop.snapshot().active_cards()]
    results = _run(_vote_greedily, lambda i: (database_url, mapping_workshop.workshop_id, i, cards))
    assert results == [(dots, 12 - dots)] * PROCESSES
    votes = mapping_workshop.snapshot().votes
    assert len(votes) == PROCESSES * dots
    per_person = Counter(v.participant_id for v in votes)
    assert set(per_person.values()) == {dots}


def test_simultaneous_edits_of_one_card_save_exactly_one(
    database_url: str, mapping_workshop: Service
) -> None:
    card = mapping_workshop.snapshot().cards[0]
    results = _run(
        _edit_same_card,
        lambda i: (database_url, mapping_workshop.workshop_id, card.model_dump(), i),
    )
    assert Counter(results) == {"saved": 1, "conflict": PROCESSES - 1}
    stored = mapping_workshop.snapshot().card(card.id)
    assert stored is not None and stored.version == 2 and stored.text.startswith("Edited by")


def test_a_hundred_pages_of_one_room_save_and_read_at_once(
    database_url: str, mapping_workshop: Service
) -> None:
    """One room process: a hundred page threads share one store (its pool holds far fewer
    connections). Each adds cards and reads the shared snapshot after every save, as a page
    does; every card lands once and no page meets a database error."""
    import threading

    mapping_workshop.share_snapshots()
    segment_id = mapping_workshop.snapshot().segments[0].id
    people = [mapping_workshop.join(f"Page {n}") for n in range(100)]
    start = threading.Barrier(len(people))
    failures: list[BaseException] = []

    def page(number: int, person_id: str) -> None:
        start.wait()
        try:
            for index in range(3):
                card = Card(
                    workshop_id=mapping_workshop.workshop_id,
                    segment_id=segment_id,
                    kind=CardKind.NEED,
                    text=f"Page {number} card {index}",
                )
                mapping_workshop.add_card(card, person_id)
                mapping_workshop.snapshot()
        except BaseException as exc:  # reported below with the others
            failures.append(exc)

    threads = [threading.Thread(target=page, args=(n, p.id)) for n, p in enumerate(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    texts = Counter(c.text for c in mapping_workshop.snapshot().cards if c.text.startswith("Page"))
    assert len(texts) == 300 and set(texts.values()) == {1}


def test_the_same_name_joining_at_the_same_moment_is_one_participant(
    database_url: str, mapping_workshop: Service
) -> None:
    ids = _run(_join_as_anna, lambda i: (database_url, mapping_workshop.workshop_id, i))
    assert len(set(ids)) == 1
    names = [p.name for p in mapping_workshop.snapshot().participants]
    assert len([n for n in names if n.casefold() == "anna"]) == 1


def test_cards_added_while_the_step_closes_are_stored_or_refused_with_a_reason(
    database_url: str, mapping_workshop: Service
) -> None:
    results = _run(_add_until_closed, lambda i: (database_url, mapping_workshop.workshop_id, i))
    saved = [text for got, _refused in results for text in got]
    reasons = {reason for _saved, refused in results for reason in refused}
    stored = [c.text for c in mapping_workshop.snapshot().cards if "-" in c.text]
    assert sorted(stored) == sorted(saved)  # every acknowledged card once, nothing else
    assert len(saved) < PROCESSES * 20 and reasons  # some came after the close...
    assert all("step" in reason for reason in reasons), reasons  # ...and were told why


def test_two_tabs_of_one_person_double_clicking_never_place_more_dots_than_allowed(
    database_url: str, mapping_workshop: Service
) -> None:
    dots = mapping_workshop.workshop().dots_per_participant
    cards = [c.id for c in mapping_workshop.snapshot().active_cards()]
    results = _run(
        _double_click_as_anna, lambda i: (database_url, mapping_workshop.workshop_id, i, cards)
    )
    assert sum(placed for placed, _refused in results) == dots
    reasons = {reason for _placed, refused in results for reason in refused}
    assert len(reasons) == 1 and str(dots) in reasons.pop()  # "you have used your N dots"
    snapshot = mapping_workshop.snapshot()
    anna = next(p for p in snapshot.participants if p.name == "Anna")
    assert len([v for v in snapshot.votes if v.participant_id == anna.id]) == dots
    assert snapshot.dots_left(anna.id) == 0


def test_a_vote_on_a_card_as_it_is_removed_is_placed_and_given_back_or_refused(
    database_url: str, mapping_workshop: Service
) -> None:
    card = mapping_workshop.snapshot().active_cards()[0]
    results = _run(
        _vote_while_removed, lambda i: (database_url, mapping_workshop.workshop_id, i, card.id)
    )
    snapshot = mapping_workshop.snapshot()
    removed = snapshot.card(card.id)
    assert removed is not None and not removed.is_active
    assert [v for v in snapshot.votes if v.card_id == card.id] == []  # no dot stays on it
    dots = snapshot.workshop.dots_per_participant
    assert all(snapshot.dots_left(person) == dots for person, _placed, _refused in results)
    assert sum(placed for _person, placed, _refused in results) > 0  # some came before...
    reasons = {reason for _person, _placed, refused in results for reason in refused}
    gone, full = t("error.not_found", "en"), VoteLimitReached(dots=dots).message("en")
    assert gone in reasons and reasons <= {gone, full}, reasons  # ...the others were told why
