"""Chart builders: every chart of the gallery builds on every template, renders to SVG, and says
what the data says."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import pytest
import vl_convert as vlc

from klantreis.charts import GALLERY, card_board, coverage_check, journey_map
from klantreis.charts.compose import INPUTS, ROOM_STATE, Composer
from klantreis.charts.frames import (
    cards_frame,
    goal_phase_frame,
    journey_frame,
    phase_spans,
    touchpoint_coverage_frame,
    uncovered_frame,
)
from klantreis.charts.static import StaticCharts
from klantreis.domain import (
    Card,
    CardKind,
    Idea,
    IdeaTopic,
    MethodStep,
    RatingKind,
    WorkshopSnapshot,
)
from klantreis.exchange.importer import import_document
from klantreis.exchange.templates import load_template, template_names
from klantreis.store.store import Store


@pytest.fixture(scope="module")
def snapshots() -> dict[str, WorkshopSnapshot]:
    """A snapshot of every template in both languages (module-wide, built once)."""
    store = Store("sqlite:///:memory:")
    return {
        f"{name}.{lang}": import_document(store, load_template(name, lang)).snapshot()
        for name in template_names()
        for lang in ("nl", "en")
    }


def texts(spec: dict[str, Any]) -> str:
    return json.dumps(spec, ensure_ascii=False)


@pytest.mark.slow  # vl-convert draws each chart of ten workshops: 1-4 s per chart
@pytest.mark.parametrize("chart", list(GALLERY))
def test_every_chart_builds_and_renders_on_every_template(
    snapshots: dict[str, WorkshopSnapshot], chart: str
) -> None:
    for key, snap in snapshots.items():
        spec = GALLERY[chart](snap).to_dict()
        assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/v6"), key
        assert spec["config"]["font"].startswith("system-ui")
        svg = vlc.vegalite_to_svg(spec)
        assert svg.startswith("<svg") and "NaN" not in svg, key


@pytest.mark.parametrize("chart", list(GALLERY))
def test_every_chart_has_tooltips_or_is_text_only(
    snapshots: dict[str, WorkshopSnapshot], chart: str
) -> None:
    for snap in snapshots.values():
        spec = GALLERY[chart](snap).to_dict()
        marks = texts(spec)
        text_only = '"text": {"datum"' in marks  # a message instead of marks, e.g. "all covered"
        assert '"tooltip"' in marks or text_only, chart


def test_titles_follow_the_workshop_language(snapshots: dict[str, WorkshopSnapshot]) -> None:
    assert "De klant in kaart, met stemmen" in texts(
        card_board(snapshots["orchestra.nl"]).to_dict()
    )
    assert "The customer mapped, with votes" in texts(
        card_board(snapshots["orchestra.en"]).to_dict()
    )


def test_the_board_ranks_cards_by_votes_per_column(snapshots: dict[str, WorkshopSnapshot]) -> None:
    service = import_document(Store("sqlite:///:memory:"), load_template("orchestra", "en"))
    service.open_method_step(MethodStep.MAPPING)
    anna = service.join("Anna")
    fear = next(c for c in service.snapshot().cards if c.text == "Afraid of standing out")
    for _ in range(3):
        service.vote(fear.id, anna.id)
    frame = cards_frame(service.snapshot())
    barriers = frame[frame["column"] == "barrier"].sort_values("rank")
    assert barriers["text"].tolist()[0] == "Afraid of standing out"
    assert barriers["votes"].tolist()[0] == 3
    assert set(frame["column"]) == {"need", "barrier", "positive", "negative"}


def test_the_board_shows_the_focus_segment_by_default(
    snapshots: dict[str, WorkshopSnapshot],
) -> None:
    spec = texts(card_board(snapshots["orchestra.en"]).to_dict())
    assert "A night out that is worth it" in spec
    assert "The same familiar seat every season" not in spec  # the subscribers' card


def test_coverage_check_says_when_there_is_nothing_to_cover_yet() -> None:
    service = import_document(Store("sqlite:///:memory:"), load_template("empty", "en"))
    said = texts(coverage_check(service.snapshot()).to_dict())
    assert "No barriers or negative associations on the board yet." in said
    assert "Every barrier and negative association has a measure." not in said


def test_coverage_check_points_at_barriers_without_a_measure() -> None:
    service = import_document(Store("sqlite:///:memory:"), load_template("orchestra", "en"))
    segment = service.snapshot().focus_segment
    assert segment is not None
    assert uncovered_frame(service.snapshot()).empty
    assert "Every barrier and negative association has a measure." in texts(
        coverage_check(service.snapshot()).to_dict()
    )
    service.add_card(
        Card(
            workshop_id=service.workshop_id,
            segment_id=segment.id,
            kind=CardKind.BARRIER,
            text="Parking is hard",
        )
    )
    frame = uncovered_frame(service.snapshot())
    assert frame["text"].tolist() == ["Parking is hard"]


def test_the_goal_phase_matrix_counts_measures_in_their_cells(
    snapshots: dict[str, WorkshopSnapshot],
) -> None:
    frame = goal_phase_frame(snapshots["orchestra.en"])
    assert len(frame) == 4 * 6
    cell = frame[(frame["goal_key"] == "remove_barriers") & (frame["phase"] == "Consideration")]
    assert cell["measures"].tolist() == [1]
    assert frame["measures"].sum() == 4


def test_the_journey_map_follows_the_steps_and_their_phases(
    snapshots: dict[str, WorkshopSnapshot],
) -> None:
    snap = snapshots["b2b_service.en"]
    steps = journey_frame(snap, snap.journeys[0].id)
    assert steps["number"].tolist() == list(range(1, 14))
    spans = phase_spans(steps)
    assert spans["phase"].tolist() == [
        "Awareness",
        "Consideration",
        "Purchase",
        "Service",
        "Loyalty",
    ]
    assert (spans["start"].tolist(), spans["end"].tolist()) == (
        [1, 3, 10, 12, 13],
        [2, 9, 11, 12, 13],
    )
    assert "rates our service 8 or higher" in texts(journey_map(snap).to_dict())


def test_touchpoint_coverage_counts_per_phase_and_department(
    snapshots: dict[str, WorkshopSnapshot],
) -> None:
    frame = touchpoint_coverage_frame(snapshots["webshop.en"])
    service = frame[(frame["phase"] == "Service") & (frame["department"] == "Customer service")]
    assert service[["touchpoints", "steps", "measures"]].values.tolist() == [[2, 2, 1]]


def test_typed_html_in_a_chart_stays_data_and_cannot_end_the_script() -> None:
    service = import_document(Store("sqlite:///:memory:"), load_template("empty", "en"))
    snap = service.snapshot()
    from klantreis.domain import Segment

    segment = service.save_segment(
        Segment(workshop_id=service.workshop_id, name="S", is_focus=True)
    )
    payload = "</script><script>alert(1)</script><img src=x onerror=alert(2)>"
    service.add_card(
        Card(
            workshop_id=service.workshop_id, segment_id=segment.id, kind=CardKind.NEED, text=payload
        )
    )
    snap = service.snapshot()
    html = StaticCharts().fragment(card_board(snap), label='"><b>label</b>')
    assert "</script><script>alert(1)" not in html
    assert "<\\/script><script>alert(1)<\\/script>" in html
    assert 'aria-label="&quot;&gt;&lt;b&gt;label&lt;/b&gt;"' in html


def test_static_charts_include_the_bundle_once_per_document(
    snapshots: dict[str, WorkshopSnapshot],
) -> None:
    writer = StaticCharts()
    first = writer.fragment(card_board(snapshots["orchestra.en"]))
    second = writer.fragment(journey_map(snapshots["orchestra.en"]))
    assert first.count("<script>(function () {") == 1
    assert second.count("<script>(function () {") == 0
    assert len(first) > 500_000 > len(second)


def voted_snapshots(snapshots: dict[str, WorkshopSnapshot]) -> list[WorkshopSnapshot]:
    """The English template snapshots (language changes no input) plus one with what the room
    adds: votes, proposals, persona additions, segment scores and feelings."""
    service = import_document(Store("sqlite:///:memory:"), load_template("orchestra", "en"))
    service.open_method_step(MethodStep.MAPPING)
    anna = service.join("Anna")
    for card in service.snapshot().active_cards()[:3]:
        service.vote(card.id, anna.id)
    snap = service.snapshot()
    focus = snap.focus_segment or snap.segments[0]
    service.open_method_step(MethodStep.PERSONA)
    for topic in (IdeaTopic.QUOTE, IdeaTopic.FUNCTIONAL_NEED, IdeaTopic.EMOTIONAL_NEED):
        text = f"Room {topic.value}"
        idea = Idea(workshop_id=service.workshop_id, topic=topic, text=text, segment_id=focus.id)
        service.add_idea(idea, anna.id)
    service.open_method_step(MethodStep.SCOPE)
    service.rate(RatingKind.SEGMENT_SCORE, focus.id, anna.id, 2)
    service.open_method_step(MethodStep.JOURNEY)
    service.rate(RatingKind.FEELING, service.snapshot().ideal_steps[0].id, anna.id, -2)
    return [*(s for k, s in snapshots.items() if k.endswith(".en")), service.snapshot()]


def altairs_own_stacking(snapshot: WorkshopSnapshot) -> dict[str, Any]:
    """Every gallery chart stacked by Altair itself (``vconcat``) with the theme applied once:
    what :func:`~klantreis.charts.compose.stack_specs` does on plain dicts, done the slow way."""
    import altair as alt

    from klantreis.charts.compose import INDEPENDENT, SPACING
    from klantreis.charts.theme import themed

    charts = [build(snapshot) for build in GALLERY.values()]
    for chart in charts:
        chart.config = alt.Undefined  # the theme is applied once, to the whole
    stacked = alt.vconcat(*charts, spacing=SPACING, resolve=alt.Resolve.from_dict(INDEPENDENT))
    return dict(themed(stacked, snapshot.workshop.language).to_dict(validate=False))


@pytest.mark.parametrize("key", ["orchestra.nl", "webshop.en"])
def test_stacked_specs_equal_altairs_own_stacking(
    snapshots: dict[str, WorkshopSnapshot], key: str
) -> None:
    assert Composer()(snapshots[key]) == altairs_own_stacking(snapshots[key])


def fields_read_by(build: Any, snapshot: WorkshopSnapshot) -> set[str]:
    """The snapshot fields ``build`` reads, also through the snapshot's own methods (a copy of
    the snapshot that records every field asked of it, with no cached results)."""
    read: set[str] = set()
    fields = set(WorkshopSnapshot.model_fields)

    class Recording(WorkshopSnapshot):
        def __getattribute__(self, name: str) -> Any:
            if name in fields:
                read.add(name)
            return super().__getattribute__(name)

    values = {name: getattr(snapshot, name) for name in fields}
    build(Recording.model_construct(**values))
    return read


@pytest.mark.parametrize("chart", list(GALLERY))
def test_a_chart_reads_only_the_inputs_it_declares(
    snapshots: dict[str, WorkshopSnapshot], chart: str
) -> None:
    """If a builder read a part of the snapshot missing from INPUTS, a live page would keep
    showing the old chart after that part changed: every field it reads must be declared, and
    the workshop's room state must change nothing."""
    assert set(INPUTS) == set(GALLERY)
    for snap in voted_snapshots(snapshots):
        read = fields_read_by(GALLERY[chart], snap)
        assert read <= {"workshop", "revision", *INPUTS[chart]}, read - set(INPUTS[chart])
        spec = GALLERY[chart](snap).to_dict(validate=False)
        room = snap.workshop.model_copy(
            update={
                "open_step": (
                    MethodStep.DATA
                    if snap.workshop.open_step is MethodStep.JOURNEY
                    else MethodStep.JOURNEY
                ),
                "timer_ends_at": datetime.now(UTC),
                "allow_anonymous": not snap.workshop.allow_anonymous,
                "results_hidden": not snap.workshop.results_hidden,
                "input_locked": not snap.workshop.input_locked,
                "dots_per_participant": 9,
                "version": snap.workshop.version + 1,
            }
        )
        assert {n for n in ROOM_STATE if getattr(room, n) != getattr(snap.workshop, n)} == set(
            ROOM_STATE
        )
        moved = snap.model_copy(update={"workshop": room})
        assert GALLERY[chart](moved).to_dict(validate=False) == spec


