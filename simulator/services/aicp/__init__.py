"""AICP (智能交互平台): the old and new face APIs, statistics, capability authorisation, face
micro-services, the Koala engine API, user register / face login and high availability:
nine deployments of one platform (``contracts/aicp.json``).
"""

from simulator.services import ServiceDefinition
from simulator.services.aicp import envelopes, handlers, seed

SERVICE = ServiceDefinition(
    name="aicp",
    handlers=handlers.ALL,
    envelopes=envelopes.ENVELOPES,
    seed_state=seed.seed_state,
)
