"""Forms and panels without a browser: set values, click, and check what the store holds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import klantreis.widgets as kw
import pytest
from klantreis.widgets.forms import CardForm, challenge_form

from klantreis.domain import (
    Card,
    CardKind,
    Conflict,
    EntryState,
    Journey,
    MethodStep,
    Role,
    Segment,
)
from klantreis.i18n import LANGUAGES, Language
from klantreis.service import Service


def click(entries: Any, row_text: str, label: str) -> None:
    """Press the button ``label`` on the row whose text contains ``row_text``."""
    for index, text in enumerate(entries.texts()):
        if row_text in text and label in entries.labels(index):
            entries.press(index, label)
            return
    raise AssertionError(f"no row {row_text!r} with {label!r}")


def labels(entries: Any, row_text: str) -> list[str]:
    index = next(i for i, text in enumerate(entries.texts()) if row_text in text)
    return list(entries.labels(index))


def test_a_form_marks_unsaved_changes_and_resets(orchestra: Service) -> None:
    form = challenge_form(orchestra.workshop(), orchestra.update_workshop, "en")
    assert not form.dirty and form.status.value == ""
    form.fields["challenge"].input.value = "Keep subscribers"
    assert form.dirty and form.status.value == "Unsaved changes"
    form.reset()
    assert not form.dirty and form.fields["challenge"].get() == orchestra.workshop().challenge


def test_problems_show_next_to_their_fields_and_nothing_is_saved(orchestra: Service) -> None:
    before = orchestra.workshop()
    form = challenge_form(before, orchestra.update_workshop, "nl")
    form.fields["end_goal.threshold"].input.value = "acht"
    form.fields["end_goal.metric"].input.value = "x" * 300
    assert form.save() is False
    assert form.fields["end_goal.threshold"].problem == "moet een getal zijn"
    assert form.fields["end_goal.metric"].problem == "is te lang (maximaal 200 tekens)"
    assert "nog niets opgeslagen" in form.status.value
    assert orchestra.workshop() == before
    form.fields["end_goal.threshold"].input.value = "8,5"
    form.fields["end_goal.metric"].input.value = "Tevredenheid"
    assert form.save() is True
    assert (orchestra.workshop().end_goal.threshold, form.status.value) == (8.5, "Opgeslagen.")


def test_invisible_characters_are_left_out_and_the_form_says_so(orchestra: Service) -> None:
    form = challenge_form(orchestra.workshop(), orchestra.update_workshop, "en")
    form.fields["challenge"].input.value = "Meer\x00 jonge\u202e bezoekers\u200b 👩\u200d🎤"
    assert form.save() is True
    assert orchestra.workshop().challenge == "Meer jonge bezoekers 👩\u200d🎤"  # the joiner stays
    assert (
        form.status.value
        == "Saved. 3 invisible characters (control or direction marks) were left out."
    )
    form.fields["challenge"].input.value = "Plain words"
    assert form.save() is True and form.status.value == "Saved."


def test_a_conflict_keeps_what_was_typed(orchestra: Service) -> None:
    form = challenge_form(orchestra.workshop(), orchestra.update_workshop, "en")
    orchestra.update_workshop(
        orchestra.workshop().model_copy(update={"challenge": "Changed elsewhere"})
    )
    form.fields["challenge"].input.value = "My own words"
    assert form.save() is False
    assert "Someone else changed this" in form.status.value
    assert form.fields["challenge"].get() == "My own words"
    with pytest.raises(Conflict):
        orchestra.update_workshop(form.edited())


def test_the_card_form_shows_only_the_fields_of_its_kind() -> None:
    card = Card(workshop_id="w", segment_id="s", kind="need", text="x")
    form = CardForm(card, lambda v: v, "en")

    def shown():
        return {
            n: all("kr-hidden" not in part._dom_classes for part in form.fields[n].parts)
            for n in ("polarity", "alternatives", "need_type")
        }

    assert shown() == {"polarity": False, "alternatives": True, "need_type": True}
    form.fields["kind"].input.value = "association"
    assert shown() == {"polarity": True, "alternatives": False, "need_type": False}
    assert form.edited().polarity is not None and form.edited().alternatives == []


def test_a_choice_with_no_value_shows_its_none_option_selected() -> None:
    """ipywidgets clears a selection's index when its value is None, so the browser drew
    "Kind of need" empty; the "(none)" option must be the one selected, and read back as None."""
    card = Card(workshop_id="w", segment_id="s", kind="need", text="x")
    form = CardForm(card, lambda v: v, "en")
    need_type = form.fields["need_type"]
    assert need_type.input.index == 0 and need_type.input.label == "(none)"
    assert need_type.get() is None and form.edited().need_type is None
    need_type.input.index = 1
    assert form.edited().need_type == need_type.input.value
    need_type.set(None)
    assert need_type.input.index == 0 and form.edited().need_type is None
    assert not form.dirty


def test_every_input_of_a_form_is_named_for_screen_readers() -> None:
    """Each input carries its field's name as its own label (a screen reader says "Kind of
    need, list box", not "list box"); the caption shows the same words to the eye only, and a
    checkbox keeps its visible words."""
    card = Card(workshop_id="w", segment_id="s", kind="need", text="x")
    form = CardForm(card, lambda v: v, "en")
    for name, field in form.fields.items():
        assert field.input.description == field.label, name
        assert "kr-named" in field.input._dom_classes, name
        assert f'aria-hidden="true">{field.label}</div>' in field.caption.value, name
    assert form.fields["need_type"].label == "Kind of need"
    from klantreis.widgets.forms.fields import Field, FieldWidget

    checkbox = FieldWidget(Field("is_focus", "checkbox"), "en")
    assert "kr-named" not in checkbox.input._dom_classes
    assert checkbox.input.description and checkbox.input.description != checkbox.label


def test_a_form_shares_layouts_and_styles_and_closes_them_with_itself() -> None:
    import ipywidgets as w
    from klantreis.widgets.lifecycle import close_tree

    card = Card(workshop_id="w", segment_id="s", kind="need", text="x")
    form = CardForm(card, lambda v: v, "en")
    fields = list(form.fields.values())
    assert len({id(f.caption.layout) for f in fields}) == 1  # one layout for every caption
    assert len({id(f.caption.style) for f in fields}) == 1
    assert all(f.caption in form.widget.children for f in fields)  # no box of its own
    parts = [form.widget, *(f.caption.layout for f in fields), *(f.caption for f in fields)]
    close_tree(form.widget)
    assert all(part.comm is None for part in parts)  # closed: nothing left open in the page
    assert all(isinstance(part, w.Widget) for part in parts)


def test_a_form_and_a_chart_go_to_the_page_whole_in_their_first_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What a widget is made with travels in the message that opens it; every class or spec
    set after that is one more message per widget to every arriving page."""
    import ipywidgets as w
    from klantreis.widgets.forms.submit import FIELD_PREFIX

    from klantreis.charts.live import live_chart

    sent: list[tuple[str, Any]] = []
    original = w.Widget.send_state

    def send_state(widget: w.Widget, key: Any = None) -> None:
        sent.append((type(widget).__name__, key))
        original(widget, key)

    monkeypatch.setattr(w.Widget, "send_state", send_state)
    card = Card(workshop_id="w", segment_id="s", kind="need", text="x")
    form = CardForm(card, lambda v: v, "en")
    # every input opens showing the card: nothing is set after (anywidget sends its own code)
    assert [s for s in sent if s[0] != "SubmitButton"] == []
    association = Card(
        workshop_id="w",
        segment_id="s",
        kind="association",
        polarity="negative",
        text="Stuffy",
        detail="Heard twice",
        basis="research",
    )
    editing = CardForm(association, lambda v: v, "en")
    assert [s for s in sent if s[0] != "SubmitButton"] == []
    assert editing.fields["polarity"].input.label == "Negative"
    assert editing.edited() == association and not editing.dirty
    assert {"kr-form", form.save_button.form_class} <= set(form.widget.get_state()["_dom_classes"])
    text = form.fields["text"].input
    assert FIELD_PREFIX + "text" in text.get_state()["_dom_classes"]  # read by the button
    sent.clear()
    spec = {"mark": "bar", "data": {"values": [{"a": 1}]}}
    chart = live_chart(spec, layout=w.Layout(width="100%"), _dom_classes=["kr-chart"])
    assert chart.get_state()["spec"] == spec  # in the opening message
    assert chart.get_state()["_dom_classes"] == ("kr-chart",)
    assert not [s for s in sent if s[1] in ("spec", "_dom_classes")]
    chart.spec = {**spec, "mark": "point"}  # a redraw still goes out
    assert chart.get_state()["spec"]["mark"] == "point"