def test_the_recording_snapshot_sees_reads_through_methods(
    snapshots: dict[str, WorkshopSnapshot],
) -> None:
    """The proof above would pass vacuously if reads through a snapshot method went unseen."""
    snap = snapshots["orchestra.en"]
    assert fields_read_by(lambda s: s.active_cards(), snap) >= {"cards"}
    assert fields_read_by(lambda s: s.workshop.title, snap) == {"workshop"}


def test_the_composer_remakes_only_charts_whose_inputs_changed() -> None:
    service = import_document(Store("sqlite:///:memory:"), load_template("orchestra", "en"))
    composer = Composer()
    first = composer(service.snapshot())
    assert composer.built == len(GALLERY)
    assert composer(service.snapshot()) == first
    assert composer.built == len(GALLERY)  # nothing changed, nothing made
    service.open_method_step(MethodStep.MAPPING)  # room state only
    composer(service.snapshot())
    assert composer.built == len(GALLERY)
    focus = service.snapshot().focus_segment
    assert focus is not None
    service.add_card(
        Card(workshop_id=service.workshop_id, segment_id=focus.id, kind=CardKind.NEED, text="Z")
    )
    after = composer(service.snapshot())
    remade = [name for name in GALLERY if "cards" in INPUTS[name]]
    assert composer.built == len(GALLERY) + len(remade)
    assert "journey_map" not in remade
    assert '"Z"' in texts(after) and '"Z"' not in texts(first)


