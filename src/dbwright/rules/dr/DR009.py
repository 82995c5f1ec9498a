"""DR009: PITR window longer than the backups (and WAL) kept."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Location, Severity
from dbwright.rules.base import Rule, register
from dbwright.rules.dr.facts import DrFacts, fmt


@register
class PitrWindowBeyondRetention(Rule):
    """PITR window longer than the backups (and WAL) kept.

    ## What it does
    Flags a PITR window that reaches further back than the backup retention: the oldest base backup with WAL is newer than the window's start.

    ## Why it matters
    Point-in-time recovery needs a base backup from before the target plus all WAL since; without them the promise of recovering "up to N days back" fails silently.

    ## Known problems
    Some tools keep WAL longer than backups; only WAL plus an older base backup helps.

    ## Example
    dr: {pitr_window: 30d, backup_retention: 14d}

    ## Use instead
    Keep daily backups with WAL for at least the PITR window (pgBackRest repo-retention-full-type=time).

    ## References
    pgBackRest repo-retention-archive: https://pgbackrest.org/configuration.html#section-repository/option-repo-retention-archive
    """

    code = "DR009"
    name = "dr.pitr_beyond_retention"
    bundle = "dr"
    severity = Severity.ERROR

    def check(self, facts: DrFacts) -> Iterator[Finding]:
        if facts.pitr_window_s and facts.backup_retention_s is not None and facts.pitr_window_s > facts.backup_retention_s:
            yield self.finding(f"PITR window {fmt(facts.pitr_window_s)} exceeds backup retention "
                               f"{fmt(facts.backup_retention_s)}", Location(path="dr.pitr_window"),
                               "keep backups with WAL at least as long as the PITR window")
