"""DR006: A restored copy would archive into the production repository."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Location, Severity
from dbwright.rules.base import Rule, register
from dbwright.rules.dr.facts import DrFacts


@register
class RestoredCopyArchives(Rule):
    """A restored copy would archive into the production repository.

    ## What it does
    Flags restores (drills, PITR copies) whose archive_mode stays on: the copy inherits the source's archive_command.

    ## Why it matters
    The restored cluster promotes onto a new timeline and pushes its WAL and history files into the production stanza, confusing later restores (measured pitfall in the pitr drill).

    ## Known problems
    A deliberate failover to a restored copy must archive — into a new stanza/repository.

    ## Example
    dr: {restored_archive_mode: on}

    ## Use instead
    After `pgbackrest restore`, append `archive_mode = off` (and another port) to postgresql.auto.conf before starting the copy.

    ## References
    shared/FIELD-NOTES.md (pgBackRest 2.45 drills); PostgreSQL archive_mode: https://www.postgresql.org/docs/15/runtime-config-wal.html
    """

    code = "DR006"
    name = "dr.restored_copy_archives"
    bundle = "dr"
    severity = Severity.ERROR

    def check(self, facts: DrFacts) -> Iterator[Finding]:
        if facts.restored_archive_mode != "off":
            yield self.finding("restored copies keep archive_mode on and would push a new timeline into the "
                               "production repository", Location(path="dr.restored_archive_mode"),
                               "set archive_mode = off in the restored copy's postgresql.auto.conf before starting it")
