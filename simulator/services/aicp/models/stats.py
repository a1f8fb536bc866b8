"""Call statistics (document sections 5 and 8), computed from the calls the simulator answered.

Every answer of an operation carrying ``x-stats`` in the contract (the face operations of the
old/new APIs and of the micro-services) appends one call record; the statistics operations
filter and group those records. A fresh simulator is seeded with 90 days of plausible history
(see :func:`seed_history`) so the statistics have something to show before the first call.

Record fields are snake_case in section 5 and camelCase in section 8; everything else is alike.
"""

from __future__ import annotations

import calendar
import random
from collections import OrderedDict
from datetime import date, datetime, time, timedelta
from typing import Any, Iterable

from simulator.pipeline.context import Context
from simulator.services.aicp.models import clock

CALLS_NS = "stats:calls"
HISTORY_DAYS = 90
# The period every statistics example of the document asks about (timeBefore 2020-01-01, timeAfter
# 2020-03-03, month 2020-02): seeded too, so replaying an example shows calls, not [].
DOCUMENT_PERIOD = (date(2020, 1, 1), date(2020, 3, 3))
VISIT_SOURCE = "人脸识别(云从)"  # the engine behind the counted methods, as every example names it
PERIOD_SEPARATOR = "~~~"

SNAKE_FIELDS = ("traceid", "username", "visitip", "visittime", "visitdesc", "visiturl", "costtime", "visitresult",
                "visitcode", "visitmsg", "visitsource", "methodname", "callcount", "end", "day", "begin", "total",
                "count")
CAMEL_FIELDS = ("traceId", "username", "visitIp", "visitTime", "visitDesc", "visitUrl", "costTime", "visitResult",
                "visitCode", "visitMsg", "visitSource", "methodName", "callCount", "end", "day", "begin", "total",
                "count")


# --- recording ---------------------------------------------------------------------------------


def record_call(ctx: Context, ok: bool, code: str | None = None) -> None:
    """Count this call if its operation is one the statistics report (refused tokens never reach it)."""
    op = ctx.operation
    if op is None or "x-stats" not in op.raw:
        return
    auth = op.binding(ctx.deployment, "auth") or {}
    if code is not None and code in (auth.get("errors") or {}).values():
        return
    ctx.store.append(CALLS_NS, {
        "deployment": ctx.deployment.name,
        "methodname": op.raw["x-stats"]["methodname"],
        "visitmsg": op.raw["x-stats"]["visitmsg"],
        "time": clock.stamp(clock.now(ctx)),
        # Processing time is not observable in a simulator; a stable plausible figure per request.
        "costtime": ctx.rng.randint(150, 2500),
        "ok": ok,
    })


def seed_history(store: Any, contract: Any, now: datetime, seed: int) -> None:
    """Plausible calls over the :data:`HISTORY_DAYS` days before ``now``, the same for the same seed and day."""
    methods: dict[str, dict[str, tuple[str, str]]] = {}
    for op in contract.operations.values():
        if "x-stats" in op.raw:
            for dep in op.deployments:
                methods.setdefault(dep, {})[op.raw["x-stats"]["methodname"]] = (
                    op.raw["x-stats"]["methodname"], op.raw["x-stats"]["visitmsg"])
    rng = random.Random(f"aicp-history:{seed}:{now.date().isoformat()}")
    today = now.astimezone(clock.PLATFORM_TZ).replace(hour=0, minute=0, second=0, microsecond=0)
    recent = [today - timedelta(days=days_ago) for days_ago in range(HISTORY_DAYS, 0, -1)]
    first, last = (datetime.combine(d, time(), today.tzinfo) for d in DOCUMENT_PERIOD)
    documented = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    days = recent + [d for d in documented if d < recent[0]]  # after: the recent history stays as it was
    for dep in sorted(methods):
        choices = sorted(methods[dep].values())
        # Recognition dominates real traffic; enrolment and the rest trail behind.
        weights = [6 if name == "faceRecognition" else 3 if name in ("personWitnessRatio", "faceEntry") else 1
                   for name, _ in choices]
        for day in days:
            calls = rng.randint(0, 6) if day.weekday() < 5 else rng.randint(0, 2)
            for moment in sorted(day + timedelta(seconds=rng.randint(8 * 3600, 20 * 3600)) for _ in range(calls)):
                name, msg = rng.choices(choices, weights)[0]
                store.append(CALLS_NS, {"deployment": dep, "methodname": name, "visitmsg": msg,
                                        "time": clock.stamp(moment), "costtime": rng.randint(150, 2500),
                                        "ok": rng.random() > 0.05})


# --- querying ----------------------------------------------------------------------------------