def test_a_participant_adds_votes_and_withdraws_in_the_mapping_panel(orchestra: Service) -> None:
    orchestra.open_method_step(MethodStep.MAPPING)
    anna, ben = orchestra.join("Anna"), orchestra.join("Ben")
    panel = kw.mapping(orchestra, anna.id)
    form = panel.new_card.form
    form.fields["kind"].input.value = "barrier"
    form.fields["text"].input.value = '<img src=x onerror="alert(1)">'
    form.save_button.click()
    mine = [c for c in orchestra.snapshot().cards if c.author_id == anna.id]
    assert [(c.text, c.kind) for c in mine] == [
        ('<img src=x onerror="alert(1)">', CardKind.BARRIER)
    ]
    assert panel.new_card.form.fields["text"].get() == ""  # ready for the next card
    assert panel.cards.texts()[-1] == '<img src=x onerror="alert(1)">'  # data, shown as text
    assert "innerHTML" not in panel.cards.widget._esm  # the browser draws rows with textContent
    redraws = panel.slots[0].redraws
    click(panel.cards, "<img", "form.vote")
    assert orchestra.dots_left(anna.id) == 4 and "4 of your 5 dots" in panel.dots.value
    assert panel.slots[0].redraws == redraws + 1
    assert labels(panel.cards, "A night out") == ["form.vote"]  # someone else's card: vote only
    click(panel.cards, "<img", "form.withdraw")
    assert orchestra.snapshot().card(mine[0].id).state is EntryState.WITHDRAWN  # type: ignore[union-attr]
    assert orchestra.dots_left(anna.id) == 5
    ben_panel = kw.mapping(orchestra, ben.id)
    assert all("<img" not in text for text in ben_panel.cards.texts())


