"""One form per kind of thing the method asks for, each a list of fields over a domain model."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from klantreis.widgets.forms.base import Form
from klantreis.widgets.forms.fields import Field
from pydantic import BaseModel, ConfigDict, create_model
from pydantic import Field as PydanticField

from klantreis.domain import (
    Basis,
    Card,
    CardKind,
    ChallengeKind,
    ChannelKind,
    Goal,
    GoalKind,
    Journey,
    JourneyStep,
    Measure,
    MeasureStatus,
    NeedType,
    Persona,
    Polarity,
    Segment,
    Situation,
    Touchpoint,
    Workshop,
    WorkshopSnapshot,
)
from klantreis.domain.mapping import MappingRules
from klantreis.i18n import Language, t

Save = Callable[[Any], Any]


def _enum(
    prefix: str, values: Sequence[Any], language: Language
) -> Callable[[], list[tuple[str, Any]]]:
    return lambda: [(t(f"{prefix}.{v.value}", language), v.value) for v in values]


def _optional(
    language: Language, options: Callable[[], list[tuple[str, Any]]]
) -> Callable[[], list[tuple[str, Any]]]:
    return lambda: [(t("form.none", language), None), *options()]


def phase_options(snapshot: Callable[[], WorkshopSnapshot]) -> Callable[[], list[tuple[str, Any]]]:
    """The workshop's phases as choices, read when the form asks."""
    return lambda: [(p.name, p.key) for p in snapshot().workshop.phases]


def touchpoint_options(
    snapshot: Callable[[], WorkshopSnapshot],
) -> Callable[[], list[tuple[str, Any]]]:
    """The workshop's touchpoints as choices."""
    return lambda: [(tp.name, tp.id) for tp in snapshot().touchpoints]


def challenge_form(
    workshop: Workshop, on_save: Save, language: Language, **extra: Any
) -> Form[Workshop]:
    """Step 1: the main marketing challenge and the measurable end goal."""
    fields = [
        Field(
            "challenge_kind",
            "choice",
            options=_optional(language, _enum("challenge_kind", list(ChallengeKind), language)),
        ),
        Field("challenge", "textarea", hint="hint.challenge"),
        Field("end_goal.description", "textarea", label="field.end_goal", hint="hint.end_goal"),
        Field("end_goal.metric", label="field.metric", placeholder="placeholder.metric"),
        Field("end_goal.threshold", "optional_float", label="field.threshold"),
        Field("end_goal.unit", label="field.unit"),
    ]
    title = t("method_step.challenge", language)
    return Form(workshop, on_save, fields, language, title=title, **extra)


def scope_form(
    workshop: Workshop, on_save: Save, language: Language, **extra: Any
) -> Form[Workshop]:
    """Step 2: which situations are in scope, who is in and who is explicitly out."""
    fields = [
        Field(
            "scope.situations",
            "checkboxes",
            label="field.situations",
            options=_enum("situation", list(Situation), language),
            hint="hint.situations",
        ),
        Field("scope.included", "lines", label="field.included", hint="hint.one_per_line"),
        Field("scope.excluded", "lines", label="field.excluded", hint="hint.excluded"),
    ]
    return Form(workshop, on_save, fields, language, title=t("form.scope.title", language), **extra)


def segment_form(
    segment: Segment, on_save: Save, language: Language, **extra: Any
) -> Form[Segment]:
    """A candidate segment: name, description, relevance to the challenge, focus or not."""
    fields = [
        Field("name"),
        Field("description", "textarea"),
        Field("relevance", "slider", minimum=1, maximum=5, hint="hint.relevance"),
        Field("is_focus", "checkbox"),
    ]
    return Form(segment, on_save, fields, language, **extra)


def persona_form(
    persona: Persona, on_save: Save, language: Language, **extra: Any
) -> Form[Persona]:
    """Step 3: the persona of the focus segment, with research behind it."""
    fields = [
        Field("name", placeholder="placeholder.persona_name"),
        Field("tagline"),
        Field("life_world", "textarea", hint="hint.life_world"),
        Field("problem_experience", "textarea", hint="hint.problem_experience"),
        Field(
            "quotes",
            "rows",
            hint="hint.quotes",
            extra={"columns": [("text", "text"), ("source", "text")]},
        ),
        Field(
            "survey_facts",
            "rows",
            hint="hint.survey_facts",
            extra={
                "columns": [
                    ("question", "text"),
                    ("answer", "text"),
                    ("share_percent", "number"),
                    ("respondents", "number"),
                ]
            },
        ),
        Field("functional_needs", "lines", hint="hint.one_per_line"),
        Field("emotional_needs", "lines", hint="hint.one_per_line"),
        Field("assumptions", "lines", hint="hint.assumptions"),
    ]
    title = t("method_step.persona", language)
    return Form(persona, on_save, fields, language, title=title, **extra)


