"""Participants in the early steps: proposals and votes, segment scores, persona additions,
feelings per journey step, and who may remove journey steps and touchpoints."""

from __future__ import annotations

import pytest
from pydantic import ValidationError as PydanticError

from klantreis.charts.frames import journey_frame, segments_frame
from klantreis.domain import (
    EntryState,
    Idea,
    IdeaTopic,
    ImportFailed,
    JourneyStep,
    MethodStep,
    NotAllowed,
    NotFound,
    RatingKind,
    Touchpoint,
    ValidationFailed,
    VoteLimitReached,
)
from klantreis.exchange.document import document_from_snapshot, load_document
from klantreis.exchange.importer import import_document
from klantreis.service import Service
from klantreis.store.store import Store


def idea(service: Service, topic: IdeaTopic, text: str, segment_id: str | None = None) -> Idea:
    return Idea(workshop_id=service.workshop_id, topic=topic, text=text, segment_id=segment_id)


def test_a_wording_is_proposed_voted_on_and_withdrawn_in_the_challenge_step(
    orchestra: Service,
) -> None:
    anna, bert = orchestra.join("Anna"), orchestra.join("Bert")
    with pytest.raises(NotAllowed):  # no step open yet
        orchestra.add_idea(idea(orchestra, IdeaTopic.CHALLENGE, "Meer jongeren"), anna.id)
    orchestra.open_method_step(MethodStep.CHALLENGE)
    mine = orchestra.add_idea(idea(orchestra, IdeaTopic.CHALLENGE, "Meer jongeren"), anna.id)
    theirs = orchestra.add_idea(idea(orchestra, IdeaTopic.CHALLENGE, "Vaker terug"), bert.id)
    assert mine.author_id == anna.id
    orchestra.rate(RatingKind.SUPPORT, theirs.id, anna.id, 1)
    orchestra.rate(RatingKind.SUPPORT, theirs.id, anna.id, 1)  # twice is still one vote
    orchestra.rate(RatingKind.SUPPORT, theirs.id, bert.id, 1)
    snap = orchestra.snapshot()
    assert snap.support_counts()[theirs.id] == 2
    assert [i.text for i in snap.active_ideas(IdeaTopic.CHALLENGE)] == [
        "Vaker terug",
        "Meer jongeren",
    ]
    with pytest.raises(NotAllowed):  # someone else's proposal
        orchestra.withdraw_idea(theirs.id, anna.id)
    orchestra.withdraw_idea(theirs.id, bert.id)
    snap = orchestra.snapshot()
    assert snap.support_counts()[theirs.id] == 0  # its votes went with it
    with pytest.raises(NotFound):
        orchestra.rate(RatingKind.SUPPORT, theirs.id, anna.id, 1)
    orchestra.restore_idea(theirs.id)
    assert orchestra.snapshot().idea(theirs.id).state is EntryState.ACTIVE  # type: ignore[union-attr]


def test_votes_per_topic_are_limited_to_the_dots_of_the_workshop(orchestra: Service) -> None:
    orchestra.update_workshop(orchestra.workshop().model_copy(update={"dots_per_participant": 2}))
    orchestra.open_method_step(MethodStep.CHALLENGE)
    anna = orchestra.join("Anna")
    ideas = [orchestra.add_idea(idea(orchestra, IdeaTopic.END_GOAL, f"Doel {n}")) for n in range(3)]
    wording = orchestra.add_idea(idea(orchestra, IdeaTopic.CHALLENGE, "Uitdaging"))
    orchestra.rate(RatingKind.SUPPORT, ideas[0].id, anna.id, 1)
    orchestra.rate(RatingKind.SUPPORT, ideas[1].id, anna.id, 1)
    with pytest.raises(VoteLimitReached):
        orchestra.rate(RatingKind.SUPPORT, ideas[2].id, anna.id, 1)
    orchestra.rate(RatingKind.SUPPORT, wording.id, anna.id, 1)  # another topic, its own dots
    orchestra.rate(RatingKind.SUPPORT, ideas[0].id, anna.id, None)  # taken back
    orchestra.rate(RatingKind.SUPPORT, ideas[2].id, anna.id, 1)
    assert orchestra.snapshot().supported_by(anna.id) == {ideas[1].id, ideas[2].id, wording.id}