def test_hidden_results_show_a_participant_only_their_own_cards(orchestra: Service) -> None:
    orchestra.open_method_step(MethodStep.MAPPING)
    anna = orchestra.join("Anna")
    segment = orchestra.snapshot().focus_segment
    assert segment is not None
    orchestra.add_card(
        Card(workshop_id=orchestra.workshop_id, segment_id=segment.id, kind="need", text="Mine"),
        anna.id,
    )
    mine = orchestra.snapshot().cards[-1]
    orchestra.vote(mine.id, orchestra.join("Ben").id)  # what others did is a result too
    orchestra.set_controls(results_hidden=True)
    panel = kw.mapping(orchestra, anna.id)
    rows = panel.cards.widget.rows
    assert [(row["text"], row["meta"]) for row in rows] == [("Mine", "Need")]  # no dot count
    host = orchestra.join("Host", role=Role.FACILITATOR)
    assert len(kw.mapping(orchestra, host.id).cards.texts()) == 7
    assert all(slot.withheld for slot in panel.slots)  # the charts hold no data either
    orchestra.set_controls(results_hidden=False)
    panel.refresh()
    assert ("Mine", "Need · 1 dot") in [
        (row["text"], row["meta"]) for row in panel.cards.widget.rows
    ]
    assert not any(slot.withheld for slot in panel.slots)


def test_a_closed_step_is_explained_in_the_participants_language(empty_workshop: Service) -> None:
    segment = empty_workshop.save_segment(
        Segment(workshop_id=empty_workshop.workshop_id, name="S", is_focus=True)
    )
    anna = empty_workshop.join("Anna")
    panel = kw.mapping(empty_workshop, anna.id)
    form = panel.new_card.form
    form.fields["text"].input.value = "Te duur"
    assert form.save() is False
    assert form.status.value == "Deze stap is (nog) niet geopend door de facilitator."
    assert empty_workshop.snapshot().active_cards(segment_id=segment.id) == []


def test_segments_are_added_and_one_is_made_the_focus(empty_workshop: Service) -> None:
    panel = kw.scope(empty_workshop)
    for name, relevance in (("Jonge gezinnen", 4), ("Senioren", 2)):
        panel.add.click()
        panel.editor.form.fields["name"].input.value = name
        panel.editor.form.fields["relevance"].input.value = relevance
        panel.editor.form.save_button.click()
    assert [(s.name, s.relevance) for s in empty_workshop.snapshot().segments] == [
        ("Jonge gezinnen", 4),
        ("Senioren", 2),
    ]
    assert "Kies één focussegment" in panel.warning.value
    click(panel.segments, "Senioren", "form.make_focus")
    assert empty_workshop.snapshot().focus_segment.name == "Senioren"  # type: ignore[union-attr]


