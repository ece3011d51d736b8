"""Step 5: the four goals per segment and the measures that reach them."""

from __future__ import annotations

from functools import partial
from typing import Any

import ipywidgets as w
from klantreis.widgets.forms import goal_form, measure_form
from klantreis.widgets.forms.base import Form
from klantreis.widgets.forms.fields import Field
from klantreis.widgets.lists import Row, within_limit
from klantreis.widgets.looks import show
from klantreis.widgets.panels.base import Editor, Panel

from klantreis.charts import coverage_check, goals_phases, impact_effort
from klantreis.charts.compose import ChartBuilder
from klantreis.domain import Goal, GoalKind, Measure, Touchpoint, written_by
from klantreis.i18n import t


class GoalsPanel(Panel):
    """The four goals of a segment, new measures, and the list of measures."""

    chart_builders: tuple[ChartBuilder, ...] = (goals_phases, impact_effort, coverage_check)

    def build(self) -> list[w.Widget]:
        lang = self.language
        self.chooser = self.segment_chooser()
        self.chooser.observe(lambda _c: self._chosen(), names="value")
        self.goals_box = self.looks.make(w.VBox)
        self.measures = self.entry_list("list.no_measures")
        self.editor = Editor(self.looks)
        self.new_measure = self.adder(
            self._blank,
            self._form,
            lambda m: self.service.add_measure(m, self.actor_id),
            place=lambda m: m.model_copy(update={"segment_id": self.segment_id or m.segment_id}),
        )
        self.new_touchpoint = self.adder(
            lambda: Touchpoint.model_construct(workshop_id=self.service.workshop_id, name=""),
            lambda tp, on_save: Form(
                tp,
                on_save,
                [Field("name", label="form.new_touchpoint", placeholder="placeholder.touchpoint")],
                lang,
                save_label="form.add",
                looks=self.looks,
            ),
            self._add_touchpoint,
        )
        self._load_goals()
        self.update()
        return [
            self.heading("field.segment_id"),
            self.chooser,
            self.heading("form.goals.title"),
            self.goals_box,
            self.heading("form.add_measure"),
            self.new_measure,
            self.new_touchpoint,
            self.heading("form.measures.title"),
            self.measures.widget,
            self.editor.widget,
        ]

    def _add_touchpoint(self, touchpoint: Touchpoint) -> Touchpoint:
        """A touchpoint the new measure needs: added, and chosen in the measure's form."""
        stored = self.service.save_touchpoint(touchpoint, self.actor_id)
        form = self.new_measure.form
        form.fields["touchpoint_id"].refresh_options()
        form.fields["touchpoint_id"].set(stored.id)
        return stored

    @property
    def segment_id(self) -> str:
        return str(self.chooser.value or "")

    def _chosen(self) -> None:
        self._load_goals()
        self.update()
        box = getattr(self, "new_measure", None)
        self.aim_adder(box, segment_id=self.segment_id)
        if box is not None:
            box.form.refresh_options()

    def _load_goals(self) -> None:
        forms = []
        self.goal_forms = {}
        for kind in GoalKind:
            goal = self.snapshot.goal(self.segment_id, kind) or Goal.model_construct(
                workshop_id=self.service.workshop_id, segment_id=self.segment_id, kind=kind
            )
            form = goal_form(
                goal,
                self.saved(lambda g: self.service.save_goal(g, self.actor_id)),
                self.language,
                looks=self.looks,
            )
            self.goal_forms[kind] = form
            forms.append(form.widget)
        self.goals_box.children = tuple(forms)

    def _blank(self) -> Measure:
        return Measure.model_construct(
            workshop_id=self.service.workshop_id,
            segment_id=self.segment_id,
            goal_kind=GoalKind.ADDRESS_NEEDS,
            title="",
        )

    def _form(self, measure: Measure, on_save: Any, **extra: Any) -> Any:
        return measure_form(
            measure,
            on_save,
            self.language,
            lambda: self.snapshot,
            save_label=extra.pop("save_label", "form.add"),
            looks=self.looks,
            **extra,
        )

    def edit(self, measure: Measure) -> None:
        """Open a measure for editing."""
        self.editor.open(
            lambda save, cancel: measure_form(
                measure,
                save,
                self.language,
                lambda: self.snapshot,
                on_cancel=cancel,
                title=t("form.edit_measure", self.language),
                looks=self.looks,
            ),
            self.saved(lambda edited: self.service.edit_measure(edited, self.actor_id)),
        )

    def update(self) -> None:
        lang = self.language
        self.fill_segment_chooser(self.chooser)
        self.require(bool(self.segment_id), "needs.segment")
        show(self.goals_box, bool(self.segment_id))
        snap = self.snapshot
        rows = []
        measures = sorted(
            snap.active_measures(self.segment_id), key=lambda m: (-m.priority, m.created_at)
        )
        if self.hides_results:  # only this person's own, until the results are shown
            measures = [m for m in measures if written_by(m, self.actor_id)]
        measures, hidden = within_limit(
            measures, lambda m: written_by(m, self.actor_id), self.list_limit
        )
        for m in measures:
            phases = snap.workshop.phase_names(m.phase_keys)
            touchpoint = snap.touchpoint(m.touchpoint_id)
            meta = [
                t(f"goal_kind.{m.goal_kind.value}", lang),
                ", ".join(phases) or t("chart.no_phase", lang),
                *([touchpoint.name] if touchpoint else []),
                t("list.impact_effort", lang, impact=m.impact, effort=m.effort),
                *([m.owner] if m.owner else []),
                t(f"measure_status.{m.status.value}", lang),
            ]
            own = written_by(m, self.actor_id)
            actions = self.entry_actions(m, partial(self.edit, m))
            rows.append(Row(m.title, " · ".join(meta), tuple(actions), m.id, own))
        self.measures.show(rows, hidden=hidden)
        for kind, form in getattr(self, "goal_forms", {}).items():
            stored = snap.goal(self.segment_id, kind)
            if stored is not None and not form.dirty and stored != form.value:
                form.load(stored)
