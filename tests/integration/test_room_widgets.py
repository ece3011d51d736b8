"""The live room's three apps without a browser: set values, click, and check the store."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import ipywidgets as w
import pytest
from klantreis.widgets.panels import (
    ChallengePanel,
    GoalsPanel,
    JourneyPanel,
    MappingPanel,
    PersonaPanel,
    ScopePanel,
)
from klantreis.widgets.room.console import FacilitatorConsole
from klantreis.widgets.room.dashboard import LiveDashboard
from klantreis.widgets.room.participant import ParticipantApp
from klantreis.widgets.room.poll import Poller

from klantreis.domain import Card, EntryState, MethodStep, Role
from klantreis.i18n import t
from klantreis.service import Service

CODE = "K7M2QX"
TOKEN = "facilitator-secret"
JOIN_URL = "http://192.0.2.2:8866/"


def _console(service: Service) -> FacilitatorConsole:
    console = FacilitatorConsole(service, TOKEN, join_url=JOIN_URL, join_code=CODE)
    assert console.unlock(TOKEN)
    service.subscribe(console.on_changes)  # as the room does: every commit is pushed
    return console


def _joined(service: Service, name: str) -> ParticipantApp:
    app = ParticipantApp(service, CODE)
    assert app.join(CODE, name)
    service.subscribe(app.on_changes)  # as the room does: every commit is pushed
    return app


def _projector(service: Service) -> LiveDashboard:
    """The projector's page as the room makes it: handed every commit, following nothing itself."""
    dashboard = LiveDashboard(service, follow=False)
    assert dashboard.poller is None
    service.subscribe(dashboard.on_changes)  # as the room does: every commit is pushed
    return dashboard


def _poller(dashboard: LiveDashboard) -> Poller:
    """The poller of a dashboard that follows the workshop itself (in a Voila kernel)."""
    assert dashboard.poller is not None
    return dashboard.poller


def open_widgets() -> dict[str, w.Widget]:
    """Every widget open in this process, by model id."""
    from ipywidgets.widgets import widget

    return dict(widget._instances)


def _descendants(widget: w.Widget) -> list[w.Widget]:
    found = [widget]
    for child in getattr(widget, "children", ()):
        found += _descendants(child)
    return found


def test_the_console_opens_only_with_the_token_and_projects_the_join_qr(
    orchestra: Service,
) -> None:
    console = FacilitatorConsole(orchestra, TOKEN, join_url=JOIN_URL, join_code=CODE)
    assert console.unlock(CODE) is False  # the join code is not the facilitator token
    assert console.token_message.value == "This facilitator token is not right."
    assert not console.unlocked and not hasattr(console, "steps")
    console.token_input.value = TOKEN
    console.open_button.click()
    assert console.unlocked
    projector = console.projector.value
    assert "<svg" in projector and 'aria-label="QR code' in projector
    assert JOIN_URL in projector and CODE in projector


def test_the_console_steers_steps_timer_private_mode_and_lock(orchestra: Service) -> None:
    console = _console(orchestra)
    app = _joined(orchestra, "Anna")
    assert app.panel is None and "kr-timer" not in app.status.value
    console.steps.value = MethodStep.MAPPING.value
    assert orchestra.workshop().open_step is MethodStep.MAPPING
    assert isinstance(app.panel, MappingPanel)  # no reload needed
    console.minutes.value = 5
    console.start_timer.click()
    ends = orchestra.workshop().timer_ends_at
    assert ends is not None
    assert timedelta(minutes=4, seconds=50) < ends - datetime.now(UTC) <= timedelta(minutes=5)
    assert re.search(r'role="timer"[^>]*>0[45]:\d\d<', app.status.value), app.status.value
    console.hidden.value = True
    console.locked.value = True
    workshop = orchestra.workshop()
    assert workshop.results_hidden and workshop.input_locked
    assert "Input locked" in app.status.value and "Group results hidden" in app.status.value
    form = app.panel.new_card.form
    form.fields["text"].input.value = "Typed while locked"
    form.save_button.click()
    assert "The facilitator has locked input for now." in form.status.value
    assert form.fields["text"].get() == "Typed while locked"  # nothing typed is lost
    console.stop_timer.click()
    console.locked.value = False
    assert orchestra.workshop().timer_ends_at is None
    form.save_button.click()
    assert "Typed while locked" in [c.text for c in orchestra.snapshot().cards]
    console.steps.value = "closed"
    assert orchestra.workshop().open_step is None


def test_the_console_closes_the_room_to_new_people_and_sets_a_maximum(
    orchestra: Service,
) -> None:
    console = _console(orchestra)
    anna = _joined(orchestra, "Anna")
    console.closed.value = True
    assert orchestra.workshop().joins_closed
    late = ParticipantApp(orchestra, CODE)
    assert not late.join(CODE, "Late")
    assert "closed this workshop to new participants" in late.join_message.value
    assert late.join(CODE, "Anna")  # who is in stays in (on a second device too, for now)
    console.closed.value = False
    people = len(orchestra.participants())
    console.maximum.value = people + 1
    assert orchestra.workshop().max_participants == people + 1
    assert _joined(orchestra, "One more").participant is not None
    full = ParticipantApp(orchestra, CODE)
    full.choose_language("nl")
    assert not full.join(CODE, "Te veel")
    assert f"er doen {people + 1} mensen mee" in full.join_message.value
    assert anna.participant is not None and len(orchestra.participants()) == people + 1
    host = orchestra.join("Second host", role=Role.FACILITATOR)  # never shut out
    assert host.role is Role.FACILITATOR


