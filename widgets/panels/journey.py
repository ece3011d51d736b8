"""Step 6: the ideal journey, step by step from first contact to the end goal, and touchpoints."""

from __future__ import annotations

from collections.abc import Hashable
from functools import partial
from typing import Any

import ipywidgets as w
from klantreis.widgets.forms import journey_form, step_form, touchpoint_form
from klantreis.widgets.lists import Action, Row
from klantreis.widgets.panels.base import Editor, Panel
from klantreis.widgets.panels.ideas import rating_actions

from klantreis.charts import journey_map, touchpoint_coverage
from klantreis.charts.compose import ChartBuilder
from klantreis.charts.frames import feeling_label
from klantreis.domain import (
    FEELING_MAX,
    FEELING_MIN,
    Journey,
    JourneyStep,
    RatingKind,
    Touchpoint,
    WorkshopSnapshot,
    written_by,
)
from klantreis.i18n import t

FEELINGS = tuple(range(FEELING_MIN, FEELING_MAX + 1))
"""The feelings a participant can give a step, from very negative to very positive."""


class JourneyPanel(Panel):
    """Choose or add a journey, add and order its steps, and keep the touchpoints."""

    chart_builders: tuple[ChartBuilder, ...] = (journey_map, touchpoint_coverage)

    def build(self) -> list[w.Widget]:
        lang = self.language
        self.chart_builders = (self._map, touchpoint_coverage)
        self.chooser = self.looks.make(w.Dropdown, name=t("field.journey_id", lang))
        self.chooser.observe(lambda _c: self._chosen(), names="value")
        self.add_journey = w.Button(description=t("form.add_journey", lang), button_style="info")
        self.add_journey.on_click(lambda _b: self.edit_journey(None))
        self.steps = self.entry_list("list.no_steps")
        self.feelings = self.entry_list("list.no_steps")
        self.touchpoints = self.entry_list("list.no_touchpoints")
        self.editor = Editor(self.looks)
        self.tp_editor = Editor(self.looks)
        self.add_touchpoint = w.Button(
            description=t("form.add_touchpoint", lang), button_style="info"
        )
        self.add_touchpoint.on_click(lambda _b: self.edit_touchpoint(None))
        self._fill_chooser()
        self.new_step = self.adder(
            self._blank_step,
            self._step_form,
            lambda s: self.service.add_journey_step(s, self.actor_id),
            place=lambda s: s.model_copy(update={"journey_id": self.journey_id or s.journey_id}),
        )
        self.update()
        return [
            self.heading("field.journey_id"),
            self.chooser,
            self.add_journey,
            self.editor.widget,
            self.heading("form.add_step"),
            self.new_step,
            self.heading("form.steps.title"),
            self.steps.widget,
            *(
                []
                if self.is_facilitator
                else [self.heading("form.feelings.title"), self.feelings.widget]
            ),
            self.heading("field.touchpoints"),
            self.touchpoints.widget,
            self.add_touchpoint,
            self.tp_editor.widget,
        ]

    def _map(self, snap: WorkshopSnapshot) -> Any:
        return journey_map(snap, self.journey_id)

    @property
    def journey_id(self) -> str | None:
        return str(self.chooser.value) if self.chooser.value else None

    def _fill_chooser(self) -> None:
        options = [(j.name, j.id) for j in self.snapshot.journeys]
        current = self.chooser.value
        self.chooser.options = options
        ids = [o[1] for o in options]
        if current in ids:
            self.chooser.value = current
        elif ids:
            self.chooser.value = ids[0]

    def _chosen(self) -> None:
        self.update()
        for slot in self.slots:
            slot.update(self.snapshot)
        self.aim_adder(getattr(self, "new_step", None), journey_id=self.journey_id)

    def _blank_step(self) -> JourneyStep:
        # No journey (None) until one is chosen: the adder places the step when it is saved.
        return JourneyStep.model_construct(
            workshop_id=self.service.workshop_id,
            journey_id=self.journey_id,  # type: ignore[arg-type]
            action="",
        )

    def _step_form(self, step: JourneyStep, on_save: Any, **extra: Any) -> Any:
        return step_form(
            step,
            on_save,
            self.language,
            lambda: self.snapshot,
            save_label=extra.pop("save_label", "form.add"),
            looks=self.looks,
            **extra,
        )

    def edit_journey(self, journey: Journey | None) -> None:
        """Open the journey form for a journey, or for a new one."""
        value = journey or Journey.model_construct(
            workshop_id=self.service.workshop_id,
            name="",
            position=len(self.snapshot.journeys),
            segment_id=self.snapshot.focus_segment.id if self.snapshot.focus_segment else None,
        )
        self.editor.open(
            lambda save, cancel: journey_form(
                value,
                save,
                self.language,
                lambda: self.snapshot,
                on_cancel=cancel,
                title=t("form.add_journey", self.language),
                looks=self.looks,
            ),
            self.saved(self._save_journey),
        )

    def _save_journey(self, journey: Journey) -> Journey:
        stored = self.service.save_journey(journey, self.actor_id)
        self.chooser.options = (
            [*self.chooser.options, (stored.name, stored.id)]
            if stored.id not in [o[1] for o in self.chooser.options]
            else self.chooser.options
        )
        self.chooser.value = stored.id
        return stored

    def edit_step(self, step: JourneyStep) -> None:
        """Open a step for editing."""
        self.editor.open(
            lambda save, cancel: step_form(
                step,
                save,
                self.language,
                lambda: self.snapshot,
                on_cancel=cancel,
                title=t("form.edit_step", self.language),
                looks=self.looks,
            ),
            self.saved(lambda edited: self.service.save_journey_step(edited, self.actor_id)),
        )

    def edit_touchpoint(self, touchpoint: Touchpoint | None) -> None:
        """Open the touchpoint form."""
        value = touchpoint or Touchpoint.model_construct(
            workshop_id=self.service.workshop_id, name=""
        )
        title = t(
            "form.add_touchpoint" if touchpoint is None else "form.edit_touchpoint", self.language
        )
        self.tp_editor.open(
            lambda save, cancel: touchpoint_form(
                value,
                save,
                self.language,
                lambda: self.snapshot,
                on_cancel=cancel,
                title=title,
                looks=self.looks,
            ),
            self.saved(lambda edited: self.service.save_touchpoint(edited, self.actor_id)),
        )

    def move(self, step: JourneyStep, by: int) -> None:
        """Move a step up (-1) or down (+1)."""
        self.attempt(
            lambda: self.service.move_journey_step(step.id, step.position + by, self.actor_id)
        )

    def chart_share_key(self) -> Hashable:
        return self.journey_id

    def update(self) -> None:
        lang = self.language
        self._fill_chooser()
        self.require(self.journey_id is not None, "needs.journey")
        snap = self.snapshot
        steps = snap.steps_of(self.journey_id) if self.journey_id else []
        rows = []
        feeling_rows = []
        for index, step in enumerate(steps):
            phase = snap.workshop.phase(step.phase_key)
            touchpoint = snap.touchpoint(step.touchpoint_id)
            feeling = feeling_label(snap, step, lang)
            meta = [
                phase.name if phase else t("chart.no_phase", lang),
                *([touchpoint.name] if touchpoint else []),
                *([step.department] if step.department else []),
                *([feeling] if feeling else []),
            ]
            feeling_rows.append(
                Row(
                    f"{index + 1}. {step.action}",
                    feeling,
                    rating_actions(self, RatingKind.FEELING, step.id, FEELINGS),
                    step.id,
                )
            )
            actions = []
            if index > 0:
                actions.append(
                    Action(
                        "form.up",
                        partial(self.move, step, -1),
                        tooltip=t("form.up.tooltip", lang),
                    )
                )
            if index < len(steps) - 1:
                actions.append(
                    Action(
                        "form.down",
                        partial(self.move, step, 1),
                        tooltip=t("form.down.tooltip", lang),
                    )
                )
            actions.append(Action("form.edit", partial(self.edit_step, step)))
            if self.may_change(step):
                remove = self.action(self.service.remove_journey_step, step.id, self.actor_id)
                actions.append(Action("form.remove", remove, "danger"))
            own = written_by(step, self.actor_id)
            rows.append(
                Row(f"{index + 1}. {step.action}", " · ".join(meta), tuple(actions), step.id, own)
            )
        self.steps.show(rows)
        self.feelings.show(feeling_rows)
        tp_rows = []
        for tp in snap.touchpoints:
            phases = ", ".join(snap.workshop.phase_names(tp.phase_keys))
            details = (t(f"channel_kind.{tp.channel.value}", lang), tp.department, phases)
            tp_actions: tuple[Action, ...] = ()
            if self.may_change(tp):
                remove = self.action(self.service.remove_touchpoint, tp.id, self.actor_id)
                tp_actions = (
                    Action("form.edit", partial(self.edit_touchpoint, tp)),
                    Action("form.remove", remove, "danger"),
                )
            tp_rows.append(Row(tp.name, " · ".join(x for x in details if x), tp_actions, tp.id))
        self.touchpoints.show(tp_rows)
