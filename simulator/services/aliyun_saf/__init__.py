"""Aliyun SAF real-person verification (face_verify): init, query, initH5, queryH5 and match on one RPC endpoint."""

from simulator.services import ServiceDefinition, handlers_of
from simulator.services.aliyun_saf import envelopes, handlers
from simulator.services.aliyun_saf.params import parse_params

SERVICE = ServiceDefinition(
    name="aliyun-saf",
    handlers=handlers_of(handlers),
    envelopes={"saf": envelopes.SafEnvelope(), "gateway": envelopes.GatewayEnvelope()},
    parse_params=parse_params,
)