def test_the_console_shows_who_joined_and_takes_a_card_off_the_wall(orchestra: Service) -> None:
    orchestra.open_method_step(MethodStep.MAPPING)
    console = _console(orchestra)
    anna = _joined(orchestra, "Anna <b>")
    segment = orchestra.snapshot().focus_segment
    assert segment is not None and anna.participant is not None
    card = orchestra.add_card(
        Card(workshop_id=orchestra.workshop_id, segment_id=segment.id, kind="need", text="Rude"),
        anna.participant.id,
    )
    orchestra.vote(card.id, anna.participant.id)
    assert "1 participant" in console.people.value and "1 participants" not in console.people.value
    assert "<tr><td>Anna &lt;b&gt;</td><td>1</td><td>1</td></tr>" in console.people.value
    index = next(i for i, text in enumerate(console.entries.texts()) if "Rude" in text)
    console.entries.press(index, "form.remove")
    assert orchestra.snapshot().card(card.id).state is EntryState.REMOVED  # type: ignore[union-attr]
    assert console.entries.labels(index) == ["form.restore"]  # still listed, to bring back
    assert "Removed" in console.entries.rows[index].meta
    assert isinstance(anna.panel, MappingPanel)
    assert all("Rude" not in text for text in anna.panel.cards.texts())


def test_participants_join_with_the_code_and_continue_on_another_device(
    orchestra: Service,
) -> None:
    app = ParticipantApp(orchestra, CODE)
    assert app.join("WRONG1", "Ben") is False
    assert app.join_message.value == html.escape(t("room.wrong_code", "en"))
    assert app.join_message.value.startswith("This code is not right.")
    assert app.join(CODE, "  ") is False
    assert app.join_message.value == "Enter your name, or choose to join anonymously."
    assert orchestra.participants() == []
    app.code.value, app.name.value = f" {CODE.lower()} ", "Ben"
    app.join_button.click()
    assert app.participant is not None
    phone = _joined(orchestra, "Ben")
    assert phone.participant is not None and phone.participant.id == app.participant.id
    anonymous = ParticipantApp(orchestra, CODE)
    assert anonymous.join(CODE, "", anonymous=True)
    assert anonymous.participant is not None and anonymous.participant.name != "Ben"
    assert len(orchestra.participants()) == 2


def test_the_join_form_offers_anonymity_only_when_allowed(orchestra: Service) -> None:
    allowed = ParticipantApp(orchestra, CODE)
    assert allowed.anonymous in _descendants(allowed.widget)
    orchestra.update_workshop(orchestra.workshop().model_copy(update={"allow_anonymous": False}))
    forbidden = ParticipantApp(orchestra, CODE)
    assert forbidden.anonymous not in _descendants(forbidden.widget)
    assert forbidden.join(CODE, "", anonymous=True) is False
    assert forbidden.participant is None and forbidden.join_message.value


def test_the_live_dashboard_follows_a_save_and_has_no_way_to_write(orchestra: Service) -> None:
    dashboard = _projector(orchestra)
    inputs = (w.Text, w.Textarea, w.Button, w.Checkbox, w.Dropdown, w.Password, w.ToggleButtons)
    assert not [x for x in _descendants(dashboard.widget) if isinstance(x, inputs)]
    orchestra.open_method_step(MethodStep.MAPPING)
    redraws = dashboard.slot.redraws
    segment = orchestra.snapshot().focus_segment
    assert segment is not None
    person = orchestra.join("Cor")
    orchestra.add_card(
        Card(workshop_id=orchestra.workshop_id, segment_id=segment.id, kind="need", text="Nieuw"),
        person.id,
    )
    assert dashboard.slot.redraws == redraws  # the words at once, the charts at the next tick
    dashboard.tick()
    assert dashboard.slot.redraws == redraws + 1
    assert "Nieuw" in str(dashboard.slot.chart.spec)


