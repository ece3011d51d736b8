"""The guided steps: what each notebook is called and which panel it shows."""

from __future__ import annotations

from dataclasses import dataclass

from klantreis.domain import MethodStep


@dataclass(frozen=True)
class GuideStep:
    """One guided notebook: its key in the catalogue (``guide.<key>.*``), file and panel."""

    key: str
    filename: str
    panel: str
    method_step: MethodStep | None = None
    in_agenda: bool = True

    @property
    def has_method(self) -> bool:
        """True for the steps with prompts and pitfalls (all but the gallery)."""
        return self.key != "gallery"


STEPS: tuple[GuideStep, ...] = (
    GuideStep("start", "00-start.ipynb", "start"),
    GuideStep("challenge", "01-challenge.ipynb", "challenge", MethodStep.CHALLENGE),
    GuideStep("scope", "02-scope-and-segment.ipynb", "scope", MethodStep.SCOPE),
    GuideStep("persona", "03-persona.ipynb", "persona", MethodStep.PERSONA),
    GuideStep("mapping", "04-map-the-customer.ipynb", "mapping", MethodStep.MAPPING),
    GuideStep("goals", "05-goals-and-measures.ipynb", "goals", MethodStep.GOALS),
    GuideStep("journey", "06-ideal-journey.ipynb", "journey", MethodStep.JOURNEY),
    GuideStep("summary", "07-summary.ipynb", "summary"),
    GuideStep("data", "08-complete-with-data.ipynb", "data", in_agenda=False),
    GuideStep("compare", "09-compare.ipynb", "compare", in_agenda=False),
    GuideStep("gallery", "90-chart-gallery.ipynb", "gallery", in_agenda=False),
)
