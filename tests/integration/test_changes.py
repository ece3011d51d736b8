"""How changes travel: announced once after the commit, heard by other processes' watchers."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from klantreis.domain import Card, MethodStep
from klantreis.exchange.importer import import_document
from klantreis.exchange.templates import load_template
from klantreis.service import Service
from klantreis.store.changes import Change, ChangeFeed
from klantreis.store.store import Store
from klantreis.store.watch import ChangeWatcher, FileLook
from tests.served import wait_until


def _card(service: Service, text: str) -> Card:
    segment = service.snapshot().segments[0]
    return Card(workshop_id=service.workshop_id, segment_id=segment.id, kind="need", text=text)


def test_a_commit_is_announced_once_with_its_revision_kind_and_entity(
    orchestra: Service,
) -> None:
    heard: list[list[Change]] = []
    subscription = orchestra.subscribe(heard.append)
    before = orchestra.revision()
    card = orchestra.add_card(_card(orchestra, "Announced"))
    assert len(heard) == 1
    (change,) = heard[0]
    assert change.revision == orchestra.revision() == before + 1
    assert (change.action, change.entity, change.entity_id) == ("create", "card", card.id)
    assert orchestra.changes_since(before) == heard[0]  # the audit trail is the source of truth
    subscription.close()
    orchestra.open_method_step(MethodStep.MAPPING)
    assert len(heard) == 1  # a closed subscription hears nothing more


def test_a_refused_change_is_not_announced(orchestra: Service) -> None:
    heard: list[list[Change]] = []
    orchestra.subscribe(heard.append)
    person = orchestra.join("Closed step")
    heard.clear()
    with pytest.raises(Exception, match="step"):
        orchestra.add_card(_card(orchestra, "Refused"), person.id)  # no step is open
    assert heard == []


def test_the_feed_delivers_each_revision_once_in_order_and_survives_a_broken_listener() -> None:
    feed = ChangeFeed()
    got: list[int] = []

    def broken(_changes: list[Change]) -> None:
        raise RuntimeError("a page that failed")

    feed.subscribe("w", broken)
    feed.subscribe("w", lambda changes: got.extend(c.revision for c in changes))
    feed.subscribe("other", lambda changes: got.append(-1))
    feed.publish([Change("w", 2, "create", "card", "b"), Change("w", 1, "create", "card", "a")])
    feed.publish([Change("w", 2, "create", "card", "b"), Change("w", 3, "vote", "vote", "c")])
    assert got == [1, 2, 3]
    assert feed.revision("w") == 3 and feed.subscribers("w") == 2


def test_shared_snapshots_are_read_once_per_revision(orchestra: Service) -> None:
    orchestra.share_snapshots()
    first = orchestra.snapshot()
    assert orchestra.snapshot() is first  # nothing changed: the same object for every page
    orchestra.add_card(_card(orchestra, "New"))
    second = orchestra.snapshot()
    assert second is not first and second.revision > first.revision
    assert "New" in [c.text for c in second.cards]


def test_arrivals_are_added_to_the_shared_snapshot_without_reading_the_workshop_again(
    orchestra: Service,
) -> None:
    orchestra.share_snapshots()
    first = orchestra.snapshot()
    anna, ben = orchestra.join("Anna"), orchestra.join("Ben")
    orchestra.join("anna ")  # the same person again: no change
    after = orchestra.snapshot()
    assert after.revision == orchestra.revision() > first.revision
    assert after.cards is first.cards  # the group's results were not read again
    assert after.content_key() == first.content_key()
    whole = orchestra._read_snapshot()
    assert after.model_dump() == whole.model_dump()  # the same as a whole read
    assert [p.id for p in after.participants][-2:] == [anna.id, ben.id]
    orchestra.add_card(_card(orchestra, "After the arrivals"))
    orchestra.join("Carla")
    mixed = orchestra.snapshot()  # a change besides joining: the workshop is read whole
    assert mixed.cards is not first.cards
    assert "After the arrivals" in [c.text for c in mixed.cards]
    assert "Carla" in [p.name for p in mixed.participants]


def test_a_chart_is_made_once_per_change_of_results_not_per_arrival(orchestra: Service) -> None:
    from klantreis.widgets.chart_slot import MadeSpec, SharedSpecs

    from klantreis.charts import card_board

    specs = SharedSpecs()
    orchestra.share_snapshots()

    def board(snapshot: object) -> MadeSpec:
        time.sleep(0.05)  # a chart takes a while: pages arriving meanwhile must not make it too
        return MadeSpec.of(card_board(orchestra.snapshot()).to_dict(validate=False))

    first = specs.get("board", orchestra.revision(), orchestra.snapshot(), board)
    orchestra.join("Arriving")  # a new revision, the same results
    again = specs.get("board", orchestra.revision(), orchestra.snapshot(), board)
    assert again is first and specs.made == 1
    orchestra.add_card(_card(orchestra, "A new need"))
    remade = specs.get("board", orchestra.revision(), orchestra.snapshot(), board)
    assert specs.made == 2 and "A new need" in str(remade)
    orchestra.add_card(_card(orchestra, "Arriving together"))
    snapshot, results = orchestra.snapshot(), []
    pages = [
        threading.Thread(
            target=lambda: results.append(specs.get("board", snapshot.revision, snapshot, board))
        )
        for _ in range(8)
    ]
    for page in pages:
        page.start()
    for page in pages:
        page.join()
    assert specs.made == 3 and all(r is results[0] for r in results)  # made once, shared


def test_another_process_hears_a_commit_through_its_watcher(database_url: str) -> None:
    """Two stores on one database stand for two processes (the room and the dashboard, or two
    room processes): on PostgreSQL the watcher LISTENs, on SQLite it checks the revision."""
    writer_store = Store(database_url)
    reader_store = Store(database_url)
    writer = import_document(writer_store, load_template("orchestra", "en"))
    reader = Service(reader_store, writer.workshop_id)
    heard: list[Change] = []
    arrived = threading.Event()

    def listen(changes: list[Change]) -> None:
        heard.extend(changes)
        arrived.set()

    reader.subscribe(listen)
    watcher = ChangeWatcher(reader_store, writer.workshop_id).start()
    try:
        time.sleep(0.3)  # let the watcher start listening; what came before it is read anyway
        started = time.monotonic()
        card = writer.add_card(_card(writer, "From the other process"))
        assert arrived.wait(10), "the other process never heard the change"
        latency = time.monotonic() - started
        assert [c.entity_id for c in heard] == [card.id]
        assert latency < 5  # measured in benchmarks/room.py; this only rules out a lost message
        writer.open_method_step(MethodStep.MAPPING)
        wait_until(lambda: len(heard) == 2)
        assert heard[1].action == "open_step" and heard[1].revision > heard[0].revision
    finally:
        watcher.stop()
        writer_store.close()
        reader_store.close()


def _age(*paths: Path) -> None:
    """Date files an hour back, as if their last write were long ago."""
    old = time.time() - 3600
    for path in paths:
        os.utime(path, (old, old))


def test_a_look_at_the_files_says_whether_a_sqlite_database_may_have_changed(
    tmp_path: Path,
) -> None:
    database, log = tmp_path / "w.sqlite", tmp_path / "w.sqlite-wal"
    database.write_bytes(b"db")
    log.write_bytes(b"")
    _age(database, log)
    look = FileLook(str(database))
    assert not look.may_have_changed()  # nothing written since it was made, and long ago
    log.write_bytes(b"a commit")
    _age(log)  # even with the old time, the size tells
    assert look.may_have_changed() and not look.may_have_changed()
    log.write_bytes(b"a second")  # the same size, just now: the time tells
    assert look.may_have_changed()
    assert look.may_have_changed()  # written too recently to trust the clock: look again
    _age(database, log)
    assert look.may_have_changed() and not look.may_have_changed()
    log.unlink()  # a checkpoint removed the log
    assert look.may_have_changed()
    memory = FileLook(":memory:")
    assert memory.may_have_changed() and memory.may_have_changed()  # no file: always ask


def test_a_watcher_asks_a_quiet_sqlite_database_nothing_and_still_hears_a_commit(
    tmp_path: Path,
) -> None:
    """The room's watcher on a SQLite file: no query while no process writes, one as soon as
    another process commits (what keeps an idle room, projector open, off the database)."""
    url = f"sqlite:///{tmp_path / 'w.sqlite'}"
    writer_store, reader_store = Store(url), Store(url)
    writer = import_document(writer_store, load_template("orchestra", "en"))
    reader = Service(reader_store, writer.workshop_id)
    heard: list[Change] = []
    reader.subscribe(heard.extend)
    _age(*(p for p in tmp_path.iterdir() if p.name.startswith("w.sqlite")))
    watcher = ChangeWatcher(reader_store, writer.workshop_id).start()
    try:
        wait_until(lambda: watcher.looks >= 5)
        assert watcher.queries == 0
        card = writer.add_card(_card(writer, "After the quiet"))
        wait_until(lambda: [c.entity_id for c in heard] == [card.id])
        assert watcher.queries >= 1
    finally:
        watcher.stop()
        writer_store.close()
        reader_store.close()


def test_revisions_follow_the_order_of_the_commits(database_url: str) -> None:
    """A transaction that started first but commits last gets the later revision: a reader
    that saw the newer revision would otherwise never see the older one's change (on
    PostgreSQL a hundred pages saving at once once showed 299 of 300 cards)."""
    from klantreis.domain.audit import Action, AuditEntry

    store = Store(database_url)
    workshop_id = import_document(store, load_template("orchestra", "en")).workshop_id
    entry = AuditEntry(workshop_id=workshop_id, action=Action.UPDATE, entity="card", entity_id="x")
    slow_has_recorded = threading.Event()
    fast_has_committed = threading.Event()
    committed: list[int] = []  # revisions in the order their transactions committed
    # SQLite lets one writer in at a time: there the fast writer queues behind the slow one.
    pause = 10 if store.backend == "postgresql" else 0

    def slow() -> None:
        with store.write() as tx:
            tx.record(entry)
            slow_has_recorded.set()
            fast_has_committed.wait(pause)
        committed.append(tx.changes[0].revision)

    def fast() -> None:
        slow_has_recorded.wait(10)
        with store.write() as tx:
            tx.record(entry)
        committed.append(tx.changes[0].revision)
        fast_has_committed.set()

    threads = [threading.Thread(target=slow), threading.Thread(target=fast)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert len(committed) == 2 and committed == sorted(committed)
        assert Service(store, workshop_id).revision() == committed[-1]
    finally:
        store.close()


@pytest.mark.postgres
def test_a_watcher_catches_up_after_postgres_restarts(
    postgres_url: str, postgres_server: str
) -> None:
    """Commits made while the listening connection was down are read from the audit trail
    when it is back: nothing is lost to a restart."""
    writer_store = Store(postgres_url)
    reader_store = Store(postgres_url)
    writer = import_document(writer_store, load_template("orchestra", "en"))
    heard: list[Change] = []
    reader_store.feed.subscribe(writer.workshop_id, heard.extend)
    watcher = ChangeWatcher(reader_store, writer.workshop_id).start()
    try:
        wait_until(lambda: watcher._connection is not None)
        watcher._connection.close()  # the listening connection is cut, as by a restart
        writer.add_card(_card(writer, "While nobody listened"))
        wait_until(lambda: any(c.entity == "card" for c in heard))
    finally:
        watcher.stop()
        writer_store.close()
        reader_store.close()


def test_analytics_imports_rules_and_counts_are_audited_and_announced(
    orchestra_on_disk: tuple[Service, object],
) -> None:
    from klantreis.analytics.sample import sample_rules, traffic_export

    service, _folder = orchestra_on_disk
    heard: list[Change] = []
    service.subscribe(heard.extend)
    service.import_traffic(traffic_export(600, "en"))
    service.save_rules(sample_rules(service.snapshot(), "en"))
    service.save_counts({1: 100, 2: 60})
    assert [(c.action, c.entity, c.entity_id) for c in heard] == [
        ("import", "analytics", "traffic"),
        ("import", "analytics", "rules"),
        ("import", "analytics", "counts"),
    ]
    trail = service.audit_trail(limit=3)
    assert trail[0].entity_id == "counts" and trail[0].summary == {"steps": 2}
    assert trail[2].summary["rows"] > 0