def test_the_live_dashboard_shows_a_save_that_landed_while_it_was_being_built(
    orchestra: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A card saved after the dashboard read the workshop but before it started following
    (a projector reloading while the room is busy) is drawn on the next look, not missed."""
    orchestra.open_method_step(MethodStep.MAPPING)
    segment = orchestra.snapshot().focus_segment
    assert segment is not None
    person = orchestra.join("Meanwhile")

    def save_meanwhile(*args: Any, **kwargs: Any) -> Poller:
        card = Card(
            workshop_id=orchestra.workshop_id,
            segment_id=segment.id,
            kind="need",
            text="Saved meanwhile",
        )
        orchestra.add_card(card, person.id)
        return Poller(*args, **kwargs)

    monkeypatch.setattr("klantreis.widgets.room.dashboard.Poller", save_meanwhile)
    dashboard = LiveDashboard(orchestra, poll_interval=60)
    _poller(dashboard).stop()
    charts = [slot.chart for slot in [*dashboard.lead_slots, dashboard.slot]]
    assert "Saved meanwhile" not in str([chart.spec for chart in charts])
    assert _poller(dashboard).check()
    assert "Saved meanwhile" in str([chart.spec for chart in charts])


def test_a_hurried_participant_stores_every_card_once_in_the_same_form(orchestra: Service) -> None:
    """Typing the next card straight after pressing Add: the form is never replaced, each card
    is stored exactly once, and text typed behind the saved card keeps only what is new."""
    orchestra.open_method_step(MethodStep.MAPPING)
    app = _joined(orchestra, "Hurried")
    assert isinstance(app.panel, MappingPanel)
    form = app.panel.new_card.form
    text = form.fields["text"].input
    barrier = "barrier"
    form.fields["kind"].input.value = barrier
    for number in range(6):
        text.value = f"Card {number}"
        form.save_button.click()
        assert app.panel.new_card.form is form  # the same widgets: nothing typed goes astray
        assert text.value == "" and "Saved." in form.status.value
        assert form.fields["kind"].input.value == barrier  # the choice stays for the next card
    # The browser had not shown the cleared field yet: the next card arrives behind the last.
    text.value = "Card 6"
    form.save_button.click()
    text.value = "Card 6Card 7"
    assert text.value == "Card 7"
    form.save_button.click()
    # The browser holds a field's update back while its previous one is unanswered, but sends
    # a press at once: the press carries what the field showed, so the right text is saved,
    # and the browser empties the field itself (the server sends nothing that could wipe what
    # is typed next).
    sent: list[object] = []
    form.save_button.send = sent.append
    form.save_button.click({"text": "Card 8"})
    assert text.value == "" and "Saved." in form.status.value and sent == []
    orchestra.set_controls(input_locked=True)
    form.save_button.click({"text": "Card 9"})  # refused: the text goes back into the field
    assert sent == [{"event": "restore", "texts": {"text": "Card 9"}}]
    assert "locked" in form.status.value
    orchestra.set_controls(input_locked=False)
    stored = [c.text for c in orchestra.snapshot().cards if c.text.startswith("Card ")]
    assert sorted(stored) == [f"Card {n}" for n in range(9)]  # Card 9 was refused
    assert all(c.kind.value == barrier for c in orchestra.snapshot().cards if c.text in stored)


def test_a_page_shares_one_set_of_layouts_and_styles_and_closes_them_with_itself(
    orchestra: Service,
) -> None:
    """The join form, the step's panel and every form it opens take their layouts and styles
    from the page: one full-width layout for the whole page; a form that closes leaves them
    open for the rest, and the page closes them when it closes."""
    orchestra.open_method_step(MethodStep.MAPPING)
    before = set(open_widgets())
    app = _joined(orchestra, "Sharing")
    assert isinstance(app.panel, MappingPanel)
    layouts = [x for x in open_widgets().values() if isinstance(x, w.Layout)]
    full_width = [x for x in layouts if x.width == "100%" and x.model_id not in before]
    assert len(full_width) == 1, len(full_width)
    form = app.panel.new_card.form
    assert form.looks is app.looks and app.panel.looks is app.looks
    shared = form.fields["text"].caption.layout
    app.panel.edit(orchestra.snapshot().cards[0])  # an editing form opens and closes
    editing = app.panel.editor.form
    assert editing.fields["text"].caption.layout is shared
    app.panel.editor.close()
    assert editing.widget.comm is None and shared.comm is not None  # the page still uses it
    app.close()
    assert shared.comm is None
    assert set(open_widgets()) <= before  # nothing of the page is left open


def test_a_save_refused_by_the_room_keeps_the_text_with_the_reason(orchestra: Service) -> None:
    orchestra.open_method_step(MethodStep.MAPPING)
    app = _joined(orchestra, "Late")
    assert isinstance(app.panel, MappingPanel)
    panel = app.panel
    form = panel.new_card.form
    form.fields["text"].input.value = "Typed as the step closed"
    orchestra.open_method_step(None)  # the facilitator moves on while the card is being typed
    assert app.panel is panel  # the page keeps the typed text on screen
    assert form.fields["text"].input.value == "Typed as the step closed"
    assert t("room.step_moved_on", "en") in app.body.children[0].value
    form.save_button.click()
    assert t("error.step_closed", "en") in html.unescape(form.status.value)
    assert form.fields["text"].input.value == "Typed as the step closed"
    assert "Typed as the step closed" not in [c.text for c in orchestra.snapshot().cards]
    app.move_on.click()  # the participant has copied it: on to where the room is
    assert app.panel is None and t("room.waiting", "en") in app.body.children[-1].value


def test_someone_joining_redraws_no_participant_page_but_the_console(orchestra: Service) -> None:
    orchestra.open_method_step(MethodStep.MAPPING)
    console = _console(orchestra)
    app = _joined(orchestra, "Anna")
    assert app.panel is not None
    redraws: list[str] = []
    panel_refresh = app.panel.refresh

    def counted_refresh() -> None:
        redraws.append("page")
        panel_refresh()

    app.panel.refresh = counted_refresh  # type: ignore[method-assign]
    orchestra.join("Late arrival")
    assert redraws == []  # nothing of the group's results changed
    assert "Late arrival" in console.people.value  # the console lists who is in
    segment = orchestra.snapshot().segments[0]
    orchestra.add_card(
        Card(workshop_id=orchestra.workshop_id, segment_id=segment.id, kind="need", text="New")
    )
    assert redraws == ["page"]


def test_the_console_fills_in_the_open_step_with_the_notebooks_forms(orchestra: Service) -> None:
    """The facilitator never needs JupyterLab in front of the group: each open step's panel (the
    one the guided notebook shows) is in the console, and follows the room."""
    console = _console(orchestra)
    orchestra.open_method_step(None)
    console.refresh()
    assert console.panel is None
    assert "Open a step above" in console.step_box.children[0].value
    console.steps.value = MethodStep.CHALLENGE.value
    assert isinstance(console.panel, ChallengePanel)
    assert console.step_heading.value == "Fill in with the group"
    assert console.step_box.children == (console.panel.widget,)
    form = console.panel.form
    form.fields["challenge"].input.value = "More young people in the concert hall"
    form.fields["end_goal.threshold"].input.value = "not a number"
    assert form.save() is False  # bad input: explained, and nothing saved
    assert form.fields["end_goal.threshold"].problem == "must be a number"
    form.fields["end_goal.threshold"].input.value = "25"
    assert form.save() is True
    saved = orchestra.workshop()
    assert saved.challenge == "More young people in the concert hall"
    assert saved.end_goal.threshold == 25
    challenge_panel = console.panel
    console.steps.value = MethodStep.SCOPE.value  # the next step: its panel replaces the last
    assert isinstance(console.panel, ScopePanel)
    assert challenge_panel.widget.comm is None  # closed, nothing left open in the page
    orchestra.open_method_step(MethodStep.MAPPING)  # opened elsewhere (a second console): followed
    assert isinstance(console.panel, MappingPanel) and console.panel.is_facilitator
    mapping = console.panel
    console.close()
    assert mapping.widget.comm is None and console.widget.comm is None


def test_facilitator_warnings_stay_on_the_console(orchestra: Service) -> None:
    """'End goal not measurable yet' is for the facilitator: the console's panel says it, the
    projector and participants' phones show what was decided without it."""
    from klantreis.domain import EndGoal

    workshop = orchestra.workshop()
    orchestra.update_workshop(workshop.model_copy(update={"end_goal": EndGoal(description="More")}))
    warning = t("pitfall.end_goal_not_measurable", "en")
    orchestra.open_method_step(MethodStep.CHALLENGE)
    console = _console(orchestra)
    assert isinstance(console.panel, ChallengePanel) and warning in console.panel.card.value
    phone = _joined(orchestra, "Phone")
    shown = "".join(str(getattr(x, "value", "")) for x in _descendants(phone.widget))
    assert "More" in shown and warning not in shown
    dashboard = _projector(orchestra)
    assert "More" in dashboard.decisions.value and warning not in dashboard.decisions.value


