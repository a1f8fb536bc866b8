"""Aliyun SAF real-person verification (face_verify): init, query, initH5, queryH5 and match on one RPC endpoint."""

from simulator.pipeline.service import Scenario, ServiceDefinition, handlers_of
from simulator.services.aliyun_saf import envelopes, handlers, models
from simulator.services.aliyun_saf.codes import query_codes
from simulator.services.aliyun_saf.params import parse_params

SERVICE = ServiceDefinition(
    name="aliyun-saf",
    handlers=handlers_of(handlers),
    envelopes={"saf": envelopes.SafEnvelope(), "gateway": envelopes.GatewayEnvelope()},
    parse_params=parse_params,
    scenarios=(
        Scenario(
            name=handlers.VERIFICATION_SCENARIO,
            summary="How a real-person verification goes, one state per query/queryH5 poll: pending (code 300, "
                    "still running), passed (200), or the query code it ends with (Z1146 NOT_SAME_PERSON, ...)",
            key="the identity's certNumber, or * for every identity",
            # The query table of the SAF document: how a verification may end (Z1146 NOT_SAME_PERSON, ...).
            states=lambda contract: [models.PENDING, models.PASSED, *query_codes(contract)],
        ),
    ),
)
