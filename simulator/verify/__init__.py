"""``apisim verify``: does a server keep a contract?

The pieces, each its own module: :mod:`signers` (one adapter per auth scheme,
over the scheme modules' own signing code), :mod:`generate` (examples,
Hypothesis-generated valid requests, provocations), :mod:`outgoing` (encoding
and sending), :mod:`shapes` (what each documented error looks like),
:mod:`checks` (judging one answer), :mod:`runner` (the run, bounded in requests
and time), :mod:`report` (progress, failure reports, summary, JUnit XML) and
:mod:`cli`. See docs/verify.md.
"""

from simulator.verify.runner import CaseResult, Verifier, VerifyOptions, VerifyReport

__all__ = ["CaseResult", "Verifier", "VerifyOptions", "VerifyReport"]