def test_the_projector_shows_challenge_scope_and_the_four_goals(orchestra: Service) -> None:
    from klantreis.domain import Goal, GoalKind

    dashboard = _projector(orchestra)
    snapshot = orchestra.snapshot()
    focus = snapshot.focus_segment
    assert focus is not None
    decided = dashboard.decisions.value
    assert html.escape(snapshot.workshop.challenge) in decided
    assert html.escape(focus.name) in decided
    for kind in GoalKind:
        assert t(f"goal_kind.{kind.value}", "en") in decided
    goal = snapshot.goal(focus.id, GoalKind.REMOVE_BARRIERS) or Goal(
        workshop_id=orchestra.workshop_id, segment_id=focus.id, kind=GoalKind.REMOVE_BARRIERS
    )
    statement = "No one stays away <b>because</b> of parking"
    orchestra.save_goal(goal.model_copy(update={"statement": statement}))
    assert "No one stays away &lt;b&gt;because&lt;/b&gt; of parking" in dashboard.decisions.value


def test_in_the_challenge_step_participants_propose_and_vote_and_the_console_takes_over(
    orchestra: Service,
) -> None:
    from klantreis.domain import IdeaTopic

    orchestra.open_method_step(MethodStep.CHALLENGE)
    console = _console(orchestra)
    anna, bert = _joined(orchestra, "Anna"), _joined(orchestra, "Bert")
    assert isinstance(anna.panel, ChallengePanel) and isinstance(bert.panel, ChallengePanel)
    assert not hasattr(anna.panel, "form") or anna.panel.form is None  # no facilitator form
    challenge = anna.panel.boards[0]
    form = challenge.adder.form
    form.fields["text"].input.value = "Meer jongeren in de zaal"
    form.save_button.click()
    assert "Saved." in form.status.value
    assert challenge.list.texts() == ["Meer jongeren in de zaal"]
    assert challenge.list.labels(0) == ["form.vote_idea", "form.edit", "form.withdraw"]
    bert_list = bert.panel.boards[0].list
    assert bert_list.texts() == ["Meer jongeren in de zaal"]  # pushed to Bert's page
    bert_list.press(0, "form.vote_idea")
    assert bert_list.labels(0) == ["form.unvote_idea"]
    assert "1 vote" in bert_list.rows[0].meta
    assert isinstance(console.panel, ChallengePanel)
    console_list = console.panel.boards[0].list
    assert "by Anna" in console_list.rows[0].meta  # the facilitator sees who wrote it
    console_list.press(0, "form.adopt")
    assert orchestra.workshop().challenge == "Meer jongeren in de zaal"
    assert "Meer jongeren in de zaal" in anna.panel.card.value  # the decision, on the phone
    console_list.press(0, "form.remove")
    assert bert_list.texts() == []
    console_list.press(0, "form.restore")
    assert bert_list.texts() == ["Meer jongeren in de zaal"]
    assert len(orchestra.snapshot().active_ideas(IdeaTopic.CHALLENGE)) == 1