def test_the_persona_form_keeps_quotes_and_survey_facts(empty_workshop: Service) -> None:
    empty_workshop.save_segment(
        Segment(workshop_id=empty_workshop.workshop_id, name="S", is_focus=True)
    )
    panel = kw.persona(empty_workshop)
    form = panel.form
    form.fields["name"].input.value = "Sanne"
    quotes = form.fields["quotes"].input
    quotes.add_button.click()
    quotes.rows[0]["text"].value = "Wanneer moet je klappen?"
    facts = form.fields["survey_facts"].input
    facts.add_button.click()
    row = facts.rows[0]
    (
        row["question"].value,
        row["answer"].value,
        row["share_percent"].value,
        row["respondents"].value,
    ) = "Prijs?", "€20–30", "46,5%", "212"
    assert form.save(), form.status.value
    persona = empty_workshop.snapshot().personas[0]
    assert persona.quotes[0].text == "Wanneer moet je klappen?"
    assert (persona.survey_facts[0].share_percent, persona.survey_facts[0].respondents) == (
        46.5,
        212,
    )
    assert not persona.rests_on_assumptions_only


def test_rows_that_leave_the_persona_form_are_closed(empty_workshop: Service) -> None:
    """A row removed, or replaced when the form shows the saved persona again, is closed with
    its inputs and button (the console's form lives for the whole workshop)."""
    empty_workshop.save_segment(
        Segment(workshop_id=empty_workshop.workshop_id, name="S", is_focus=True)
    )
    form = kw.persona(empty_workshop).form
    quotes = form.fields["quotes"].input
    quotes.add_button.click()
    quotes.add_button.click()
    first, second = quotes.list.children
    quotes.rows[1]["text"].value = "Mag ik hoesten?"
    first.children[-1].click()  # remove the first row
    assert first.comm is None and all(part.comm is None for part in first.children)
    form.fields["name"].input.value = "Sanne"
    assert form.save(), form.status.value
    assert second.comm is None  # the saved persona is shown with rows of its own
    assert [row["text"].value for row in quotes.rows] == ["Mag ik hoesten?"]


def test_goals_and_measures_are_saved_from_the_goals_panel(orchestra: Service) -> None:
    panel = kw.goals(orchestra)
    from klantreis.domain import GoalKind

    goal = panel.goal_forms[GoalKind.OVERWRITE_NEGATIVE]
    goal.fields["statement"].input.value = "Show the orchestra as it really is"
    assert goal.save()
    form = panel.new_measure.form
    form.fields["title"].input.value = "Open rehearsal for young people"
    form.fields["goal_kind"].input.value = "overwrite_negative"
    stuffy = next(
        value for label, value in form.fields["card_ids"].input.options if "Stuffy" in label
    )
    form.fields["card_ids"].input.value = (stuffy,)
    form.fields["phase_key"].input.value = "awareness"
    assert form.save(), form.status.value
    snap = orchestra.snapshot()
    measure = next(m for m in snap.measures if m.title == "Open rehearsal for young people")
    assert (measure.card_ids, measure.phase_key) == ([stuffy], "awareness")
    overwrite = snap.goal(measure.segment_id, GoalKind.OVERWRITE_NEGATIVE)
    assert overwrite is not None and overwrite.statement == "Show the orchestra as it really is"
    assert any("Open rehearsal" in text for text in panel.measures.texts())


def test_the_measure_form_offers_the_cards_of_the_segment_chosen_now(orchestra: Service) -> None:
    """Its card choices follow the segment chooser (they stayed with the first segment)."""
    panel = kw.goals(orchestra)
    snap = orchestra.snapshot()
    first, second = snap.segments[:2]
    choices = panel.new_measure.form.fields["card_ids"].input.options
    panel.chooser.value = second.id
    after = panel.new_measure.form.fields["card_ids"].input.options
    expected = {c.id for c in snap.active_cards(segment_id=second.id)}
    assert {value for _label, value in after} == expected and expected
    assert {value for _label, value in choices} == {
        c.id for c in snap.active_cards(segment_id=first.id)
    }


