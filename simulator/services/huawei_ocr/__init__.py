"""Huawei Cloud OCR: quota invoice recognition, plus the IAM token endpoint its auth needs."""

from simulator.pipeline.service import ServiceDefinition, handlers_of
from simulator.services.huawei_ocr import envelopes, handlers

SERVICE = ServiceDefinition(
    name="huawei-ocr",
    handlers=handlers_of(handlers),
    envelopes={"huawei": envelopes.HuaweiEnvelope(), "iam": envelopes.IamEnvelope()},
)