def test_in_the_scope_step_participants_score_segments_and_propose_new_ones(
    orchestra: Service,
) -> None:
    orchestra.open_method_step(MethodStep.SCOPE)
    console = _console(orchestra)
    anna = _joined(orchestra, "Anna")
    assert isinstance(anna.panel, ScopePanel)
    segments = anna.panel.segments
    first = orchestra.snapshot().segments[0]
    assert segments.labels(0) == [f"rating.segment_score.{n}" for n in range(1, 6)]
    segments.press(0, "rating.segment_score.4")
    assert segments.rows[0].actions[3].style == "success"  # the chosen score is marked
    assert "group: 4 (1 score)" in segments.rows[0].meta
    segments.press(0, "rating.segment_score.4")  # pressed again: taken back
    assert orchestra.snapshot().ratings == []
    segments.press(0, "rating.segment_score.2")
    assert isinstance(console.panel, ScopePanel)
    assert "group: 2 (1 score)" in console.panel.segments.rows[0].meta
    board = anna.panel.board
    board.adder.form.fields["text"].input.value = "Studenten"
    board.adder.form.save_button.click()
    console.panel.board.list.press(0, "form.adopt")  # becomes a segment of the workshop
    names = [s.name for s in orchestra.snapshot().segments]
    assert "Studenten" in names and first.name in names
    assert "Studenten" in segments.texts()  # the new segment can be scored at once


def test_in_the_persona_step_participants_add_quotes_facts_and_needs(orchestra: Service) -> None:
    orchestra.open_method_step(MethodStep.PERSONA)
    anna = _joined(orchestra, "Anna")
    assert isinstance(anna.panel, PersonaPanel)
    focus = orchestra.snapshot().focus_segment
    assert focus is not None
    boards = {board.topic.value: board for board in anna.panel.boards}
    assert set(boards) == {"quote", "fact", "functional_need", "emotional_need"}
    quote = boards["quote"].adder.form
    quote.fields["text"].input.value = "Ik weet nooit wat er speelt"
    quote.fields["detail"].input.value = "Interview 3"
    quote.save_button.click()
    need = boards["emotional_need"].adder.form
    need.fields["text"].input.value = "Erbij horen"
    need.save_button.click()
    ideas = orchestra.snapshot().ideas
    assert {(i.topic.value, i.text, i.segment_id) for i in ideas} == {
        ("quote", "Ik weet nooit wat er speelt", focus.id),
        ("emotional_need", "Erbij horen", focus.id),
    }
    assert "Interview 3" in boards["quote"].list.rows[0].meta


def test_in_the_journey_step_participants_rate_feelings_and_remove_only_their_own(
    orchestra: Service,
) -> None:
    orchestra.open_method_step(MethodStep.JOURNEY)
    anna, bert = _joined(orchestra, "Anna"), _joined(orchestra, "Bert")
    assert isinstance(anna.panel, JourneyPanel) and isinstance(bert.panel, JourneyPanel)
    feelings = anna.panel.feelings
    assert feelings.labels(0) == [f"rating.feeling.{v}" for v in range(-2, 3)]
    feelings.press(0, "rating.feeling.-1")
    bert.panel.feelings.press(0, "rating.feeling.2")
    assert "(median of 2)" in bert.panel.feelings.rows[0].meta
    steps = anna.panel.steps
    assert "form.remove" not in steps.labels(0)  # the facilitator's step
    form = anna.panel.new_step.form
    form.fields["action"].input.value = "Deelt het op Instagram"
    form.save_button.click()
    assert "form.remove" in steps.labels(len(steps.rows) - 1)
    assert "form.remove" not in bert.panel.steps.labels(len(steps.rows) - 1)
    steps.press(len(steps.rows) - 1, "form.remove")
    assert "Deelt het op Instagram" not in [s.action for s in orchestra.snapshot().steps]


