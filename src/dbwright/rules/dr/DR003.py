"""DR003: No backup copy outside the primary region."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Location, Severity
from dbwright.rules.base import Rule, register
from dbwright.rules.dr.facts import DrFacts


@register
class NoOffSiteCopy(Rule):
    """No backup copy outside the primary region.

    ## What it does
    Flags plans whose backup repositories all live in the primary region (or `dr.off_site: false`).

    ## Why it matters
    A region-wide outage, an account compromise or a deleted bucket takes the database and its backups together.

    ## Known problems
    Residency may forbid other jurisdictions: pick an off-site region inside the allowed one.

    ## Example
    dr: {off_site: false}

    ## Use instead
    A second pgBackRest repository (repo2) in another region, ideally another account with object lock.

    ## References
    pgBackRest multiple repositories: https://pgbackrest.org/user-guide.html#multi-repo
    """

    code = "DR003"
    name = "dr.no_off_site_copy"
    bundle = "dr"
    severity = Severity.WARNING

    def check(self, facts: DrFacts) -> Iterator[Finding]:
        others = [r for r in facts.repo_regions if r and r != facts.primary_region]
        if not facts.off_site or (facts.repo_regions and not others):
            yield self.finding("every backup copy is in the primary region"
                               + (f" ({facts.primary_region})" if facts.primary_region else ""),
                               Location(path="dr.off_site"),
                               "add an off-site repository (pgBackRest repo2) in another region of the allowed jurisdiction")
