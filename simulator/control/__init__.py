"""The control plane: faults, latency, rate limits, scenarios and the admin API (``/__apisim/``).

Public API (what the pytest plugin and users build on)::

    from simulator.control import Faults, FaultError, TransportFault

    faults = simulator.control.faults          # a Faults, on the simulator's store
    faults.error("huawei-ocr", "recognize_quota_invoice", "APIGW.0308", times=1)
    faults.delay("aliyun-saf", ms=200, probability=0.1, seed=7)
    faults.inject("aliyun-saf:*:delay=200ms,p=0.1")
    simulator.control.rate_limits.add({"service": "huawei-ocr", "limit": 2})
    simulator.control.scenarios.set("aliyun-saf", "verification", ["pending", "Z1146"], key=cert_no)

See docs/failure-testing.md.
"""

from simulator.control.errors import ControlError, FaultError
from simulator.control.faults import Faults
from simulator.control.plane import Control
from simulator.control.ratelimits import RateLimits
from simulator.control.scenarios import Scenarios
from simulator.control.spec import parse_fault_spec
from simulator.core.transport import TransportFault

__all__ = ["Control", "ControlError", "FaultError", "Faults", "RateLimits", "Scenarios", "TransportFault",
           "parse_fault_spec"]