def test_the_console_lists_every_kind_of_contribution_with_its_author(orchestra: Service) -> None:
    from klantreis.domain import Idea, IdeaTopic, JourneyStep, RatingKind

    console = _console(orchestra)
    anna = orchestra.join("Anna")
    orchestra.open_method_step(MethodStep.CHALLENGE)
    wording = orchestra.add_idea(
        Idea(workshop_id=orchestra.workshop_id, topic=IdeaTopic.CHALLENGE, text="Meer jongeren"),
        anna.id,
    )
    orchestra.open_method_step(MethodStep.JOURNEY)
    journey = orchestra.snapshot().journeys[0]
    orchestra.add_journey_step(
        JourneyStep(workshop_id=orchestra.workshop_id, journey_id=journey.id, action="Deelt"),
        anna.id,
    )
    first_step = orchestra.snapshot().ideal_steps[0]
    orchestra.rate(RatingKind.FEELING, first_step.id, anna.id, 1)
    entries = console.entries
    by_text = {row.text: row for row in entries.rows}
    assert "Challenge wording" not in by_text  # rows are the entries' own words
    assert by_text["Meer jongeren"].meta.startswith("Wording of the challenge · by Anna")
    step_row = next(row for row in entries.rows if row.text.endswith(". Deelt"))
    assert step_row.meta == "Journey step · by Anna"
    card_rows = [row for row in entries.rows if "by the facilitator" in row.meta]
    assert card_rows  # the template's cards, written by the facilitator
    index = entries.texts().index("Meer jongeren")
    entries.press(index, "form.remove")
    assert "Removed" in entries.rows[index].meta
    assert entries.labels(index) == ["form.restore"]
    entries.press(index, "form.restore")
    assert orchestra.snapshot().idea(wording.id).is_active  # type: ignore[union-attr]
    assert orchestra.snapshot().contributions()[anna.id] == 3  # proposal, step, feeling
    assert "<td>Anna</td><td>3</td>" in console.people.value
    # A journey step removed by mistake comes back in its place, with its feeling.
    index = entries.texts().index(step_row.text)
    entries.press(index, "form.remove")
    removed = next(row for row in entries.rows if row.text.endswith(". Deelt"))
    assert removed.meta == "Journey step · by Anna · removed by the facilitator"
    assert orchestra.snapshot().contributions()[anna.id] == 2  # her step is away
    entries.press(entries.texts().index(removed.text), "form.restore")
    assert orchestra.snapshot().ideal_steps[-1].action == "Deelt"
    assert orchestra.snapshot().contributions()[anna.id] == 3


def test_the_projector_leads_with_the_open_step(orchestra: Service) -> None:
    from klantreis.domain import Idea, IdeaTopic, RatingKind

    dashboard = _projector(orchestra)
    assert dashboard.lead.value == "" and dashboard.lead_slots == []  # no step open
    orchestra.open_method_step(MethodStep.CHALLENGE)
    anna = orchestra.join("Anna")
    wording = orchestra.add_idea(
        Idea(workshop_id=orchestra.workshop_id, topic=IdeaTopic.CHALLENGE, text="Meer <jongeren>"),
        anna.id,
    )
    orchestra.rate(RatingKind.SUPPORT, wording.id, anna.id, 1)
    dashboard.tick()  # charts are drawn at the room's next tick
    lead = dashboard.lead.value
    assert "Now: Challenge" in lead and "Meer &lt;jongeren&gt;" in lead and "1 vote" in lead
    assert dashboard.lead_slots == []  # words, not charts
    assert dashboard.widget.children.index(dashboard.lead_box) < dashboard.widget.children.index(
        dashboard.decisions
    )
    orchestra.open_method_step(MethodStep.SCOPE)
    focus = orchestra.snapshot().focus_segment
    assert focus is not None
    orchestra.rate(RatingKind.SEGMENT_SCORE, focus.id, anna.id, 5)
    dashboard.tick()
    assert "Now: Scope" in dashboard.lead.value
    assert "<td>5 (5–5)</td><td>1</td>" in dashboard.lead.value
    assert len(dashboard.lead_slots) == 1
    assert t("chart.segment_relevance.title", "en") in str(dashboard.lead_slots[0].chart.spec)
    scope_slot = dashboard.lead_slots[0]
    orchestra.open_method_step(MethodStep.MAPPING)
    dashboard.tick()
    assert len(dashboard.lead_slots) == 2  # the card board and the alternatives, side by side
    assert scope_slot.widget.comm is None


def test_a_participant_chooses_the_language_of_their_own_page(orchestra: Service) -> None:
    """An English-speaking guest in a Dutch workshop: the join page, forms, lists and status
    follow their choice; the workshop and everyone else's pages stay Dutch."""
    dutch = orchestra.workshop().model_copy(update={"language": "nl"})
    orchestra.update_workshop(dutch)
    orchestra.open_method_step(MethodStep.SCOPE)
    guest = ParticipantApp(orchestra, CODE)
    assert guest.language_choice.value == "nl"
    guest.code.value = CODE
    guest.language_choice.value = "en"
    assert guest.code.value == CODE  # what was typed stays
    assert guest.join_button.description == "Join"
    assert guest.join(CODE, "Guest")
    orchestra.subscribe(guest.on_changes)
    assert isinstance(guest.panel, ScopePanel) and guest.panel.language == "en"
    assert "How well does each segment fit" in "".join(
        str(getattr(x, "value", "")) for x in _descendants(guest.widget)
    )
    assert "Scope and segment" in guest.status.value
    local = _joined(orchestra, "Lokaal")
    assert isinstance(local.panel, ScopePanel) and local.panel.language == "nl"
    assert orchestra.workshop().language == "nl"
    guest.panel.segments.press(0, "rating.segment_score.3")
    assert "group: 3 (1 score)" in guest.panel.segments.rows[0].meta
    assert "groep: 3 (1 score)" in local.panel.segments.rows[0].meta
    # Their charts speak their language too (made once per language, shared by each page).
    title = "chart.segment_relevance.title"
    guest_chart = json.dumps(guest.panel.slots[0].chart.spec, ensure_ascii=False)
    local_chart = json.dumps(local.panel.slots[0].chart.spec, ensure_ascii=False)
    assert t(title, "en") in guest_chart and t(title, "nl") not in guest_chart
    assert t(title, "nl") in local_chart and t(title, "en") not in local_chart


