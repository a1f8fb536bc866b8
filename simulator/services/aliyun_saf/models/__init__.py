"""SAF's state, kept on the service store only (JSON values, no module globals), so it survives
multi-worker stores.

Namespaces:

* ``verifications@<period>``: bizId → the verification init/initH5 created in that period of
  ``x-behaviour.verification_ttl_seconds`` of simulator clock, and how it ended; answered for the TTL
  after init, forgotten a whole period at a time once every record in it has expired
  (``verifications@periods`` names the periods; :class:`~simulator.store.buckets.TimeBuckets`);
* ``verification-order``: AccessKeyId → how many verifications that key created (each one's order);
* ``verification-slots``: "<AccessKeyId>:<order modulo the cap>" → [period, bizId] of that key's
  verification in that slot: the one ``x-behaviour.max_verifications_per_key`` inits later forgets
  it, so a key keeps at most that many (the oldest forgotten first);
* ``failures``: certNumber → how many verifications of that identity failed (540 past the limit);
* ``scenarios``: certNumber → how that identity's next verifications end, or which init code it gets;
* ``persons``: certNumber → the face-model person who holds that identity: bound in tests, or the
  person in the first untagged live photo matched against it (default: an id made from the
  certNumber, so the certNumber itself never shows in an image);
* ``qps@<second>``: AccessKeyId → requests in that second of the simulator clock;
* ``user_flow@<minute>``: AccessKeyId → calls the gateway let through in that minute;
* ``names_tried@<window>``: "<certNumber>:<name>" → seen, and certNumber → how many different
  names init tried with that number in that window (risk control B110).
  Only the current second, minute or window is kept (:func:`~simulator.store.buckets.count_in_period`).
"""

from __future__ import annotations

import hashlib
import string
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from simulator.store import ServiceStore
from simulator.store.buckets import TimeBuckets, count_in_period

PASSED = "passed"
PENDING = "pending"
# Outcomes that are not catalogue codes.
OUTCOME_WORDS = (PASSED, PENDING)


# --- verifications --------------------------------------------------------------------------------

def new_ids(rng: Any, now: datetime) -> tuple[str, str]:
    """(bizId, queryId) shaped like the document's: ZSTP + date + 20 digits, and 32 lower-case hex digits."""
    biz_id = "ZSTP" + now.strftime("%Y%m%d") + "".join(rng.choice(string.digits) for _ in range(20))
    query_id = "%032x" % rng.getrandbits(128)
    return biz_id, query_id


@dataclass(frozen=True)
class Retention:
    """How long a verification is kept (seconds of simulator clock after init), and how many an
    AccessKeyId keeps at most: a client that inits without end, or a load test, cannot grow the store."""

    ttl_seconds: float = 1800.0
    max_per_key: int = 10_000

    @classmethod
    def of(cls, settings: dict[str, Any]) -> "Retention":
        return cls(float(settings.get("verification_ttl_seconds", cls.ttl_seconds)),
                   int(settings.get("max_verifications_per_key", cls.max_per_key)))

    def periods(self, store: ServiceStore) -> TimeBuckets:
        """Where verifications live: one namespace per TTL of simulator clock."""
        return TimeBuckets(store, "verifications", self.ttl_seconds)


def create_verification(store: ServiceStore, *, biz_id: str, query_id: str, kind: str, name: str,
                        cert_number: str, access_key_id: str, now: datetime, outcome: str | None,
                        retention: Retention = Retention()) -> dict[str, Any]:
    """Keep a new verification. Every store call here is one key's: no init reads all verifications."""
    order = store.incr("verification-order", access_key_id)
    record = {
        "bizId": biz_id, "queryId": query_id, "kind": kind, "name": name, "certNumber": cert_number,
        "accessKeyId": access_key_id, "createdAt": now.isoformat(), "outcome": outcome, "endedAt": None,
        "order": order,
    }
    periods = retention.periods(store)
    period = periods.period(now)
    store.put(periods.namespace(period), biz_id, record)
    if periods.note(period):  # the first verification of a new period: the old periods may go
        forget_expired_verifications(store, now, retention)
    _take_slot(store, periods, access_key_id, order, [period, biz_id], retention.max_per_key)
    return record


def _take_slot(store: ServiceStore, periods: TimeBuckets, access_key_id: str, order: int, place: list[Any],
               max_per_key: int) -> None:
    """The key's verifications take turns in ``max_per_key`` slots: this one forgets the one
    ``max_per_key`` inits older, so the key keeps exactly its newest ``max_per_key``."""
    slot = f"{access_key_id}:{order % max_per_key}"
    if order > max_per_key:
        older = store.get("verification-slots", slot)
        if older is not None:
            store.delete(periods.namespace(older[0]), older[1])
    store.put("verification-slots", slot, place)


