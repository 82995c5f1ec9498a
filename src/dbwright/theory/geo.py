"""Geography: region coordinates, great-circle distance, fibre latency floor, quorum placement.

Light in fibre travels at about 200,000 km/s (refractive index ≈ 1.47; c/1.47 ≈ 204,000 km/s), so
a round trip over a great-circle distance d cannot take less than 2·d / 200,000 km/s. Real routes
are longer (typically 1.5–2× the great circle) — the floor is a lower bound, a measured RTT wins.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any

EARTH_RADIUS_KM = 6371.0
FIBRE_KM_PER_S = 200_000.0
# Assumption for "typical" routes: fibre paths run ~1.5x the great-circle distance.
ROUTE_FACTOR = 1.5
# AWS: AZs in a Region are "within 100 km (60 miles) of each other" with "single-digit millisecond"
# latency (https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/availability-zones.html);
# ~1 ms RTT is a common measurement; used when zones are not given an RTT.
INTER_ZONE_RTT_MS = 1.0

# name -> (lat, lon, jurisdiction, provider, city). Coordinates are the city the provider names for
# the region, approximate (data centres are not disclosed). Sources: AWS "Regions and Availability
# Zones" (https://aws.amazon.com/about-aws/global-infrastructure/regions_az/), Azure "Azure
# geographies" (https://azure.microsoft.com/explore/global-infrastructure/geographies/), Google Cloud
# "Cloud locations" (https://cloud.google.com/about/locations).
REGIONS: dict[str, tuple[float, float, str, str, str]] = {
    "us-east-1": (39.04, -77.49, "US", "aws", "N. Virginia"),
    "us-east-2": (39.96, -83.00, "US", "aws", "Ohio"),
    "us-west-1": (37.35, -121.96, "US", "aws", "N. California"),
    "us-west-2": (45.84, -119.70, "US", "aws", "Oregon"),
    "ca-central-1": (45.50, -73.57, "CA", "aws", "Montreal"),
    "sa-east-1": (-23.55, -46.63, "BR", "aws", "São Paulo"),
    "eu-west-1": (53.35, -6.26, "EU", "aws", "Ireland"),
    "eu-west-2": (51.51, -0.13, "UK", "aws", "London"),
    "eu-west-3": (48.86, 2.35, "EU", "aws", "Paris"),
    "eu-central-1": (50.11, 8.68, "EU", "aws", "Frankfurt"),
    "eu-central-2": (47.37, 8.54, "CH", "aws", "Zurich"),
    "eu-north-1": (59.33, 18.07, "EU", "aws", "Stockholm"),
    "eu-south-1": (45.46, 9.19, "EU", "aws", "Milan"),
    "ap-south-1": (19.08, 72.88, "IN", "aws", "Mumbai"),
    "ap-southeast-1": (1.35, 103.82, "SG", "aws", "Singapore"),
    "ap-southeast-2": (-33.87, 151.21, "AU", "aws", "Sydney"),
    "ap-northeast-1": (35.68, 139.69, "JP", "aws", "Tokyo"),
    "westeurope": (52.37, 4.89, "EU", "azure", "Netherlands"),
    "northeurope": (53.35, -6.26, "EU", "azure", "Ireland"),
    "germanywestcentral": (50.11, 8.68, "EU", "azure", "Frankfurt"),
    "francecentral": (48.86, 2.35, "EU", "azure", "Paris"),
    "uksouth": (51.51, -0.13, "UK", "azure", "London"),
    "eastus": (37.43, -78.66, "US", "azure", "Virginia"),
    "eastus2": (36.67, -78.39, "US", "azure", "Virginia"),
    "westus2": (47.23, -119.85, "US", "azure", "Washington"),
    "centralus": (41.59, -93.60, "US", "azure", "Iowa"),
    "europe-west1": (50.45, 3.82, "EU", "gcp", "St. Ghislain, Belgium"),
    "europe-west2": (51.51, -0.13, "UK", "gcp", "London"),
    "europe-west3": (50.11, 8.68, "EU", "gcp", "Frankfurt"),
    "europe-west4": (53.44, 6.83, "EU", "gcp", "Eemshaven, Netherlands"),
    "europe-north1": (60.57, 27.19, "EU", "gcp", "Hamina, Finland"),
    "us-central1": (41.26, -95.86, "US", "gcp", "Council Bluffs, Iowa"),
    "us-east1": (33.20, -80.01, "US", "gcp", "Moncks Corner, South Carolina"),
    "us-east4": (39.04, -77.49, "US", "gcp", "Ashburn, Virginia"),
    "us-west1": (45.60, -121.18, "US", "gcp", "The Dalles, Oregon"),
    "asia-northeast1": (35.68, 139.69, "JP", "gcp", "Tokyo"),
}
REGIONS_SOURCE = ("Provider region lists (AWS Regions and Availability Zones, Azure geographies, Google "
                  "Cloud locations); coordinates are the named city's, approximate")


def region_info(name: str) -> tuple[float, float, str, str, str] | None:
    return REGIONS.get(name.lower())


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance on a sphere of radius 6371 km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, h)))


def fibre_rtt_floor_ms(distance_km: float) -> float:
    """Lowest possible round trip over fibre: 2·d / 200,000 km/s, in ms."""
    return 2 * distance_km / FIBRE_KM_PER_S * 1000


@dataclass(frozen=True)
class RttEstimate:
    rtt_ms: float
    source: str  # "given" | "fibre-floor" | "typical-route" | "zone"
    formula: str
    inputs: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"rtt_ms": self.rtt_ms, "source": self.source, "formula": self.formula,
                "inputs": dict(self.inputs)}


def estimate_rtt(a: str, b: str, given: dict[str, dict[str, float]] | None = None,
                 coords: dict[str, tuple[float, float]] | None = None) -> RttEstimate | None:
    """RTT between two places: a given value, else the fibre floor from coordinates, else None."""
    given = given or {}
    for x, y in ((a, b), (b, a)):
        if y in given.get(x, {}):
            return RttEstimate(given[x][y], "given", "measured RTT from the spec",
                               {"from": a, "to": b})
    if a == b:
        return RttEstimate(INTER_ZONE_RTT_MS, "zone", "same region: inter-zone RTT (cited)", {"region": a})
    pa = (coords or {}).get(a) or _coord(a)
    pb = (coords or {}).get(b) or _coord(b)
    if pa is None or pb is None:
        return None
    d = great_circle_km(pa[0], pa[1], pb[0], pb[1])
    floor = fibre_rtt_floor_ms(d)
    return RttEstimate(floor, "fibre-floor", "rtt ≥ 2 · great_circle_km / 200,000 km/s · 1000",
                       {"from": a, "to": b, "great_circle_km": round(d, 1),
                        "fibre_km_per_s": FIBRE_KM_PER_S, "from_coordinates": [pa, pb]})


def _coord(name: str) -> tuple[float, float] | None:
    info = region_info(name)
    return (info[0], info[1]) if info else None


@dataclass(frozen=True)
class QuorumPlacement:
    """Voters per site and which failures leave a majority."""

    placement: dict[str, int]
    voters: int
    majority: int
    survives_any_node: bool
    survives_site: dict[str, bool]
    survives_any_site: bool
    survives_any_two_sites: bool
    formula: str = "majority = ⌊n/2⌋ + 1; a failure is survived when the voters left ≥ majority"

    def to_dict(self) -> dict[str, Any]:
        return {"placement": dict(self.placement), "voters": self.voters, "majority": self.majority,
                "survives_any_node": self.survives_any_node, "survives_site": dict(self.survives_site),
                "survives_any_site": self.survives_any_site,
                "survives_any_two_sites": self.survives_any_two_sites, "formula": self.formula}


def quorum_placement(placement: dict[str, int]) -> QuorumPlacement:
    """Evaluate a voter placement, e.g. ``{"eu-west-1": 2, "eu-central-1": 2, "eu-west-3": 1}``."""
    n = sum(placement.values())
    if n < 1:
        raise ValueError("at least one voter")
    majority = n // 2 + 1
    site = {s: n - v >= majority for s, v in placement.items()}
    two = all(n - placement[x] - placement[y] >= majority
              for x, y in itertools.combinations(placement, 2)) if len(placement) >= 2 else False
    return QuorumPlacement(dict(placement), n, majority, n - 1 >= majority, site, all(site.values()), two)


def spread(voters: int, sites: list[str]) -> dict[str, int]:
    """Spread voters as evenly as possible, first sites getting the extra ones (5 over 3 → 2/2/1)."""
    base, extra = divmod(voters, len(sites))
    return {s: base + (1 if i < extra else 0) for i, s in enumerate(sites)}
