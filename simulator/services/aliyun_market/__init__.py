"""Aliyun market OCR (business card, bank card) and the Dataplus face service (detect, attribute, verify)."""

from simulator.pipeline.service import ServiceDefinition, handlers_of
from simulator.services.aliyun_market import envelopes, handlers
from simulator.services.aliyun_market.params import parse_params

SERVICE = ServiceDefinition(
    name="aliyun-market",
    handlers=handlers_of(handlers),
    envelopes={
        "market": envelopes.MarketEnvelope(),
        "dataplus": envelopes.DataplusEnvelope(),
        "gateway": envelopes.GatewayEnvelope(),
    },
    parse_params=parse_params,
)