def _fields_of_kind(kind: str) -> dict[str, bool]:
    """Which of a card's kind-bound inputs a card of ``kind`` shows."""
    return {
        "polarity": kind == CardKind.ASSOCIATION.value,
        "need_type": kind == CardKind.NEED.value,
        "alternatives": kind == CardKind.NEED.value,
    }


class CardForm(Form[Card]):
    """Step 4: a need, barrier or association; shows only the inputs that fit its kind."""

    def __init__(self, card: Card, on_save: Save, language: Language, **extra: Any) -> None:
        fields = [
            Field("kind", "radio", options=_enum("card_kind", list(CardKind), language)),
            Field("text", placeholder="placeholder.card"),
            Field("polarity", "radio", options=_enum("polarity", list(Polarity), language)),
            Field(
                "need_type",
                "choice",
                options=_optional(language, _enum("need_type", list(NeedType), language)),
            ),
            Field("alternatives", "lines", hint="hint.alternatives"),
            Field("detail", "textarea"),
            Field("basis", "choice", options=_enum("basis", list(Basis), language)),
        ]
        kind = CardKind(card.kind).value
        hidden = [name for name, shown in _fields_of_kind(kind).items() if not shown]
        super().__init__(card, on_save, fields, language, hidden=hidden, **extra)
        self.fields["kind"].input.observe(lambda _c: self._fit_kind(), names="value")
        self._fit_kind()

    def _fit_kind(self) -> None:
        kind = self.fields["kind"].get()
        for name, visible in _fields_of_kind(kind).items():
            self.fields[name].show(visible)
        if kind == CardKind.ASSOCIATION.value and self.fields["polarity"].get() is None:
            self.fields["polarity"].set(Polarity.POSITIVE.value)

    def edited(self) -> Card:
        kind = self.fields["kind"].get()
        if kind != CardKind.ASSOCIATION.value:
            self.fields["polarity"].set(None)
        if kind != CardKind.NEED.value:
            self.fields["alternatives"].set([])
            self.fields["need_type"].set(None)
        return super().edited()


def goal_form(goal: Goal, on_save: Save, language: Language, **extra: Any) -> Form[Goal]:
    """Step 5: what the group wants to reach under one of the four goals."""
    fields = [
        Field(
            "statement",
            "textarea",
            label=f"goal_kind.{goal.kind.value}",
            hint=f"hint.goal.{goal.kind.value}",
        ),
        Field("indicator"),
    ]
    return Form(goal, on_save, fields, language, **extra)


def measure_form(
    measure: Measure,
    on_save: Save,
    language: Language,
    snapshot: Callable[[], WorkshopSnapshot],
    **extra: Any,
) -> Form[Measure]:
    """Step 5: a measure towards one goal, on a phase and a touchpoint, with an owner."""

    made: list[Form[Measure]] = []

    def cards() -> list[tuple[str, Any]]:
        """The cards of the segment the form's measure is in now (none before one is chosen:
        a measure links only its own segment's cards)."""
        segment = made[0].value.segment_id if made else measure.segment_id
        if segment is None:
            return []
        return [
            (f"{t(f'card_kind.{c.kind.value}', language)}: {c.text}", c.id)
            for c in snapshot().active_cards(segment_id=segment)
        ]

    fields = [
        Field("goal_kind", "choice", options=_enum("goal_kind", list(GoalKind), language)),
        Field("title", placeholder="placeholder.measure"),
        Field("description", "textarea"),
        Field("card_ids", "multichoice", options=cards, hint="hint.card_ids"),
        Field("phase_key", "choice", options=_optional(language, phase_options(snapshot))),
        Field(
            "more_phase_keys",
            "checkboxes",
            options=phase_options(snapshot),
            hint="hint.more_phase_keys",
        ),
        Field(
            "touchpoint_id",
            "choice",
            options=_optional(language, touchpoint_options(snapshot)),
            hint="hint.measure_touchpoint",
        ),
        Field("owner"),
        Field("impact", "slider", minimum=1, maximum=5, hint="hint.impact"),
        Field("effort", "slider", minimum=1, maximum=5, hint="hint.effort"),
        Field("status", "choice", options=_enum("measure_status", list(MeasureStatus), language)),
    ]
    made.append(Form(measure, on_save, fields, language, **extra))
    return made[0]


