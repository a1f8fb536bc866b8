"""The control plane's one error: a definition (fault, rate limit, scenario, state, admin call) the
contracts or the simulator cannot honour. The message says what to change."""

from __future__ import annotations


class ControlError(ValueError):
    """A control-plane definition the simulator cannot honour; the message says what to change."""


FaultError = ControlError  # its first name, when faults were all it covered (public: simulator.control.FaultError)
