"""DR004: Synchronous replication across a long round trip."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Location, Severity
from dbwright.rules.base import Rule, register
from dbwright.rules.dr.facts import DrFacts

SYNC_RTT_LIMIT_MS = 10.0


@register
class SyncAcrossLongRtt(Rule):
    """Synchronous replication across a long round trip.

    ## What it does
    Flags a synchronous standby whose round-trip time from the primary exceeds 10 ms.

    ## Why it matters
    Every commit waits at least one round trip: 20 ms RTT caps a single session at < 50 commits/s and adds 20 ms to every write's latency.

    ## Known problems
    The RTT may be the fibre floor from distance; the real one is higher, so the finding is conservative.

    ## Example
    synchronous standby in us-east-1 for a primary in eu-west-1 (≈ 55 ms floor).

    ## Use instead
    Synchronous replication within the region (another zone, ~1 ms) and async across regions; or quorum commit (ANY 1 of nearby standbys).

    ## References
    PostgreSQL docs, synchronous replication: https://www.postgresql.org/docs/15/warm-standby.html#SYNCHRONOUS-REPLICATION
    """

    code = "DR004"
    name = "dr.sync_long_rtt"
    bundle = "dr"
    severity = Severity.WARNING

    def check(self, facts: DrFacts) -> Iterator[Finding]:
        if facts.sync_rtt_ms is not None and facts.sync_rtt_ms > SYNC_RTT_LIMIT_MS:
            yield self.finding(f"synchronous replication over {facts.sync_rtt_ms:.1f} ms RTT adds that much to every commit",
                               Location(path="dr.replication"),
                               "keep the synchronous standby in the primary region; replicate async across regions")
