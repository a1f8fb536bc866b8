"""Control state lives in the store: two simulators on one SQLite file (two workers) share it."""

from __future__ import annotations


def test_faults_limits_and_scenarios_set_on_one_worker_act_on_another(make_sim, tmp_path):
    url = f"sqlite:///{tmp_path}/state.db"
    first, second = (make_sim("huawei-ocr", "aliyun-saf", store_url=url) for _ in range(2))
    first.control.faults.inject("huawei-ocr:*:status=503,body=busy,times=2")
    first.control.rate_limits.add({"service": "aliyun-saf", "limit": 1})
    first.control.scenarios.set("aliyun-saf", "verification", ["pending", "Z1146"])

    assert [s.ocr().status_code for s in (second, first, second)] == [503, 503, 401]  # the budget is shared
    assert first.control.faults.get("f1")["calls"] == {"seen": 3, "fired": 2}
    assert [r["id"] for r in second.control.rate_limits.list()] == ["r1"]
    assert second.control.scenarios.advance("aliyun-saf", "verification") == "pending"
    assert first.control.scenarios.advance("aliyun-saf", "verification") == "Z1146"