def test_a_participant_adds_the_touchpoint_their_measure_needs_and_edits_a_proposal(
    orchestra: Service,
) -> None:
    orchestra.open_method_step(MethodStep.GOALS)
    anna = _joined(orchestra, "Anna")
    assert isinstance(anna.panel, GoalsPanel)
    adder = anna.panel.new_touchpoint.form
    adder.fields["name"].input.value = "Concertpodcast"
    adder.save_button.click()
    stored = next(tp for tp in orchestra.snapshot().touchpoints if tp.name == "Concertpodcast")
    measure_form = anna.panel.new_measure.form
    assert measure_form.fields["touchpoint_id"].get() == stored.id  # chosen for the measure
    measure_form.fields["title"].input.value = "Podcast bij elk concert"
    measure_form.save_button.click()
    saved = next(m for m in orchestra.snapshot().measures if m.title == "Podcast bij elk concert")
    assert saved.touchpoint_id == stored.id

    orchestra.open_method_step(MethodStep.CHALLENGE)
    bert = _joined(orchestra, "Bert")
    assert isinstance(anna.panel, ChallengePanel) and isinstance(bert.panel, ChallengePanel)
    board = anna.panel.boards[0]
    board.adder.form.fields["text"].input.value = "Meer jongren"
    board.adder.form.save_button.click()
    assert "form.edit" in board.list.labels(0)
    assert "form.edit" not in bert.panel.boards[0].list.labels(0)  # not Bert's to edit
    board.list.press(0, "form.edit")
    assert board.editor.form is not None
    board.editor.form.fields["text"].input.value = "Meer jongeren"
    board.editor.form.save_button.click()
    assert board.editor.form is None and board.editor.widget.children == ()
    assert bert.panel.boards[0].list.texts() == ["Meer jongeren"]


def test_the_console_lists_goal_statements_and_scores_with_their_authors(
    orchestra: Service,
) -> None:
    from klantreis.domain import Goal, GoalKind, RatingKind

    console = _console(orchestra)
    anna = orchestra.join("Anna")
    snapshot = orchestra.snapshot()
    focus = snapshot.focus_segment
    other = next(s for s in snapshot.segments if not s.is_focus)
    assert focus is not None
    orchestra.open_method_step(MethodStep.GOALS)
    orchestra.save_goal(
        Goal(
            workshop_id=orchestra.workshop_id,
            segment_id=other.id,
            kind=GoalKind.ADDRESS_NEEDS,
            statement="Een vaste plek, elk seizoen",
        ),
        anna.id,
    )
    orchestra.open_method_step(MethodStep.SCOPE)
    orchestra.rate(RatingKind.SEGMENT_SCORE, focus.id, anna.id, 4)
    entries = console.entries
    goal_row = entries.rows[entries.texts().index("Een vaste plek, elk seizoen")]
    assert goal_row.meta == f"Address needs · by Anna · {other.name}"
    score_index = next(
        i for i, row in enumerate(entries.rows) if row.meta == "Segment score · by Anna · 4"
    )
    assert entries.rows[score_index].text == focus.name
    assert orchestra.snapshot().contributions()[anna.id] == 2
    entries.press(score_index, "form.remove")  # a mistaken score, taken away
    assert orchestra.snapshot().ratings == []
    assert orchestra.snapshot().contributions()[anna.id] == 1


def test_a_reload_keeps_the_language_the_participant_chose(
    orchestra: Service, tmp_path: Path
) -> None:
    from klantreis.widgets.room.keys import RoomKeys
    from klantreis.widgets.room.pages import Room

    keys = RoomKeys(join_code=CODE, facilitator_token=TOKEN)
    room = Room(orchestra, keys, folder=tmp_path)
    orchestra.update_workshop(orchestra.workshop().model_copy(update={"language": "nl"}))
    first = ParticipantApp(orchestra, CODE)
    first.on_joined = lambda person: room.joined("browser-1", person, first.language)
    first.language_choice.value = "en"
    assert first.join(CODE, "Grace")
    assert room.language_of("browser-1") == "en"
    reloaded = ParticipantApp(orchestra, CODE)  # the same browser, after a reload
    known = room.participant_of("browser-1")
    assert known is not None and reloaded.resume(known, room.language_of("browser-1"))
    assert reloaded.language == "en" and "taking part as Grace" in reloaded.body.children[0].value
    other = ParticipantApp(orchestra, CODE)
    assert other.language == "nl" and room.language_of("browser-2") is None
    restarted = Room(orchestra, keys, folder=tmp_path)  # the room process started again
    assert restarted.participant_of("browser-1") == known
    assert restarted.language_of("browser-1") == "en"


