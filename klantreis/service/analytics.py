"""The workshop's analytics data: every change to it recorded and announced like any other."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from klantreis.domain import Action, AuditEntry, ImportFailed, Problem, ValidationFailed, name_key
from klantreis.service.core import ServiceCore

if TYPE_CHECKING:
    import pandas as pd

    from klantreis.analytics.events import EventLogInfo
    from klantreis.analytics.storage import DataFolder
    from klantreis.domain.mapping import MappingRules


class AnalyticsPart(ServiceCore):
    """Imports of traffic, events, rules and counts into the workshop's data folder."""

    # -- analytics data ------------------------------------------------------------------
    # The data itself lives in the workshop folder (klantreis.analytics.storage); every change
    # to it goes through here, so it is recorded in the audit trail and announced to every page
    # like any other change (the dashboard redraws its data section).

    def import_traffic(self, data: DataFolder, content: bytes) -> pd.DataFrame:
        """Keep a traffic export (GA4 or Universal Analytics), replacing the previous one."""
        frame = data.import_traffic(content)
        self._record_analytics("traffic", rows=len(frame))
        return frame

    def import_events(
        self, data: DataFolder, source: Path | bytes, columns: dict[str, str] | None = None
    ) -> EventLogInfo:
        """Keep an event log (a file, or an upload's bytes), replacing the previous one;
        ``columns`` chooses the log's column per role (customer, time, event, channel)."""
        if isinstance(source, bytes):
            info = data.import_event_bytes(source, columns)
        else:
            info = data.import_events(source, columns)
        self._record_analytics("events", events=info.events, customers=info.customers)
        return info

    def import_rules(self, data: DataFolder, content: bytes) -> MappingRules:
        """Keep the mapping rules of a rules file (a kind of rule the file leaves out stays as
        it is); refused when a rule names a step or touchpoint the workshop does not have."""
        rules = data.import_rules(content, self.language, self.check_rules)
        self._record_analytics("rules", channels=len(rules.channels), steps=len(rules.steps))
        return rules

    def check_rules(self, rules: MappingRules) -> None:
        """Refuse rules that point past the ideal journey's end or at a touchpoint the workshop
        does not have: they would count nothing, without a word."""
        snap = self.snapshot()
        steps = len(snap.ideal_steps)
        touchpoints = {name_key(tp.name) for tp in snap.touchpoints}
        problems = [
            Problem(f"steps.{i}.step", "rule.step_past_end", {"step": rule.step, "steps": steps})
            for i, rule in enumerate(rules.steps)
            if rule.step > steps
        ]
        problems += [
            Problem(
                f"channels.{i}.touchpoint", "rule.unknown_touchpoint_name", {"name": r.touchpoint}
            )
            for i, r in enumerate(rules.channels)
            if r.touchpoint and name_key(r.touchpoint) not in touchpoints
        ]
        if problems:
            raise ValidationFailed(problems)

    def save_rules(self, data: DataFolder, rules: MappingRules) -> None:
        """Keep mapping rules made in a form (checked as :meth:`check_rules` does)."""
        self.check_rules(rules)
        data.save_rules(rules)
        self._record_analytics("rules", channels=len(rules.channels), steps=len(rules.steps))

    def save_counts(self, data: DataFolder, counts: dict[int, int]) -> None:
        """Keep step counts typed in by hand."""
        data.save_counts(counts)
        self._record_analytics("counts", steps=len(counts))

    def set_counts(self, data: DataFolder, changes: dict[int, int | None]) -> dict[int, int]:
        """Set (a number) or clear (None) the hand-counted customers of some steps of the
        ideal journey, keeping the counts of the other steps; returns all counts now.
        A step number past the journey's end is refused and nothing changes."""
        steps = len(self.snapshot().ideal_steps)
        for step in sorted(changes):
            if not 1 <= step <= steps:
                raise ImportFailed("error.counts_unknown_step", step=step, steps=steps)
        counts = data.counts()
        for step, count in changes.items():
            if count is None:
                counts.pop(step, None)
            else:
                counts[step] = count
        self.save_counts(data, counts)
        return data.counts()

    def _record_analytics(self, part: str, **summary: Any) -> None:
        with self.store.write() as tx:
            tx.record(
                AuditEntry(
                    workshop_id=self.workshop_id,
                    action=Action.IMPORT,
                    entity="analytics",
                    entity_id=part,
                    summary=summary,
                )
            )
