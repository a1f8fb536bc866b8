"""Sections 5 and 8: call statistics, grouped as each operation's ``x-stats-query`` says."""

from __future__ import annotations

from typing import Any

from simulator.pipeline.context import Context
from simulator.services.aicp.models import clock, stats
from simulator.services.aicp.codes import fail, ok

FLAT = {"method_call": stats.per_method, "cost_time": stats.each_call}
PERIODS = {"count_by_day": "day", "count_by_week": "week", "count_by_month": "month"}


def _answer(ctx: Context) -> dict[str, Any]:
    raw = ctx.operation.raw
    query, deployments = raw["x-stats-query"], raw["x-stats-scope"].split(",")
    camel = raw["x-stats-fields"] == "camelCase"
    body = ctx.body if isinstance(ctx.body, dict) else {}
    try:
        if query == "chart_by_day":
            moment = clock.parse(f"{body['time']}-01") if body.get("time") else clock.now(ctx)
            first, last, days = stats.month_bounds(moment.year, moment.month)
            rows = stats.calls(ctx.store, deployments, before=first, after=last)
            return ok(stats.chart(rows, camel, "day", days))
        if query == "chart_by_month":
            year = int(body["year"]) if body.get("year") not in (None, "") else clock.now(ctx).year
            first, last = stats.year_bounds(year)
            return ok(stats.chart(stats.calls(ctx.store, deployments, before=first, after=last), camel, "month"))
        before = clock.parse_bound(body.get("timeBefore"), upper=False)
        after = clock.parse_bound(body.get("timeAfter"), upper=True)
    except (ValueError, OverflowError) as exc:
        # The platform parses these with SimpleDateFormat; a bad one ends in its catch-all.
        raise fail(ctx, "RUNTIME_ERROR", detail=f"cannot read the period: {exc}") from None
    rows = stats.calls(ctx.store, deployments, body.get("call_Name") or None, before, after)
    if query in PERIODS:
        return ok(stats.per_period(rows, camel, PERIODS[query]))
    return ok(FLAT[query](rows, camel))


def stats_method_call(ctx: Context) -> dict[str, Any]:
    return _answer(ctx)


def stats_count_by_day(ctx: Context) -> dict[str, Any]:
    return _answer(ctx)


def stats_count_by_week(ctx: Context) -> dict[str, Any]:
    return _answer(ctx)


def stats_count_by_month(ctx: Context) -> dict[str, Any]:
    return _answer(ctx)


def stats_chart_by_day(ctx: Context) -> dict[str, Any]:
    return _answer(ctx)


def stats_chart_by_month(ctx: Context) -> dict[str, Any]:
    return _answer(ctx)


def stats_cost_time(ctx: Context) -> dict[str, Any]:
    return _answer(ctx)


def ms_stats_method_call(ctx: Context) -> dict[str, Any]:
    return _answer(ctx)


def ms_stats_count_by_day(ctx: Context) -> dict[str, Any]:
    return _answer(ctx)


def ms_stats_count_by_week(ctx: Context) -> dict[str, Any]:
    return _answer(ctx)


def ms_stats_count_by_month(ctx: Context) -> dict[str, Any]:
    return _answer(ctx)


def ms_stats_chart_by_day(ctx: Context) -> dict[str, Any]:
    return _answer(ctx)


def ms_stats_chart_by_month(ctx: Context) -> dict[str, Any]:
    return _answer(ctx)


def ms_stats_cost_time(ctx: Context) -> dict[str, Any]:
    return _answer(ctx)
