"""Forms: each edits a copy of a value and hands it to ``on_save``; they save nothing themselves.

- ``base.py``: :class:`Form`, the machinery (fields, errors next to their fields, keeping what
  was typed until it is saved);
- ``fields.py``: one field and its input widget, and the rows editor;
- ``submit.py``: the button that sends a field's typed text with the click;
- ``workshop.py``: one form per part of the workshop the method asks for (challenge, scope,
  segment, persona, card, goal, measure, touchpoint, journey and its steps, settings, rules,
  counts).
"""

from klantreis.widgets.forms.base import Form
from klantreis.widgets.forms.fields import Field
from klantreis.widgets.forms.workshop import (
    CardForm,
    challenge_form,
    counts_form,
    goal_form,
    journey_form,
    measure_form,
    persona_form,
    phase_options,
    rules_form,
    scope_form,
    segment_form,
    settings_form,
    step_counts_model,
    step_form,
    touchpoint_form,
    touchpoint_options,
)

__all__ = [
    "CardForm",
    "Field",
    "Form",
    "challenge_form",
    "counts_form",
    "goal_form",
    "journey_form",
    "measure_form",
    "persona_form",
    "phase_options",
    "rules_form",
    "scope_form",
    "segment_form",
    "settings_form",
    "step_counts_model",
    "step_form",
    "touchpoint_form",
    "touchpoint_options",
]
