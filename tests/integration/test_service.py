"""The service facade: who may do what, and what each action leaves in the store."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from klantreis.domain import (
    Action,
    Card,
    CardKind,
    Conflict,
    EntryState,
    Goal,
    GoalKind,
    Journey,
    JourneyStep,
    KlantreisError,
    Measure,
    MethodStep,
    NotAllowed,
    NotFound,
    Persona,
    Role,
    Segment,
    Touchpoint,
    ValidationFailed,
    VoteLimitReached,
)
from klantreis.service import Service


def barrier(service: Service, text: str = "Too expensive") -> Card:
    segment = service.snapshot().focus_segment
    assert segment is not None
    return Card(
        workshop_id=service.workshop_id, segment_id=segment.id, kind=CardKind.BARRIER, text=text
    )


def test_joining_twice_with_the_same_name_is_the_same_participant(orchestra: Service) -> None:
    anna = orchestra.join("Anna de Vries")
    assert orchestra.join("  anna  DE vries ").id == anna.id
    assert orchestra.join("ANNA DE VRIES").id == anna.id
    assert len(orchestra.participants()) == 1


def test_anonymous_participants_get_numbered_names_unless_forbidden(orchestra: Service) -> None:
    first = orchestra.join(None, anonymous=True)
    second = orchestra.join("")
    assert (first.name, second.name) == ("Participant 1", "Participant 2")
    assert first.id != second.id
    workshop = orchestra.workshop()
    orchestra.update_workshop(workshop.model_copy(update={"allow_anonymous": False}))
    with pytest.raises(ValidationFailed) as info:
        orchestra.join(None, anonymous=True)
    assert "anonymously is switched off" in info.value.message("en")


def test_a_closed_or_full_workshop_admits_nobody_new_and_records_the_change(
    orchestra: Service,
) -> None:
    orchestra.join("Anna")
    orchestra.set_controls(joins_closed=True)
    for name, anonymous in (("Bram", False), (None, True)):
        with pytest.raises(KlantreisError) as closed:
            orchestra.join(name, anonymous=anonymous)
        assert closed.value.key == "room.joins_closed"
    orchestra.set_controls(joins_closed=False, max_participants=2)
    orchestra.join("Bram")
    with pytest.raises(KlantreisError) as full:
        orchestra.join("Carla")
    assert "2 people have joined" in full.value.message("en")
    assert [p.name for p in orchestra.participants()] == ["Anna", "Bram"]
    changed = orchestra.audit_trail(limit=3)
    assert any(e.summary.get("max_participants") == "2" for e in changed)


def test_participants_write_only_in_the_open_step(orchestra: Service) -> None:
    anna = orchestra.join("Anna")
    with pytest.raises(NotAllowed) as info:
        orchestra.add_card(barrier(orchestra), anna.id)
    assert info.value.message("nl") == "Deze stap is (nog) niet geopend door de facilitator."
    orchestra.open_method_step(MethodStep.MAPPING)
    card = orchestra.add_card(barrier(orchestra), anna.id)
    assert card.author_id == anna.id
    orchestra.set_controls(input_locked=True)
    with pytest.raises(NotAllowed) as info:
        orchestra.add_card(barrier(orchestra, "Another"), anna.id)
    assert info.value.key == "error.input_locked"
    # The facilitator's own tools are never locked out.
    assert orchestra.add_card(barrier(orchestra, "From the facilitator")).author_id is None


def test_participants_change_and_withdraw_only_their_own_cards(orchestra: Service) -> None:
    orchestra.open_method_step(MethodStep.MAPPING)
    anna, ben = orchestra.join("Anna"), orchestra.join("Ben")
    card = orchestra.add_card(barrier(orchestra), anna.id)
    with pytest.raises(NotAllowed):
        orchestra.edit_card(card.model_copy(update={"text": "Ben was here"}), ben.id)
    with pytest.raises(NotAllowed):
        orchestra.withdraw_card(card.id, ben.id)
    edited = orchestra.edit_card(card.model_copy(update={"text": "Far too expensive"}), anna.id)
    assert (edited.text, edited.version, edited.author_id) == ("Far too expensive", 2, anna.id)
    assert orchestra.withdraw_card(card.id, anna.id).state is EntryState.WITHDRAWN
    assert card.id not in {c.id for c in orchestra.snapshot().active_cards()}


def test_an_edit_based_on_an_old_version_is_refused_and_changes_nothing(orchestra: Service) -> None:
    card = orchestra.add_card(barrier(orchestra))
    orchestra.edit_card(card.model_copy(update={"text": "First edit"}))
    with pytest.raises(Conflict) as info:
        orchestra.edit_card(card.model_copy(update={"text": "Second, stale edit"}))
    assert "Someone else changed this" in info.value.message("en")
    assert orchestra.snapshot().card(card.id).text == "First edit"  # type: ignore[union-attr]


def test_only_the_facilitator_removes_and_restores(orchestra: Service) -> None:
    orchestra.open_method_step(MethodStep.MAPPING)
    anna = orchestra.join("Anna")
    host = orchestra.join("Host", role=Role.FACILITATOR)
    card = orchestra.add_card(barrier(orchestra, "<script>alert('x')</script>"), anna.id)
    with pytest.raises(NotAllowed):
        orchestra.remove_card(card.id, anna.id)
    assert orchestra.remove_card(card.id, host.id).state is EntryState.REMOVED
    assert orchestra.restore_card(card.id).state is EntryState.ACTIVE


def test_dots_are_limited_per_participant_and_return_when_a_card_goes(orchestra: Service) -> None:
    orchestra.open_method_step(MethodStep.MAPPING)
    anna = orchestra.join("Anna")
    dots = orchestra.workshop().dots_per_participant
    card = orchestra.add_card(barrier(orchestra))
    for _ in range(dots):
        orchestra.vote(card.id, anna.id)
    assert orchestra.dots_left(anna.id) == 0 == orchestra.snapshot().dots_left(anna.id)
    with pytest.raises(VoteLimitReached) as info:
        orchestra.vote(card.id, anna.id)
    assert info.value.message("nl").startswith(f"Je hebt al je {dots} stippen gebruikt")
    assert orchestra.unvote(card.id, anna.id) is True
    assert orchestra.dots_left(anna.id) == 1 == orchestra.snapshot().dots_left(anna.id)
    orchestra.remove_card(card.id)
    assert orchestra.dots_left(anna.id) == dots == orchestra.snapshot().dots_left(anna.id)
    assert orchestra.snapshot().vote_counts()[card.id] == 0


def test_votes_on_a_withdrawn_card_are_refused(orchestra: Service) -> None:
    orchestra.open_method_step(MethodStep.MAPPING)
    anna = orchestra.join("Anna")
    card = orchestra.add_card(barrier(orchestra), anna.id)
    orchestra.withdraw_card(card.id, anna.id)
    with pytest.raises(NotFound):
        orchestra.vote(card.id, anna.id)


def test_one_focus_segment_at_a_time(orchestra: Service) -> None:
    subscribers = next(s for s in orchestra.snapshot().segments if not s.is_focus)
    orchestra.choose_focus(subscribers.id)
    focus = [s.name for s in orchestra.snapshot().segments if s.is_focus]
    assert focus == ["Loyal subscribers"]


@pytest.mark.parametrize(
    "retyped",
    [str.lower, lambda n: f" {n.upper()}  ", lambda n: n[:3] + "\u200b" + n[3:]],
    ids=["case", "spaces", "zero-width"],
)
def test_a_segment_name_differing_only_in_case_spaces_or_invisibles_is_the_same_segment(
    orchestra: Service, retyped: Callable[[str], str]
) -> None:
    existing = orchestra.snapshot().segments[0]
    count = len(orchestra.snapshot().segments)
    with pytest.raises(ValidationFailed) as info:
        orchestra.save_segment(
            Segment(workshop_id=orchestra.workshop_id, name=retyped(existing.name))
        )
    assert info.value.message("en").endswith(f'there is already a segment called "{existing.name}"')
    assert len(orchestra.snapshot().segments) == count
    orchestra.save_segment(existing.model_copy(update={"name": retyped(existing.name)}))  # its own


def test_one_persona_per_segment_and_one_goal_per_kind(orchestra: Service) -> None:
    snap = orchestra.snapshot()
    focus = snap.focus_segment
    assert focus is not None
    with pytest.raises(ValidationFailed) as info:
        orchestra.save_persona(
            Persona(workshop_id=orchestra.workshop_id, segment_id=focus.id, name="Twin")
        )
    assert info.value.message("en") == "Segment: this segment already has a persona"
    with pytest.raises(ValidationFailed):
        orchestra.save_goal(
            Goal(
                workshop_id=orchestra.workshop_id, segment_id=focus.id, kind=GoalKind.ADDRESS_NEEDS
            )
        )


def test_measures_must_point_at_things_that_exist(orchestra: Service) -> None:
    focus = orchestra.snapshot().focus_segment
    assert focus is not None
    bad = Measure(
        workshop_id=orchestra.workshop_id,
        segment_id=focus.id,
        goal_kind=GoalKind.REMOVE_BARRIERS,
        title="Podcast",
        phase_key="nirvana",
        touchpoint_id="nope",
        card_ids=["ghost"],
    )
    with pytest.raises(ValidationFailed) as info:
        orchestra.add_measure(bad)
    fields = sorted(p.field for p in info.value.problems)
    assert fields == ["card_ids", "phase_key", "touchpoint_id"]
    assert 'the phase "nirvana" does not exist' in info.value.message("en")


def test_steps_are_appended_moved_and_renumbered(orchestra: Service) -> None:
    journey = orchestra.save_journey(Journey(workshop_id=orchestra.workshop_id, name="Second side"))
    made = [
        orchestra.add_journey_step(
            JourneyStep(workshop_id=orchestra.workshop_id, journey_id=journey.id, action=a)
        )
        for a in ("Sees", "Reads", "Buys")
    ]
    assert [s.position for s in made] == [0, 1, 2]
    moved = orchestra.move_journey_step(made[2].id, 0)
    assert [s.action for s in moved] == ["Buys", "Sees", "Reads"]
    orchestra.remove_journey_step(made[0].id)
    steps = orchestra.snapshot().steps_of(journey.id)
    assert [(s.action, s.position) for s in steps] == [("Buys", 0), ("Reads", 1)]
    edited = orchestra.save_journey_step(steps[0].model_copy(update={"feeling": 2, "position": 9}))
    assert (edited.feeling, edited.position) == (2, 0)


def test_removing_a_segment_takes_its_cards_goals_measures_and_persona(orchestra: Service) -> None:
    focus = orchestra.snapshot().focus_segment
    assert focus is not None
    orchestra.remove_segment(focus.id)
    snap = orchestra.snapshot()
    kept = [
        *(c.segment_id for c in snap.cards),
        *(g.segment_id for g in snap.goals),
        *(m.segment_id for m in snap.measures),
        *(p.segment_id for p in snap.personas),
    ]
    assert focus.id not in kept
    assert all(j.segment_id is None for j in snap.journeys)


def test_removing_a_touchpoint_keeps_steps_and_measures(orchestra: Service) -> None:
    snap = orchestra.snapshot()
    podcast = next(tp for tp in snap.touchpoints if tp.name == "Concert podcast")
    orchestra.remove_touchpoint(podcast.id)
    after = orchestra.snapshot()
    assert len(after.steps) == len(snap.steps) and len(after.measures) == len(snap.measures)
    placed = [*(s.touchpoint_id for s in after.steps), *(m.touchpoint_id for m in after.measures)]
    assert podcast.id not in placed


def test_a_phase_in_use_cannot_be_dropped(orchestra: Service) -> None:
    workshop = orchestra.workshop()
    fewer = [p for p in workshop.phases if p.key != "consideration"]
    with pytest.raises(ValidationFailed) as info:
        orchestra.update_workshop(workshop.model_copy(update={"phases": fewer}))
    assert info.value.problems[0].key == "rule.phase_in_use"
    unused = [p for p in workshop.phases if p.key != "latent_need"]
    assert (
        orchestra.update_workshop(workshop.model_copy(update={"phases": unused})).phase(
            "latent_need"
        )
        is None
    )


def test_touchpoints_only_use_the_workshops_phases(orchestra: Service) -> None:
    with pytest.raises(ValidationFailed):
        orchestra.save_touchpoint(
            Touchpoint(workshop_id=orchestra.workshop_id, name="x", phase_keys=["mars"])
        )


def test_things_of_another_workshop_are_out_of_reach(
    orchestra: Service, empty_workshop: Service
) -> None:
    card = orchestra.snapshot().cards[0]
    with pytest.raises(NotFound):
        empty_workshop.edit_card(card)
    with pytest.raises(NotFound):
        empty_workshop.withdraw_card(card.id)
    foreign = Segment(workshop_id=orchestra.workshop_id, name="x")
    with pytest.raises(NotFound):
        empty_workshop.save_segment(foreign)


def test_every_change_is_in_the_audit_trail_and_bumps_the_revision(orchestra: Service) -> None:
    start = orchestra.revision()
    orchestra.open_method_step(MethodStep.MAPPING)
    anna = orchestra.join("Anna")
    card = orchestra.add_card(barrier(orchestra), anna.id)
    orchestra.vote(card.id, anna.id)
    trail = orchestra.audit_trail(limit=4)
    assert [(e.action, e.entity, e.actor_id) for e in trail] == [
        (Action.VOTE, "vote", anna.id),
        (Action.CREATE, "card", anna.id),
        (Action.JOIN, "participant", anna.id),
        (Action.OPEN_STEP, "workshop", None),
    ]
    assert trail[1].summary == {"kind": "barrier", "text": "Too expensive"}
    assert orchestra.revision() == start + 4 == orchestra.snapshot().revision


def test_timer_and_hidden_results_are_stored(orchestra: Service) -> None:
    from datetime import UTC, datetime, timedelta

    ends = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=5)
    workshop = orchestra.set_controls(timer_ends_at=ends, results_hidden=True)
    assert (workshop.timer_ends_at, workshop.results_hidden) == (ends, True)
    assert orchestra.set_controls(timer_ends_at=None).timer_ends_at is None