def test_journey_steps_are_added_and_reordered(orchestra: Service) -> None:
    panel = kw.journey(orchestra)
    form = panel.new_step.form
    form.fields["action"].input.value = "Tells a friend"
    form.fields["phase_key"].input.value = "loyalty"
    assert form.save(), form.status.value
    actions = [s.action for s in orchestra.snapshot().steps_of(panel.journey_id)]  # type: ignore[arg-type]
    assert actions[-1] == "Tells a friend"
    click(panel.steps, "9. Tells a friend", "form.up")
    actions = [s.action for s in orchestra.snapshot().steps_of(panel.journey_id)]  # type: ignore[arg-type]
    assert actions[-2:] == ["Tells a friend", "Books a second concert"]
    assert labels(panel.steps, "1. ") == ["form.down", "form.edit", "form.remove"]


def test_a_new_touchpoint_becomes_a_choice_for_steps(orchestra: Service) -> None:
    panel = kw.journey(orchestra)
    panel.add_touchpoint.click()
    panel.tp_editor.form.fields["name"].input.value = "Podcast app"
    panel.tp_editor.form.fields["phase_keys"].input.value = ("consideration",)
    panel.tp_editor.form.save_button.click()
    assert panel.tp_editor.form is None and panel.tp_editor.widget.children == ()
    choices = [label for label, _ in panel.new_step.form.fields["touchpoint_id"].input.options]
    assert "Podcast app" in choices
    assert any("Podcast app" in text for text in panel.touchpoints.texts())


def test_phases_in_use_are_not_dropped_and_custom_phases_work(
    orchestra: Service, empty_workshop: Service
) -> None:
    panel = kw.start(orchestra)
    panel.model.value = "aida"
    assert panel.apply_phases() is False
    assert "is still used by a measure or step" in panel.message.value
    empty = kw.start(empty_workshop)
    empty.model.value = "custom"
    empty.custom.value = "Oriëntatie\nKeuze\nGebruik\nOriëntatie"
    assert empty.apply_phases() is True
    phases = empty_workshop.workshop().phases
    assert [(p.key, p.name) for p in phases] == [
        ("orientatie", "Oriëntatie"),
        ("keuze", "Keuze"),
        ("gebruik", "Gebruik"),
        ("orientatie_2", "Oriëntatie"),
    ]


def upload(widget: Any, name: str, content: bytes) -> None:
    """Do what the browser does when a file is chosen in a FileUpload: send its state."""
    file = {
        "name": name,
        "type": "text/csv",
        "size": len(content),
        "content": memoryview(content),
        "last_modified": 0,
    }
    widget.set_state({"value": [file]})


def test_the_data_panel_imports_maps_and_counts_without_a_browser(
    orchestra_on_disk: tuple[Service, Path],
) -> None:
    from klantreis.widgets.panels.data import DataPanel

    from klantreis.analytics.sample import sample_rules, traffic_export, write_event_log
    from klantreis.charts.data import DATA_CHARTS

    service, folder = orchestra_on_disk
    panel = DataPanel(service)
    assert panel.data is not None and not panel.data.has_data
    assert "No data imported yet" in panel.loaded.value

    upload(panel.traffic_upload, "ga4.csv", traffic_export(2_000, "en"))
    assert "Traffic from ga4.csv imported" in panel.message.value
    assert "2,000 sessions" in panel.loaded.value
    assert panel.traffic_upload.value == ()  # ready for the next file

    upload(panel.traffic_upload, "wrong.csv", b"Page,Views\n/home,3\n")
    assert "Session source / medium" in panel.message.value
    assert "kr-status-error" in panel.message._dom_classes
    assert "2,000 sessions" in panel.loaded.value  # the earlier import is kept

    log = folder / "log.parquet"
    write_event_log(service.snapshot(), log, 6_000, seed=3)
    upload(panel.events_upload, "log.parquet", log.read_bytes())
    assert "Event log log.parquet imported" in panel.message.value
    assert panel.data.source == "events"
    assert "/1-sees-a-video" in panel.unmapped.value  # no step rules yet: all unmapped

    rules = panel.rules_form
    rules.fields["steps"].input.add_row({"pattern": "re:(broken", "step": 1})
    assert rules.save() is False
    assert "regular expression" in rules.fields["steps"].problem
    assert not panel.data_folder.rules_path.exists()  # nothing saved

    upload(
        panel.rules_upload,
        "rules.json",
        json.dumps(sample_rules(service.snapshot(), "en").model_dump(mode="json")).encode(),
    )
    assert panel.data.funnel["closed"].iloc[0] > panel.data.funnel["closed"].iloc[-1] > 0
    assert len(panel.slots) == len(DATA_CHARTS)  # every data chart, the funnel per channel too
    for slot in panel.slots:
        assert slot.chart.spec is not None
    assert "Customers per channel" in panel.summary.value

    counts = panel.counts_form
    counts.fields["step_1"].input.value = "1200"
    counts.fields["step_2"].input.value = "twelve"
    assert counts.save() is False
    assert counts.fields["step_2"].problem
    counts.fields["step_2"].input.value = "800"
    assert counts.save() is True
    assert panel.data_folder.counts() == {1: 1200, 2: 800}
    assert panel.data.source == "events"  # a log, when there is one, comes first