def test_segments_are_scored_one_to_five_and_the_group_median_reaches_the_chart(
    orchestra: Service,
) -> None:
    snap = orchestra.snapshot()
    focus = snap.focus_segment
    assert focus is not None
    people = [orchestra.join(name) for name in ("Anna", "Bert", "Cas")]
    with pytest.raises(NotAllowed):
        orchestra.rate(RatingKind.SEGMENT_SCORE, focus.id, people[0].id, 4)
    orchestra.open_method_step(MethodStep.SCOPE)
    for person, score in zip(people, (2, 5, 4), strict=True):
        orchestra.rate(RatingKind.SEGMENT_SCORE, focus.id, person.id, score)
    orchestra.rate(RatingKind.SEGMENT_SCORE, focus.id, people[0].id, 3)  # changed, not added
    with pytest.raises(ValidationFailed) as info:
        orchestra.rate(RatingKind.SEGMENT_SCORE, focus.id, people[0].id, 6)
    assert "from 1 to 5" in info.value.message("en")
    summary = orchestra.snapshot().rating_summaries(RatingKind.SEGMENT_SCORE)[focus.id]
    assert (summary.median, summary.low, summary.high, summary.given) == (4.0, 3, 5, 3)
    row = segments_frame(orchestra.snapshot()).set_index("segment").loc[focus.name]
    assert (row["group_median"], row["group_low"], row["group_high"]) == (4.0, 3, 5)
    assert orchestra.snapshot().contributions()[people[1].id] == 1


def test_persona_additions_belong_to_a_segment_and_go_with_it(orchestra: Service) -> None:
    snap = orchestra.snapshot()
    focus = snap.focus_segment
    assert focus is not None
    with pytest.raises(PydanticError, match="persona_idea_needs_segment"):
        Idea(workshop_id=orchestra.workshop_id, topic=IdeaTopic.QUOTE, text="Te duur")
    orchestra.open_method_step(MethodStep.PERSONA)
    anna = orchestra.join("Anna")
    quote = orchestra.add_idea(idea(orchestra, IdeaTopic.QUOTE, "Te duur", focus.id), anna.id)
    assert orchestra.snapshot().active_ideas(IdeaTopic.QUOTE, focus.id) == [quote]
    from klantreis.charts.frames import persona_frame

    lines = list(persona_frame(orchestra.snapshot())["line"])
    assert "“Te duur”" in lines  # on the persona card, after the facilitator's quotes
    own = snap.persona_for(focus.id).evidence_count  # type: ignore[union-attr]
    assert orchestra.snapshot().persona_evidence(focus.id) == own + 1  # the room's quote counts
    orchestra.open_method_step(MethodStep.SCOPE)
    orchestra.rate(RatingKind.SEGMENT_SCORE, focus.id, anna.id, 5)
    orchestra.remove_segment(focus.id)
    snap = orchestra.snapshot()
    assert snap.ideas == [] and snap.ratings == []


def test_feelings_per_step_make_the_curve_the_group_median_with_its_range(
    orchestra: Service,
) -> None:
    step = orchestra.snapshot().ideal_steps[0]
    people = [orchestra.join(name) for name in ("Anna", "Bert", "Cas", "Dirk")]
    orchestra.open_method_step(MethodStep.JOURNEY)
    for person, feeling in zip(people, (-2, 1, 2, 1), strict=True):
        orchestra.rate(RatingKind.FEELING, step.id, person.id, feeling)
    snap = orchestra.snapshot()
    row = journey_frame(snap, snap.journeys[0].id).iloc[0]
    assert (row["feeling"], row["feeling_low"], row["feeling_high"]) == (1.0, -2, 2)
    assert row["feeling_count"] == 4
    assert "median of 4" in row["feeling_label"] or "mediaan van 4" in row["feeling_label"]
    with pytest.raises(ValidationFailed):
        orchestra.rate(RatingKind.FEELING, step.id, people[0].id, 3)
    orchestra.remove_journey_step(step.id)
    assert orchestra.snapshot().ratings == []


