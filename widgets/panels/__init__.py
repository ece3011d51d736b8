"""One panel per step of the method: forms, lists and live charts."""

from klantreis.widgets.panels.base import Panel
from klantreis.widgets.panels.challenge import ChallengePanel
from klantreis.widgets.panels.goals import GoalsPanel
from klantreis.widgets.panels.journey import JourneyPanel
from klantreis.widgets.panels.mapping import MappingPanel
from klantreis.widgets.panels.persona import PersonaPanel
from klantreis.widgets.panels.scope import ScopePanel
from klantreis.widgets.panels.start import StartPanel
from klantreis.widgets.panels.summary import SummaryPanel

from klantreis.domain import MethodStep

STEP_PANELS: dict[MethodStep, type[Panel]] = {
    MethodStep.CHALLENGE: ChallengePanel,
    MethodStep.SCOPE: ScopePanel,
    MethodStep.PERSONA: PersonaPanel,
    MethodStep.MAPPING: MappingPanel,
    MethodStep.GOALS: GoalsPanel,
    MethodStep.JOURNEY: JourneyPanel,
}
"""The panel of each method step (the data step's panel needs the workshop folder as well:
:class:`~klantreis.widgets.panels.data.DataPanel`)."""

__all__ = [
    "STEP_PANELS",
    "ChallengePanel",
    "GoalsPanel",
    "JourneyPanel",
    "MappingPanel",
    "Panel",
    "PersonaPanel",
    "ScopePanel",
    "StartPanel",
    "SummaryPanel",
]
