"""The request pipeline: match → authenticate → validate → behave → render (one module per stage)."""

from simulator.pipeline.simulator import Simulator

__all__ = ["Simulator"]
