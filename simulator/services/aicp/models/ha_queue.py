"""High availability (section 11): engine operations that failed, kept for a later replay.

When the engine is down (the control plane's ``aicp/engine`` scenario, or :func:`set_engine_down`), an
enrolment that needs it (7.4 face add, 10.1 register) is still accepted, as the platform's
asynchronous design intends, but the engine call is queued here instead of made: the person
is not recognisable until ``resumedata`` (11.2) replays the queued call. ``getall`` (11.1) lists
the queue. A fresh simulator holds a little history so the query has something to show.
"""

from __future__ import annotations

import base64
import json
import random
from datetime import datetime, timedelta
from typing import Any

from simulator.imaging.decode import DecodedImage
from simulator.pipeline.context import Context
from simulator.pipeline.runtime import Runtime
from simulator.services.aicp.models import accounts, clock, engine, ids

QUEUE_NS = "ha:queue"
REPLAY_NS = "ha:replay"
SCENARIO_NS = "scenario"
ENGINE_DOWN = "engine-down"
ENGINE_SCENARIO = "engine"  # the scenario this service declares (SERVICE.scenarios), set through the control plane
OPERATE_TYPE = "business/api/v1/repository/personDb"  # the engine call the document's items show


def set_engine_down(store: Any, down: bool = True) -> None:
    """Switch the engine fault scenario on or off (state, so every worker sees it)."""
    store.put(SCENARIO_NS, ENGINE_DOWN, bool(down))


def engine_down(ctx: Context) -> bool:
    """Is the engine down for this engine call?

    The control plane's ``aicp/engine`` scenario (states ``up``/``down``, one per engine call) decides
    when one is set; otherwise the flag :func:`set_engine_down` keeps in the service's state.
    """
    state = ctx.scenario(ENGINE_SCENARIO)
    if state is not None:
        return state == "down"
    return bool(ctx.store.get(SCENARIO_NS, ENGINE_DOWN, False))


def engine_url(runtime: Runtime) -> str:
    """Where the engine is: the simulator's own Koala deployment on loopback."""
    koala = runtime.contracts["aicp"].deployment("koala")
    return f"http://{runtime.config.host}:{runtime.port_of(koala)}/"


def queue(ctx: Context, *, person_db_lib: str, image: DecodedImage, replay: dict[str, Any]) -> dict[str, Any]:
    """Record an engine call that could not be made; returns the queued item."""
    moment = clock.now(ctx)
    item_id, person_id = ids.snowflake(ctx), ids.snowflake(ctx)
    item = {
        "id": item_id,
        "dataGroupId": person_db_lib,
        "dataPersonId": person_id,
        "dataImageAddress": f"/data/highAvailability/picture/{moment.strftime('%Y%m%d')}/{person_id}.jpg",
        "createTime": clock.stamp(moment),
        "operateType": OPERATE_TYPE,
        "engineUrl": engine_url(ctx.runtime),
        "solveTime": None,
        "issolved": 0,
        "solveManCode": None,
        "jsonParam": json.dumps({"personLibId": person_db_lib, "baseLs": base64.b64encode(image.data).decode("ascii")},
                                separators=(",", ":")),
        "asynchronyDataList": None,
    }
    ctx.store.put(QUEUE_NS, item_id, item)
    ctx.store.put(REPLAY_NS, item_id, replay)
    return item


def items(store: Any) -> list[dict[str, Any]]:
    return sorted((item for _, item in store.items(QUEUE_NS)), key=lambda i: (i["createTime"], i["id"]))


def find(store: Any, item_id: str) -> dict[str, Any] | None:
    return store.get(QUEUE_NS, str(item_id))


def resume(ctx: Context, item_id: str) -> None:
    """Replay one queued call (once: a solved item stays solved) and mark it solved."""
    item = find(ctx.store, item_id)
    if item is None or int(item["issolved"]) == 1:
        return
    replay = ctx.store.get(REPLAY_NS, item_id) or {}
    if replay.get("kind") == "engine-user" and engine.group(ctx.store, replay["groupId"]) is not None:
        engine.add_user(ctx.store, replay["groupId"], replay["userId"], replay["createTime"],
                        user_name=replay.get("userName"), user_info=replay.get("userInfo"), face=replay["face"],
                        url=replay.get("url"), face_id=replay.get("faceId"), match_id=replay.get("matchId"))
    elif replay.get("kind") == "account-face":
        accounts.activate_face(ctx, replay["username"], replay["face"])
    ctx.store.put(QUEUE_NS, item_id, {**item, "issolved": 1, "solveTime": clock.stamp(clock.now(ctx))})
    ctx.store.delete(REPLAY_NS, item_id)


def seed_history(store: Any, runtime: Runtime, now: datetime) -> None:
    """Three past failures, two of them already solved, the same for the same seed and day."""
    rng = random.Random(f"aicp-ha:{runtime.config.seed}:{now.date().isoformat()}")
    local = now.astimezone(clock.PLATFORM_TZ).replace(microsecond=0)
    for n, (days_ago, solved) in enumerate(((9, True), (4, True), (1, False)), start=1):
        created = local - timedelta(days=days_ago, seconds=rng.randint(0, 36000))
        item_id = ids.snowflake_at(clock.epoch_ms(created), 2 * n)
        person_id = ids.snowflake_at(clock.epoch_ms(created) - 300, 2 * n + 1)
        lib = "%032x" % rng.getrandbits(128)
        store.put(QUEUE_NS, item_id, {
            "id": item_id, "dataGroupId": lib, "dataPersonId": person_id,
            "dataImageAddress": f"/data/highAvailability/picture/{created.strftime('%Y%m%d')}/{person_id}.jpg",
            "createTime": clock.stamp(created), "operateType": OPERATE_TYPE, "engineUrl": engine_url(runtime),
            "solveTime": clock.stamp(created + timedelta(minutes=rng.randint(5, 90))) if solved else None,
            "issolved": 1 if solved else 0, "solveManCode": None,
            "jsonParam": json.dumps({"personLibId": lib, "baseLs": "BASE64"}, separators=(",", ":")),
            "asynchronyDataList": None,
        })
