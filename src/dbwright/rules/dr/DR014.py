"""DR014: WAL is generated faster than a standby or a restore can replay it."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Location, Severity
from dbwright.rules.base import Rule, register
from dbwright.rules.dr.facts import DrFacts


@register
class WalFasterThanReplay(Rule):
    """WAL is generated faster than a standby or a restore can replay it.

    ## What it does
    Compares the WAL generation rate with the single-threaded replay rate used by the plan.

    ## Why it matters
    PostgreSQL replays WAL in one process. When the primary writes WAL faster than it can be
    replayed, streaming standbys fall ever further behind (failover RPO/RTO grow without bound) and
    a point-in-time restore never catches up with the WAL since the base backup.

    ## Known problems
    The replay rate is a conservative default (3 segments/s) unless measured; fast NVMe and
    recovery_prefetch (PG 15) replay faster. The WAL rate may be an estimate from the spec.

    ## Example
    An IoT ingest writing 400 MB/s of WAL against a ~50 MB/s replay.

    ## Use instead
    Shard the write load (several clusters), reduce WAL (fewer indexes, wal_compression,
    batch inserts, UNLOGGED staging), or measure the real replay rate with `dbwright drill pitr`.

    ## References
    pgsql-general, "Is there a way to speed up WAL replay?": https://postgrespro.com/list/id/CAEepm=0_QgthfHxmCuCtDtLVorn86sxH5=UZBfSz_Mwr73mcZw@mail.gmail.com
    """

    code = "DR014"
    name = "dr.wal_faster_than_replay"
    bundle = "dr"
    severity = Severity.ERROR

    def check(self, facts: DrFacts) -> Iterator[Finding]:
        w, r = facts.wal_rate_bps, facts.replay_rate_bps
        if w is not None and r is not None and w >= r:
            yield self.finding(f"WAL is generated at {w / 1e6:.1f} MB/s, at or above the replay rate "
                               f"{r / 1e6:.1f} MB/s: standbys and restores cannot catch up",
                               Location(path="dr.wal_rate"),
                               "shard the write load or reduce WAL volume; measure replay with a drill")
