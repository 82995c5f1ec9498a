"""DR005: Backup retention shorter than the compliance retention."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Location, Severity
from dbwright.rules.base import Rule, register
from dbwright.rules.dr.facts import DrFacts, fmt


@register
class RetentionBelowCompliance(Rule):
    """Backup retention shorter than the compliance retention.

    ## What it does
    Flags a plan whose longest-kept backup copy expires before the compliance retention period.

    ## Why it matters
    Regulations (e.g. financial record keeping) require restorable copies for years; deleting them early is a compliance breach.

    ## Known problems
    Retention of personal data may also be capped (GDPR storage limitation): keep only what the law requires.

    ## Example
    dr: {backup_retention: 35d, compliance_retention: 7y} with no yearly copies.

    ## Use instead
    Grandfather-father-son rotation: monthly/yearly full copies on immutable cold storage for the compliance period.

    ## References
    pgBackRest retention (repo-retention-full-type=time): https://pgbackrest.org/configuration.html#section-repository/option-repo-retention-full
    """

    code = "DR005"
    name = "dr.retention_below_compliance"
    bundle = "dr"
    severity = Severity.ERROR

    def check(self, facts: DrFacts) -> Iterator[Finding]:
        comp = facts.compliance_retention_s
        kept = facts.longest_retention_s if facts.longest_retention_s is not None else facts.backup_retention_s
        if comp and (kept is None or kept < comp):
            yield self.finding(f"backups are kept {fmt(kept or 0)} but compliance requires {fmt(comp)}",
                               Location(path="dr.compliance_retention"),
                               "add monthly/yearly copies on immutable storage kept for the compliance period")
