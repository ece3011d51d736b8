"""The workshop's analytics data: every change to it recorded and announced like any other."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from klantreis.domain import (
    Action,
    AuditEntry,
    ImportFailed,
    KlantreisError,
    Problem,
    ValidationFailed,
    name_key,
)
from klantreis.service.core import ServiceCore

if TYPE_CHECKING:
    import pandas as pd

    from klantreis.analytics.events import EventLogInfo
    from klantreis.analytics.storage import DataFolder
    from klantreis.domain.mapping import MappingRules


class AnalyticsPart(ServiceCore):
    """Imports of traffic, events, rules and counts into the workshop folder's analytics data."""

    # -- analytics data ------------------------------------------------------------------
    # The data itself lives in the workshop folder (klantreis.analytics.storage); every change
    # to it goes through here: the new files are put in place in the transaction that records
    # the change in the audit trail (both happen, or neither), and the change is announced to
    # every page like any other (the dashboard redraws its data section).

    def import_traffic(self, content: bytes) -> pd.DataFrame:
        """Keep a traffic export (GA4 or Universal Analytics), replacing the previous one."""
        with self._data_change() as (data, keep):
            frame = data.import_traffic(content)
            self._record_analytics(keep, "traffic", rows=len(frame))
        return frame

    def import_events(
        self, source: Path | bytes, columns: dict[str, str] | None = None
    ) -> EventLogInfo:
        """Keep an event log (a file, or an upload's bytes), replacing the previous one;
        ``columns`` chooses the log's column per role (customer, time, event, channel)."""
        with self._data_change() as (data, keep):
            if isinstance(source, bytes):
                info = data.import_event_bytes(source, columns)
            else:
                info = data.import_events(source, columns)
            self._record_analytics(keep, "events", events=info.events, customers=info.customers)
        return info

    def import_rules(self, content: bytes) -> MappingRules:
        """Keep the mapping rules of a rules file (a kind of rule the file leaves out stays as
        it is); refused when a rule names a step or touchpoint the workshop does not have."""
        with self._data_change() as (data, keep):
            rules = data.import_rules(content, self.language, self.check_rules)
            self._record_analytics(
                keep, "rules", channels=len(rules.channels), steps=len(rules.steps)
            )
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

    def save_rules(self, rules: MappingRules) -> None:
        """Keep mapping rules made in a form (checked as :meth:`check_rules` does)."""
        self.check_rules(rules)
        with self._data_change() as (data, keep):
            data.save_rules(rules)
            self._record_analytics(
                keep, "rules", channels=len(rules.channels), steps=len(rules.steps)
            )

    def save_counts(self, counts: dict[int, int]) -> None:
        """Keep step counts typed in by hand."""
        with self._data_change() as (data, keep):
            data.save_counts(counts)
            self._record_analytics(keep, "counts", steps=len(counts))

    def set_counts(self, changes: dict[int, int | None]) -> dict[int, int]:
        """Set (a number) or clear (None) the hand-counted customers of some steps of the
        ideal journey, keeping the counts of the other steps; returns all counts now.
        A step number past the journey's end is refused and nothing changes."""
        steps = len(self.snapshot().ideal_steps)
        for step in sorted(changes):
            if not 1 <= step <= steps:
                raise ImportFailed("error.counts_unknown_step", step=step, steps=steps)
        data = self.analytics_data()
        counts = data.counts()
        for step, count in changes.items():
            if count is None:
                counts.pop(step, None)
            else:
                counts[step] = count
        self.save_counts(counts)
        return data.counts()

    def analytics_data(self) -> DataFolder:
        """The data folder, or a clear refusal for a workshop opened without its folder."""
        if self.data_folder is None:
            raise KlantreisError("error.no_data_folder")
        return self.data_folder

    @contextmanager
    def _data_change(self) -> Iterator[tuple[DataFolder, Callable[[], None]]]:
        """The data folder and the ``keep`` of one change to it (see ``DataFolder.change``)."""
        data = self.analytics_data()
        with data.change() as keep:
            yield data, keep

    def _record_analytics(self, keep: Callable[[], None], part: str, **summary: Any) -> None:
        """Record the change and put its files in place, in one transaction."""
        with self.store.write() as tx:
            keep()
            tx.record(
                AuditEntry(
                    workshop_id=self.workshop_id,
                    action=Action.IMPORT,
                    entity="analytics",
                    entity_id=part,
                    summary=summary,
                )
            )