@pytest.mark.slow  # every step's panels and the dashboard, each in both languages: 4 s
@pytest.mark.parametrize("language", LANGUAGES)
def test_no_catalogue_key_is_shown_raw_in_any_step(language: Language, memory_store: Any) -> None:
    """Keys built at run time (``f"hint.goal.{kind}"``) are not found by the catalogue test's
    scan of the code; this looks at what every step's panel actually shows."""
    import re

    import ipywidgets as w

    from klantreis.exchange.importer import import_document
    from klantreis.exchange.templates import load_template
    from klantreis.i18n import catalogue

    service = import_document(memory_store, load_template("orchestra", language))
    prefixes = sorted({key.split(".")[0] for key in catalogue("nl")}, key=len, reverse=True)
    raw_key = re.compile(r"\b(?:{})\.[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*\b".format("|".join(prefixes)))
    builders = [kw.start, kw.challenge, kw.scope, kw.persona, kw.mapping, kw.goals, kw.journey]
    shown: list[str] = []

    def texts(widget: w.Widget) -> None:
        for name in ("value", "description", "placeholder", "tooltip"):
            value = getattr(widget, name, None)
            if isinstance(value, str):
                shown.append(value)
        for label in getattr(widget, "_options_labels", ()):
            shown.append(str(label))
        rows = getattr(widget, "rows", None)
        for row in rows if isinstance(rows, list) else ():  # a list's rows and buttons
            shown.extend([row["text"], row["meta"]])
            shown.extend(a["text"] for a in row["actions"])
            shown.extend(a["tooltip"] for a in row["actions"])
        for child in getattr(widget, "children", ()):
            texts(child)

    for build in builders:
        texts(build(service).widget)
    # And as a participant sees each step, with the room's proposals, scores and feelings in it.
    from klantreis.widgets.panels import STEP_PANELS
    from klantreis.widgets.room.dashboard import LiveDashboard

    from klantreis.domain import Idea, IdeaTopic, MethodStep, RatingKind

    person = service.join("Anna")
    focus = service.snapshot().focus_segment
    assert focus is not None
    for step, panel_class in STEP_PANELS.items():
        service.open_method_step(step)
        if step is MethodStep.CHALLENGE:
            wording = service.add_idea(
                Idea(workshop_id=service.workshop_id, topic=IdeaTopic.CHALLENGE, text="x"),
                person.id,
            )
            service.rate(RatingKind.SUPPORT, wording.id, person.id, 1)
        if step is MethodStep.SCOPE:
            service.rate(RatingKind.SEGMENT_SCORE, focus.id, person.id, 4)
        if step is MethodStep.JOURNEY:
            first = service.snapshot().ideal_steps[0]
            service.rate(RatingKind.FEELING, first.id, person.id, 1)
        texts(panel_class(service, person.id, phone=True).widget)
        dashboard = LiveDashboard(service, follow=False)
        texts(dashboard.widget)
        dashboard.close()
    found = sorted({m.group(0) for text in shown for m in raw_key.finditer(text)})
    assert found == [], f"catalogue keys shown as text: {found}"