def test_a_console_opened_once_opens_again_after_a_reload_or_restart(
    orchestra: Service, tmp_path: Path
) -> None:
    """The facilitator typed the token once: a reload of the console, or a restart of the
    room, opens the console in that browser without asking again; another browser is asked."""
    from klantreis.widgets.room.keys import RoomKeys
    from klantreis.widgets.room.pages import CONSOLE, PARTICIPANT, Room, open_page

    room = Room(orchestra, RoomKeys(join_code=CODE, facilitator_token=TOKEN), folder=tmp_path)
    first = open_page(room, CONSOLE, session_id="laptop")
    assert isinstance(first.app, FacilitatorConsole) and not first.app.unlocked
    assert not first.app.unlock("wrong") and not room.console_open_for("laptop")
    assert first.app.unlock(TOKEN)
    reloaded = open_page(room, CONSOLE, session_id="laptop")
    assert isinstance(reloaded.app, FacilitatorConsole) and reloaded.app.unlocked
    restarted = Room(orchestra, room.keys, folder=tmp_path)  # the room process started again
    again = open_page(restarted, CONSOLE, session_id="laptop")
    assert isinstance(again.app, FacilitatorConsole) and again.app.unlocked
    other = open_page(restarted, CONSOLE, session_id="another-browser")
    assert isinstance(other.app, FacilitatorConsole) and not other.app.unlocked
    # A participant's page in the same browser is not the console, and joins as before.
    page = open_page(restarted, PARTICIPANT, session_id="laptop")
    assert not isinstance(page.app, FacilitatorConsole)
    for made in (first, reloaded, again, other, page):
        made.close()


def test_a_page_shows_a_save_announced_while_it_was_being_built(
    orchestra: Service, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone saves while a returning participant's page reads the workshop, before the page
    is among the open ones the room hands changes to: the page is handed the save at once."""
    from klantreis.widgets.room.keys import RoomKeys
    from klantreis.widgets.room.pages import PARTICIPANT, Room, open_page

    orchestra.open_method_step(MethodStep.MAPPING)
    segment = orchestra.snapshot().focus_segment
    assert segment is not None
    room = Room(orchestra, RoomKeys(join_code=CODE, facilitator_token=TOKEN), folder=tmp_path)
    # The room does not follow here: no thread hands changes to open pages.
    first = ParticipantApp(orchestra, CODE)
    assert first.join(CODE, "Returning")
    assert first.participant is not None
    room.joined("browser", first.participant.id)
    other = orchestra.join("Other")
    real_resume = ParticipantApp.resume

    def resume_while_someone_saves(app: ParticipantApp, *args: Any) -> bool:
        resumed = real_resume(app, *args)
        card = Card(
            workshop_id=orchestra.workshop_id, segment_id=segment.id, kind="need", text="Meanwhile"
        )
        orchestra.add_card(card, other.id)
        return resumed

    monkeypatch.setattr(ParticipantApp, "resume", resume_while_someone_saves)
    page = open_page(room, PARTICIPANT, session_id="browser")
    assert isinstance(page.app, ParticipantApp) and page.app.panel is not None
    assert "Meanwhile" in [card.text for card in page.app.panel.snapshot.cards]
    assert page.app.panel.snapshot.revision == orchestra.revision()
    page.close()
    first.close()


@pytest.mark.parametrize(
    ("code", "name", "outcome"),
    [
        ("", "Anna", "This code is not right."),
        ("   ", "Anna", "This code is not right."),
        ("x" * 10_000, "Anna", "This code is not right."),
        ("K7M2QÄ", "Anna", "This code is not right."),  # was a TypeError in the comparison
        ("<script>alert(1)</script>", "Anna", "This code is not right."),
        ("ｋ７ｍ２ｑｘ", "Anna", "joined"),  # a phone's full-width keyboard
        ("k7m2-qx ", "Anna", "joined"),
        (CODE, "", "Enter your name"),
        (CODE, " \u200b ", "Enter your name"),
        (CODE, "x" * 10_000, "is too long"),
        (CODE, "<b>Anna</b>", "joined"),  # stored and shown as text
        (CODE, "Robert'); DROP TABLE participants;--", "joined"),
        (CODE, "{name} %s \x00", "joined"),
        (CODE, "👩‍🎤 Zoë", "joined"),
    ],
)
def test_the_join_form_answers_any_code_and_name_with_a_message(
    orchestra: Service, code: str, name: str, outcome: str
) -> None:
    orchestra.open_method_step(MethodStep.MAPPING)
    app = ParticipantApp(orchestra, CODE)
    app.language_choice.value = "en"
    joined = app.join(code, name)
    before = len(orchestra.snapshot().participants)
    if outcome == "joined":
        assert joined and app.participant is not None
        shown = "".join(str(getattr(x, "value", "")) for x in _descendants(app.widget))
        assert "<b>Anna</b>" not in shown  # markup typed as a name is text on the page
        assert "taking part as" in shown
    else:
        assert not joined and outcome in app.join_message.value
        assert len(orchestra.snapshot().participants) == before


def test_a_name_typed_two_ways_is_one_participant(orchestra: Service) -> None:
    """Composed and decomposed accents, case and spaces: the same person joining again."""
    first = ParticipantApp(orchestra, CODE)
    second = ParticipantApp(orchestra, CODE)
    assert first.join(CODE, "Zoë van Dijk") and second.join(CODE, " zoe\u0308  VAN dijk ")
    assert first.participant is not None and second.participant is not None
    assert first.participant.id == second.participant.id
