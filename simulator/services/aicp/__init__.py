"""AICP (智能交互平台): the old and new face APIs, statistics, capability authorisation, face
micro-services, the Koala engine API, user register / face login and high availability:
nine deployments of one platform (``contracts/aicp/``).
"""

from simulator.pipeline.service import Scenario, ServiceDefinition
from simulator.services.aicp import envelopes, handlers
from simulator.services.aicp.models import ha_queue, seed

SERVICE = ServiceDefinition(
    name="aicp",
    handlers=handlers.ALL,
    envelopes=envelopes.ENVELOPES,
    seed_state=seed.seed_state,
    scenarios=(
        Scenario(
            name=ha_queue.ENGINE_SCENARIO,
            summary="The face engine behind the micro-services and user registration, one state per engine call: "
                    "up, or down (the enrolment is queued for the high-availability module, 11.1/11.2, "
                    "until resumedata replays it)",
            key="* (the platform has one engine)",
            states=lambda contract: ["up", "down"],
        ),
    ),
)