def test_a_step_without_its_segment_says_so_and_its_form_saves_once_it_exists(
    empty_workshop: Service,
) -> None:
    """No form that cannot be saved: until the facilitator adds a segment, the mapping and goals
    steps say what is missing; then the same page's form saves into the new segment."""
    service = empty_workshop
    service.open_method_step(MethodStep.MAPPING)
    anna = service.join("Anna")
    mapping, goals = kw.mapping(service, anna.id), kw.goals(service, anna.id)
    for panel in (mapping, goals):
        assert "kr-hidden" not in panel.requirement._dom_classes
        assert "Scope en segment" in panel.requirement.value
        assert all("kr-hidden" in box._dom_classes for box in panel.adders)
    form = mapping.new_card.form
    form.fields["text"].input.value = "Weten wat je te wachten staat"  # typed meanwhile
    segment = service.save_segment(Segment(workshop_id=service.workshop_id, name="Starters"))
    for panel in (mapping, goals):
        panel.refresh()  # what the room does when the change is announced
        assert "kr-hidden" in panel.requirement._dom_classes
        assert not any("kr-hidden" in box._dom_classes for box in panel.adders)
    assert form.save() is True, form.status.value
    (card,) = service.snapshot().cards
    assert (card.text, card.segment_id) == ("Weten wat je te wachten staat", segment.id)


def test_a_journey_step_form_waits_for_a_journey(empty_workshop: Service) -> None:
    service = empty_workshop
    segment = service.save_segment(Segment(workshop_id=service.workshop_id, name="Starters"))
    service.open_method_step(MethodStep.JOURNEY)
    panel = kw.journey(service, service.join("Bram").id)
    assert "klantreis" in panel.requirement.value.lower()
    assert "kr-hidden" in panel.new_step._dom_classes
    journey = service.save_journey(
        Journey(workshop_id=service.workshop_id, name="Eerste bezoek", segment_id=segment.id)
    )
    panel.refresh()
    assert "kr-hidden" not in panel.new_step._dom_classes
    form = panel.new_step.form
    form.fields["action"].input.value = "Ziet een korte video van het orkest"
    assert form.save() is True, form.status.value
    (step,) = service.snapshot().steps
    assert step.journey_id == journey.id


def test_the_compare_panel_shows_what_changed_since_an_earlier_workshop(
    orchestra_on_disk: tuple[Service, Path], tmp_path: Path
) -> None:
    from klantreis.widgets.panels.compare import ComparePanel

    from klantreis.exchange.templates import load_template
    from klantreis.folder import create_folder

    service, _folder = orchestra_on_disk
    earlier = tmp_path / "earlier"
    create_folder(earlier, load_template("orchestra", "en")).store.close()
    panel = ComparePanel(service)
    assert "Type the folder of the earlier workshop" in panel.result.value
    panel.folder.value = str(tmp_path / "nowhere")
    panel.button.click()
    assert "kr-problem" in panel.result.value  # explained, not raised
    segment = service.snapshot().segments[1]
    service.choose_focus(segment.id)
    panel.folder.value = str(earlier)
    panel.button.click()
    assert "What changed" in panel.result.value and segment.name in panel.result.value
    panel.close()
    assert panel.widget.comm is None


def test_an_editor_shows_one_form_and_closes_what_it_hides(orchestra: Service) -> None:
    """Opening another entry, saving and cancelling each close the form that leaves the page
    with its widgets (before, the scope, goals and journey panels only hid them: a leak in a
    workshop-long server)."""
    panel = kw.scope(orchestra)
    first, second = orchestra.snapshot().segments[:2]
    panel.edit(first)
    opened = panel.editor.form
    panel.edit(second)
    assert opened.widget.comm is None and opened.save_button.comm is None  # closed, not hidden
    assert panel.editor.widget.children == (panel.editor.form.widget,)
    panel.editor.form.fields["name"].input.value = "Young city dwellers, renamed"
    saved = panel.editor.form
    saved.save_button.click()
    assert orchestra.snapshot().segment(second.id).name == "Young city dwellers, renamed"  # type: ignore[union-attr]
    assert panel.editor.form is None and saved.widget.comm is None
    panel.edit(first)
    cancelled: Any = panel.editor.form  # opened again (the assertion above narrowed it to None)
    cancelled.cancel_button.click()
    assert panel.editor.form is None and cancelled.widget.comm is None
    assert orchestra.snapshot().segment(first.id).name == first.name  # type: ignore[union-attr]