def calls(store: Any, deployments: Iterable[str], call_name: str | None = None,
          before: datetime | None = None, after: datetime | None = None) -> list[dict[str, Any]]:
    """Recorded calls of ``deployments``, oldest first; ``call_name`` matches the Chinese or method name."""
    wanted = set(deployments)
    out = []
    for call in store.values(CALLS_NS):
        if call["deployment"] not in wanted:
            continue
        if call_name and call_name not in (call["visitmsg"], call["methodname"]):
            continue
        moment = clock.parse(call["time"])
        if (before and moment < before) or (after and moment > after):
            continue
        out.append(call)
    return sorted(out, key=lambda c: c["time"])


def record(camel: bool, call: dict[str, Any], *, costtime: int, day: str, count: int,
           begin: str | None = None, end: str | None = None, total: str | None = None) -> dict[str, Any]:
    """One statistics row: every documented field, null where the grouping does not set it."""
    fields = CAMEL_FIELDS if camel else SNAKE_FIELDS
    row: dict[str, Any] = dict.fromkeys(fields)
    row.update({fields[6]: costtime, fields[9]: call["visitmsg"], fields[10]: VISIT_SOURCE,
                fields[11]: call["methodname"], "day": day, "count": str(count),
                "begin": begin, "end": end, "total": total})
    return row


def _by_method(rows: list[dict[str, Any]]) -> "OrderedDict[str, list[dict[str, Any]]]":
    groups: OrderedDict[str, list[dict[str, Any]]] = OrderedDict()
    for call in rows:
        groups.setdefault(call["methodname"], []).append(call)
    return OrderedDict(sorted(groups.items()))


def per_method(rows: list[dict[str, Any]], camel: bool) -> list[dict[str, Any]]:
    """5.1/8.1: each method's call count, with the time and cost of its latest call."""
    out = []
    for group in _by_method(rows).values():
        latest = group[-1]
        out.append(record(camel, latest, costtime=latest["costtime"], day=latest["time"], count=len(group)))
    return out


def period_of(moment: datetime, unit: str) -> tuple[date, date]:
    """The day, ISO week (Monday to Sunday) or calendar month holding ``moment``, as (first, last)."""
    day = moment.date()
    if unit == "day":
        return day, day + timedelta(days=1)  # the document's day rows run to the next day: 2020-03-26~~~2020-03-27
    if unit == "week":
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=6)
    first = day.replace(day=1)
    return first, first.replace(day=calendar.monthrange(day.year, day.month)[1])


def per_period(rows: list[dict[str, Any]], camel: bool, unit: str) -> list[dict[str, Any]]:
    """5.2–5.4 / 8.2–8.4: calls per method per day, week or month."""
    out = []
    for group in _by_method(rows).values():
        periods: OrderedDict[tuple[date, date], list[dict[str, Any]]] = OrderedDict()
        for call in group:
            periods.setdefault(period_of(clock.parse(call["time"]), unit), []).append(call)
        for (first, last), members in periods.items():
            begin, end = first.isoformat(), last.isoformat()
            out.append(record(camel, members[-1], costtime=members[-1]["costtime"],
                              day=begin + PERIOD_SEPARATOR + end, count=len(members), begin=begin, end=end))
    return out


def chart(rows: list[dict[str, Any]], camel: bool, unit: str, days_in_month: int | None = None) -> list[list[dict[str, Any]]]:
    """5.5/5.6 and 8.5/8.6: one series per method, a point per day (``yyyy-MM-dd``) or month (``yyyy-MM``)."""
    width = 10 if unit == "day" else 7
    series = []
    for group in _by_method(rows).values():
        points: OrderedDict[str, list[dict[str, Any]]] = OrderedDict()
        for call in group:
            points.setdefault(call["time"][:width], []).append(call)
        series.append([
            record(camel, members[-1], costtime=members[-1]["costtime"], day=key, count=len(members),
                   total=str(days_in_month) if days_in_month else None)
            for key, members in points.items()
        ])
    return series


def each_call(rows: list[dict[str, Any]], camel: bool) -> list[dict[str, Any]]:
    """5.7/8.7: every call with its processing time, newest first."""
    return [record(camel, call, costtime=call["costtime"], day=call["time"], count=1) for call in reversed(rows)]


def month_bounds(year: int, month: int) -> tuple[datetime, datetime, int]:
    days = calendar.monthrange(year, month)[1]
    first = datetime(year, month, 1, tzinfo=clock.PLATFORM_TZ)
    return first, first + timedelta(days=days) - timedelta(microseconds=1), days


def year_bounds(year: int) -> tuple[datetime, datetime]:
    first = datetime(year, 1, 1, tzinfo=clock.PLATFORM_TZ)
    return first, datetime(year + 1, 1, 1, tzinfo=clock.PLATFORM_TZ) - timedelta(microseconds=1)
