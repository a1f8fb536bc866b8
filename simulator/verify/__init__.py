"""``apisim verify``: does a server keep a contract?

The pieces, each its own module: :mod:`signers` (one adapter per auth scheme,
over the scheme modules' own signing code), :mod:`generate` (examples,
Hypothesis-generated valid requests, provocations), :mod:`outgoing` (encoding
and sending), :mod:`shapes` (what each documented error looks like),
:mod:`checks` (judging one answer), :mod:`runner` (the run, bounded in requests
and time), :mod:`report` (progress, failure reports, summary, JUnit XML) and
:mod:`cli`. See docs/verify.md.
"""

from typing import Any

__all__ = ["CaseResult", "Verifier", "VerifyOptions", "VerifyReport"]


def __getattr__(name: str) -> Any:
    """The runner on first use: it needs the verify extra (Hypothesis, httpx), which ``apisim serve``
    and the other commands must not (importing :mod:`simulator.verify.cli` registers the command)."""
    if name in __all__:
        from simulator.verify import runner

        return getattr(runner, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
