"""CDC-Python: the competition app's Python back end (document 001), all 30 operations, stateful."""

from simulator.pipeline.service import ServiceDefinition
from simulator.services.cdc_python import envelopes
from simulator.services.cdc_python.handlers import HANDLERS
from simulator.services.cdc_python.models import seed_state
from simulator.services.cdc_python.params import parse_params

SERVICE = ServiceDefinition(
    name="cdc-python",
    handlers=HANDLERS,
    envelopes={"cdc": envelopes.CdcEnvelope(), "cdc-yanxuan": envelopes.YanxuanEnvelope()},
    parse_params=parse_params,
    seed_state=seed_state,
)