def touchpoint_form(
    touchpoint: Touchpoint,
    on_save: Save,
    language: Language,
    snapshot: Callable[[], WorkshopSnapshot],
    **extra: Any,
) -> Form[Touchpoint]:
    """Step 6: a touchpoint, its channel, owning department and phases."""
    fields = [
        Field("name", placeholder="placeholder.touchpoint"),
        Field("channel", "choice", options=_enum("channel_kind", list(ChannelKind), language)),
        Field("department"),
        Field("phase_keys", "checkboxes", options=phase_options(snapshot)),
        Field("description", "textarea"),
    ]
    return Form(touchpoint, on_save, fields, language, **extra)


def journey_form(
    journey: Journey,
    on_save: Save,
    language: Language,
    snapshot: Callable[[], WorkshopSnapshot],
    **extra: Any,
) -> Form[Journey]:
    """Step 6: an ideal journey (a marketplace has one per side)."""
    segments = lambda: [(s.name, s.id) for s in snapshot().segments]  # noqa: E731
    fields = [
        Field("name"),
        Field("segment_id", "choice", options=_optional(language, segments)),
        Field("description", "textarea"),
    ]
    return Form(journey, on_save, fields, language, **extra)


def step_form(
    step: JourneyStep,
    on_save: Save,
    language: Language,
    snapshot: Callable[[], WorkshopSnapshot],
    **extra: Any,
) -> Form[JourneyStep]:
    """Step 6: one step of the ideal journey, written from the customer's side."""
    feelings = lambda: [(t(f"chart.feeling.{v}", language), v) for v in (2, 1, 0, -1, -2)]  # noqa: E731
    fields = [
        Field("action", placeholder="placeholder.step", hint="hint.step"),
        Field("phase_key", "choice", options=_optional(language, phase_options(snapshot))),
        Field("touchpoint_id", "choice", options=_optional(language, touchpoint_options(snapshot))),
        Field("department"),
        Field("feeling", "choice", options=_optional(language, feelings)),
        Field("pain_point", "textarea"),
    ]
    return Form(step, on_save, fields, language, **extra)


def settings_form(
    workshop: Workshop, on_save: Save, language: Language, **extra: Any
) -> Form[Workshop]:
    """The start: title, organisation, language and the room's rules."""
    languages = lambda: [(t(f"language.{code}", language), code) for code in ("nl", "en")]  # noqa: E731
    fields = [
        Field("title"),
        Field("organisation"),
        Field("language", "choice", options=languages),
        Field("dots_per_participant", "int", minimum=1, maximum=20, hint="hint.dots"),
        Field("allow_anonymous", "checkbox"),
    ]
    title = t("form.settings.title", language)
    return Form(workshop, on_save, fields, language, title=title, **extra)


def rules_form(
    rules: MappingRules, on_save: Save, language: Language, **extra: Any
) -> Form[MappingRules]:
    """Mapping rules: sources/mediums to channels and touchpoints, events or pages to steps."""
    fields = [
        Field(
            "channels",
            "rows",
            label="field.channel_rules",
            hint="hint.channel_rules",
            extra={"columns": [("pattern", "text"), ("channel", "text"), ("touchpoint", "text")]},
        ),
        Field(
            "steps",
            "rows",
            label="field.step_rules",
            hint="hint.step_rules",
            extra={"columns": [("pattern", "text"), ("step", "number")]},
        ),
    ]
    return Form(rules, on_save, fields, language, title=t("data.rules.title", language), **extra)


def counts_form(
    steps: Sequence[tuple[int, str]],
    counts: dict[int, int],
    on_save: Callable[[dict[int, int]], Any],
    language: Language,
    **extra: Any,
) -> Form[Any]:
    """Counts per ideal-journey step typed in by hand (for teams without analytics).

    ``steps`` are (number, action) pairs; ``on_save`` receives the counts by step number, steps
    left empty left out.
    """
    model = step_counts_model(len(steps))
    value = model.model_validate({f"step_{n}": counts.get(n) for n, _ in steps})
    fields = [
        Field(f"step_{n}", "optional_float", text_label=f"{n}. {action}") for n, action in steps
    ]

    def save(edited: Any) -> Any:
        chosen = {n: getattr(edited, f"step_{n}") for n, _ in steps}
        on_save({n: int(v) for n, v in chosen.items() if v is not None})
        return edited

    return Form(value, save, fields, language, title=t("data.counts.title", language), **extra)


def step_counts_model(count: int) -> type[BaseModel]:
    """A model with an optional whole number of customers for each of ``count`` steps."""
    fields: dict[str, Any] = {
        f"step_{n}": (int | None, PydanticField(default=None, ge=0, le=10**12))
        for n in range(1, count + 1)
    }
    return create_model("StepCounts", __config__=ConfigDict(extra="forbid"), **fields)