def find_verification(store: ServiceStore, biz_id: str, now: datetime | None = None,
                      retention: Retention = Retention()) -> dict[str, Any] | None:
    """The verification, unless there is none or (given ``now``) it has expired: then it is forgotten."""
    found = _locate(store, biz_id, now, retention)
    if found is None:
        return None
    namespace, record = found
    if now is not None and elapsed_seconds(record, now) >= retention.ttl_seconds:
        store.delete(namespace, biz_id)
        return None
    return record


def _locate(store: ServiceStore, biz_id: str, now: datetime | None, retention: Retention) -> tuple[str, dict[str, Any]] | None:
    """(namespace, record) of a verification: with ``now``, looked for in this period, the one
    before (the only ones holding unexpired records) and the one after (made before the clock was
    set back); without it, in every period held."""
    periods = retention.periods(store)
    if now is None:
        candidates = list(reversed(periods.periods()))
    else:
        current = periods.period(now)
        candidates = [current, current - 1, current + 1]
    for period in candidates:
        record = store.get(periods.namespace(period), biz_id)
        if record is not None:
            return periods.namespace(period), record
    return None


def forget_expired_verifications(store: ServiceStore, now: datetime, retention: Retention) -> int:
    """Forget the periods whose every verification has expired (and any after the next, which only a
    clock set back leaves), one store call each; how many periods went."""
    periods = retention.periods(store)
    current = periods.period(now)
    return periods.forget_all_but((current - 1, current, current + 1))


def end_verification(store: ServiceStore, record: dict[str, Any], outcome: str, now: datetime,
                     retention: Retention = Retention()) -> dict[str, Any]:
    """Fix how a verification ended; a failure counts against its identity once."""
    record = {**record, "outcome": outcome, "endedAt": now.isoformat()}
    periods = retention.periods(store)
    store.put(periods.namespace(periods.period(datetime.fromisoformat(record["createdAt"]))), record["bizId"], record)
    if outcome != PASSED:
        record_failure(store, record["certNumber"])
    return record


def set_outcome(store: ServiceStore, biz_id: str, outcome: str, retention: Retention = Retention()) -> bool:
    """Decide how a pending verification will end; False when there is no such verification or it has ended."""
    found = _locate(store, biz_id, None, retention)
    if found is None or found[1].get("endedAt"):
        return False
    namespace, record = found
    store.put(namespace, biz_id, {**record, "outcome": outcome})
    return True


def elapsed_seconds(record: dict[str, Any], now: datetime) -> float:
    return (now - datetime.fromisoformat(record["createdAt"])).total_seconds()


# --- identities -----------------------------------------------------------------------------------

def failures(store: ServiceStore, cert_number: str) -> int:
    return int(store.get("failures", cert_number, 0))


def record_failure(store: ServiceStore, cert_number: str) -> int:
    return store.incr("failures", cert_number)


def set_scenario(store: ServiceStore, cert_number: str, outcome: str | None) -> None:
    """How this identity's verifications end (passed, pending, a query code) or which init code it gets; None clears."""
    if outcome is None:
        store.delete("scenarios", cert_number)
    else:
        store.put("scenarios", cert_number, outcome)


def scenario_for(store: ServiceStore, cert_number: str) -> str | None:
    return store.get("scenarios", cert_number)


def bind_person(store: ServiceStore, cert_number: str, person: str) -> None:
    """Say which face-model person holds this identity (e.g. the fixture person ``alice``)."""
    store.put("persons", cert_number, person)


def person_for(store: ServiceStore, cert_number: str) -> str:
    """The face-model person holding this identity: the bound one, else an id made from the certNumber."""
    return store.get("persons", cert_number) or default_holder(cert_number)


def default_holder(cert_number: str) -> str:
    return "holder-" + hashlib.blake2b(cert_number.encode("utf-8"), digest_size=8).hexdigest()


def claim_holder(store: ServiceStore, cert_number: str, person: str) -> str:
    """Bind ``person`` to the identity unless someone already holds it; who holds it now."""
    store.add_if_absent("persons", cert_number, person)
    return store.get("persons", cert_number)


# --- flow control ---------------------------------------------------------------------------------

def count_request(store: ServiceStore, access_key_id: str, now: datetime) -> int:
    """How many requests this key made in the current second of the simulator clock, this one included."""
    return count_in_period(store, "qps", access_key_id, now, 1)


def count_user_call(store: ServiceStore, access_key_id: str, now: datetime) -> int:
    """How many calls this key's user made in the current minute of the simulator clock, this one included."""
    return count_in_period(store, "user_flow", access_key_id, now, 60)


def note_name_tried(store: ServiceStore, cert_number: str, name: str, now: datetime, window_seconds: float) -> int:
    """Remember that init tried ``name`` with this number in the current window; how many different
    names it has tried in it. Only the current window is read: a new one forgets the others whole."""
    windows = TimeBuckets(store, "names_tried", window_seconds)
    window = windows.period(now)
    if not store.add_if_absent(windows.namespace(window), f"{cert_number}:{name}", True):
        return int(store.get(windows.namespace(window), cert_number, 0))
    if windows.note(window):
        windows.forget_all_but((window,))
    return store.incr(windows.namespace(window), cert_number)
