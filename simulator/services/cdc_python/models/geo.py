"""Great-circle distance, as the back end computes it."""

from __future__ import annotations

import math

# The WGS-84 equatorial radius: with it the haversine formula gives the document's
# example (30.22625, 120.03185) → (28.6756122, 121.362822) = 215498.4639470404 m.
EARTH_RADIUS_M = 6378137.0


def valid_point(lat: float, lng: float) -> bool:
    return -90.0 <= lat <= 90.0 and -180.0 <= lng <= 180.0 and math.isfinite(lat) and math.isfinite(lng)


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Haversine distance in metres."""
    a = math.radians(lat1) - math.radians(lat2)
    b = math.radians(lng1) - math.radians(lng2)
    h = math.sin(a / 2) ** 2 + math.cos(math.radians(lat1)) * math.cos(math.radians(lat2)) * math.sin(b / 2) ** 2
    return 2 * math.asin(math.sqrt(min(1.0, h))) * EARTH_RADIUS_M