def test_participants_remove_only_their_own_journey_steps_and_touchpoints(
    orchestra: Service,
) -> None:
    orchestra.open_method_step(MethodStep.JOURNEY)
    anna, bert = orchestra.join("Anna"), orchestra.join("Bert")
    journey = orchestra.snapshot().journeys[0]
    step = orchestra.add_journey_step(
        JourneyStep(workshop_id=orchestra.workshop_id, journey_id=journey.id, action="Belt"),
        anna.id,
    )
    touchpoint = orchestra.save_touchpoint(
        Touchpoint(workshop_id=orchestra.workshop_id, name="Balie"), anna.id
    )
    assert (step.author_id, touchpoint.author_id) == (anna.id, anna.id)
    edited = orchestra.save_journey_step(step.model_copy(update={"action": "Belt op"}), bert.id)
    assert edited.author_id == anna.id  # editing together keeps the author
    with pytest.raises(NotAllowed):
        orchestra.remove_journey_step(step.id, bert.id)
    with pytest.raises(NotAllowed):
        orchestra.remove_touchpoint(touchpoint.id, bert.id)
    orchestra.remove_touchpoint(touchpoint.id, anna.id)
    orchestra.remove_journey_step(step.id, anna.id)
    written_by_facilitator = orchestra.snapshot().ideal_steps[0]
    with pytest.raises(NotAllowed):
        orchestra.remove_journey_step(written_by_facilitator.id, anna.id)
    orchestra.remove_journey_step(written_by_facilitator.id)  # the facilitator removes any


def test_removed_steps_touchpoints_and_ratings_come_back_from_the_trail(
    orchestra: Service,
) -> None:
    orchestra.open_method_step(MethodStep.JOURNEY)
    anna, bert = orchestra.join("Anna"), orchestra.join("Bert")
    snap = orchestra.snapshot()
    second = snap.ideal_steps[1]
    touchpoint = orchestra.save_touchpoint(
        Touchpoint(workshop_id=orchestra.workshop_id, name="Balie"), anna.id
    )
    second = orchestra.save_journey_step(second.model_copy(update={"touchpoint_id": touchpoint.id}))
    orchestra.rate(RatingKind.FEELING, second.id, anna.id, 2)
    orchestra.rate(RatingKind.FEELING, second.id, bert.id, -1)
    order = [s.id for s in orchestra.snapshot().ideal_steps]

    orchestra.remove_touchpoint(touchpoint.id, anna.id)
    orchestra.remove_journey_step(second.id)
    snap = orchestra.snapshot()
    assert [e.entity_id for e in snap.removed()] == [second.id, touchpoint.id]  # newest first
    with pytest.raises(NotAllowed):
        orchestra.restore_removed(second.id, anna.id)  # the facilitator brings things back

    orchestra.restore_removed(second.id)
    snap = orchestra.snapshot()
    assert [s.id for s in snap.ideal_steps] == order  # in its old place
    assert snap.ideal_steps[1].touchpoint_id is None  # the touchpoint is still away
    assert sorted(snap.ratings_of(RatingKind.FEELING)[second.id]) == [-1, 2]
    orchestra.restore_removed(touchpoint.id)
    snap = orchestra.snapshot()
    assert snap.ideal_steps[1].touchpoint_id == touchpoint.id  # linked again
    assert snap.removed() == []
    revision = orchestra.revision()
    orchestra.restore_removed(touchpoint.id)  # a second press: it is back already
    assert orchestra.revision() == revision

    rating = next(r for r in snap.ratings if r.target_id == second.id)
    orchestra.remove_rating(rating.id)
    orchestra.rate(RatingKind.FEELING, second.id, rating.participant_id, 0)
    with pytest.raises(ValidationFailed):
        orchestra.restore_removed(rating.id)  # rated again since: the newer one stays
    orchestra.rate(RatingKind.FEELING, second.id, rating.participant_id, None)
    orchestra.restore_removed(rating.id)
    assert (
        orchestra.snapshot().rating_by(rating.participant_id, RatingKind.FEELING, second.id)
        == rating.value
    )
    with pytest.raises(NotFound):
        orchestra.restore_removed("never-removed")