@pytest.mark.parametrize(("lang", "written"), [("nl", "3.460,5"), ("en", "3,460.5")])
def test_numbers_in_charts_are_written_as_the_language_writes_them(lang: str, written: str) -> None:
    import altair as alt

    from klantreis.charts.theme import themed

    chart = (
        alt.Chart(alt.Data(values=[{"n": 3460.5}]))
        .mark_text()
        .encode(text=alt.Text("n:Q", format=",.1f"))
    )
    assert f">{written}<" in vlc.vegalite_to_svg(themed(chart, lang).to_dict())


@pytest.mark.slow  # vl-convert draws each chart of ten workshops: 1-4 s per chart
@pytest.mark.parametrize("chart", sorted(GALLERY))
def test_every_chart_fits_a_phone_in_its_phone_layout(
    snapshots: dict[str, WorkshopSnapshot], chart: str
) -> None:
    """On a 390 px phone a chart fits the page (a 937 px chart in a 352 px box was the bug)."""
    import re

    from klantreis.charts.compose import PHONE_WIDTH, for_phone

    for key, snap in snapshots.items():
        spec = GALLERY[chart](snap).to_dict(validate=False)
        before = json.dumps(spec, sort_keys=True)
        phone = for_phone(spec)
        assert json.dumps(spec, sort_keys=True) == before  # shared specs are never changed
        svg = vlc.vegalite_to_svg(phone)
        width = float(re.search(r'<svg[^>]* width="([\d.]+)"', svg).group(1))  # type: ignore[union-attr]
        assert width <= PHONE_WIDTH + 30, f"{chart} on {key}: {width:.0f} px wide"


def test_phase_names_are_wrapped_to_their_band_and_never_run_together() -> None:
    """'Latente behoefteBewustwording' was two one-step bands' names running into each other."""
    from klantreis.charts.frames import wrap_label

    assert wrap_label("Latente behoefte", 8) == "Latente\nbehoefte"
    assert wrap_label("Bewustwording", 8) == "Bewustw…"
    assert wrap_label("Zoeken naar informatie en vergelijken", 10) == "Zoeken\nnaar info…"
    steps = pd.DataFrame(
        {
            "number": [1, 2, 3, 4],
            "phase": ["Latente behoefte", "Bewustwording", "Bewustwording", "X"],
        }
    )
    spans = phase_spans(steps, step_width=64)
    widths = (spans["end"] - spans["start"] + 1) * 64 - 10
    for label, width in zip(spans["label"], widths, strict=True):
        assert all(len(line) * 7.0 <= width for line in label.split("\n")), label
