"""One panel per step of the method: forms, lists and live charts."""

from klantreis.widgets.panels.base import STATIC_ENV, Panel, static_mode
from klantreis.widgets.panels.challenge import ChallengePanel
from klantreis.widgets.panels.goals import GoalsPanel
from klantreis.widgets.panels.journey import JourneyPanel
from klantreis.widgets.panels.mapping import MappingPanel
from klantreis.widgets.panels.persona import PersonaPanel
from klantreis.widgets.panels.scope import ScopePanel
from klantreis.widgets.panels.start import StartPanel
from klantreis.widgets.panels.summary import SummaryPanel

__all__ = [
    "STATIC_ENV",
    "ChallengePanel",
    "GoalsPanel",
    "JourneyPanel",
    "MappingPanel",
    "Panel",
    "PersonaPanel",
    "ScopePanel",
    "StartPanel",
    "SummaryPanel",
    "static_mode",
]
