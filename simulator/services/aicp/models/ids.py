"""Identifiers in the document's formats, from the clock and store counters (never unseeded randomness)."""

from __future__ import annotations

from simulator.fake.providers import uuid_from
from simulator.pipeline.context import Context
from simulator.services.aicp.models import clock

COUNTERS_NS = "ids"
TWITTER_EPOCH_MS = 1288834974657  # snowflake ids count milliseconds from here
WORKER = 1


def snowflake(ctx: Context) -> str:
    """A 19-digit snowflake id (personID 7825208425084637184 style): time, worker, sequence."""
    return snowflake_at(clock.epoch_ms(clock.now(ctx)), ctx.store.incr(COUNTERS_NS, "snowflake"))


def snowflake_at(ms: int, sequence: int) -> str:
    return str(((ms - TWITTER_EPOCH_MS) << 22) | (WORKER << 12) | (sequence % 4096))


def hex32(ctx: Context) -> str:
    """A 32-hex id (personNo, personDbLib), different for every request, stable across replays."""
    return uuid_from(ctx.request_rng).hex


def nano_id(ctx: Context) -> str:
    """The engine's 19-digit match id (1586394103831187000): its clock in ns-like units."""
    return str(clock.epoch_ms(clock.now(ctx)) * 1_000_000 + (ctx.store.incr(COUNTERS_NS, "nano") % 1000) * 1000)


def next_number(ctx: Context, name: str) -> int:
    """Auto-increment numbers (row ids, faceId): 1, 2, 3..."""
    return ctx.store.incr(COUNTERS_NS, name)