def test_ideas_and_ratings_travel_with_an_export_and_import(
    orchestra: Service, memory_store: Store
) -> None:
    orchestra.open_method_step(MethodStep.CHALLENGE)
    anna = orchestra.join("Anna")
    wording = orchestra.add_idea(idea(orchestra, IdeaTopic.CHALLENGE, "Meer jongeren"), anna.id)
    orchestra.rate(RatingKind.SUPPORT, wording.id, anna.id, 1)
    orchestra.open_method_step(MethodStep.JOURNEY)
    step = orchestra.snapshot().ideal_steps[0]
    orchestra.rate(RatingKind.FEELING, step.id, anna.id, -1)
    text = document_from_snapshot(orchestra.snapshot()).to_json()
    copy = import_document(memory_store, load_document(text)).snapshot()
    assert [i.text for i in copy.ideas] == ["Meer jongeren"]
    copied = {r.kind: r for r in copy.ratings}
    assert copied[RatingKind.SUPPORT].target_id == copy.ideas[0].id
    assert copied[RatingKind.FEELING].target_id == copy.ideal_steps[0].id
    broken = text.replace(f'"target_id": "{step.id}"', '"target_id": "nowhere"')
    with pytest.raises(ImportFailed) as info:
        load_document(broken)
    assert "rated step" in info.value.message("en")


def test_the_report_shows_what_the_room_proposed_and_scored(orchestra: Service) -> None:
    from klantreis.charts.static import StaticCharts
    from klantreis.report.workshop_report import report_html

    focus = orchestra.snapshot().focus_segment
    assert focus is not None
    anna = orchestra.join("Anna")
    orchestra.open_method_step(MethodStep.CHALLENGE)
    wording = orchestra.add_idea(idea(orchestra, IdeaTopic.END_GOAL, "Twee keer per jaar"), anna.id)
    orchestra.rate(RatingKind.SUPPORT, wording.id, anna.id, 1)
    orchestra.open_method_step(MethodStep.SCOPE)
    orchestra.add_idea(idea(orchestra, IdeaTopic.SEGMENT, "Studenten <b>"), anna.id)
    orchestra.rate(RatingKind.SEGMENT_SCORE, focus.id, anna.id, 2)
    orchestra.open_method_step(MethodStep.PERSONA)
    orchestra.add_idea(idea(orchestra, IdeaTopic.FACT, "62% boekt mobiel", focus.id), anna.id)
    html = report_html(orchestra.snapshot(), StaticCharts())
    assert "Twee keer per jaar" in html and "1 vote" in html
    assert "Studenten &lt;b&gt;" in html and "<b>" not in html.split("Studenten")[1][:10]
    assert f"<td>{focus.name} ★</td><td>{focus.relevance}</td><td>2 (2–2)</td><td>1</td>" in html
    assert "62% boekt mobiel" in html


def test_a_measure_sits_in_more_than_one_phase_when_the_group_means_it(
    orchestra: Service,
) -> None:
    from klantreis.charts.frames import goal_phase_frame
    from klantreis.domain import GoalKind, Measure

    snap = orchestra.snapshot()
    focus = snap.focus_segment
    assert focus is not None
    first, second = snap.workshop.phases[0], snap.workshop.phases[1]
    measure = orchestra.add_measure(
        Measure(
            workshop_id=orchestra.workshop_id,
            segment_id=focus.id,
            goal_kind=GoalKind.REMOVE_BARRIERS,
            title="Podcast per concert",
            phase_key=first.key,
            more_phase_keys=[second.key, second.key],
        )
    )
    assert measure.phase_keys == [first.key, second.key]  # doubles dropped
    cells = goal_phase_frame(orchestra.snapshot()).set_index(["goal_key", "phase"])
    for phase in (first, second):
        assert "Podcast per concert" in str(cells.loc[("remove_barriers", phase.name), "titles"])
    with pytest.raises(ValidationFailed) as info:
        orchestra.edit_measure(measure.model_copy(update={"more_phase_keys": ["nowhere"]}))
    assert info.value.problems[0].field == "more_phase_keys"
    workshop = orchestra.workshop()
    kept = [p for p in workshop.phases if p.key != second.key]
    with pytest.raises(ValidationFailed):  # a phase a measure still sits in stays
        orchestra.update_workshop(workshop.model_copy(update={"phases": kept}))


def test_participants_add_a_touchpoint_for_their_measure_in_the_goals_step(
    orchestra: Service,
) -> None:
    anna = orchestra.join("Anna")
    orchestra.open_method_step(MethodStep.GOALS)
    touchpoint = orchestra.save_touchpoint(
        Touchpoint(workshop_id=orchestra.workshop_id, name="Podcast"), anna.id
    )
    assert touchpoint.author_id == anna.id
    orchestra.open_method_step(MethodStep.MAPPING)
    with pytest.raises(NotAllowed):
        orchestra.save_touchpoint(
            Touchpoint(workshop_id=orchestra.workshop_id, name="Flyer"), anna.id
        )
