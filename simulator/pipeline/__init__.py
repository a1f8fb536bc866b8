"""The request pipeline: match → authenticate → validate → behave → render (one module per stage).

:mod:`~simulator.pipeline.run` runs them in order for one request and records an
:class:`~simulator.pipeline.exchange.Exchange`; :mod:`~simulator.pipeline.runtime` is what the
stages, the handlers and the control plane consult; :mod:`~simulator.pipeline.hooks` declares the
extension points; :mod:`~simulator.pipeline.service` is the SDK service packages build on. The
:class:`~simulator.simulator.Simulator` (``from simulator import Simulator``) wires them together.
"""
