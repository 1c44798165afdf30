"""The model of the talks: Mesa agents (actors) and the model (talks), batched over runs."""

from .actors import Actor, Response
from .outcomes import OUTCOMES
from .talks import RoundRecord, Talks, simulate
from .utility import compromise_point, utility

__all__ = [
    "OUTCOMES",
    "Actor",
    "Response",
    "RoundRecord",
    "Talks",
    "compromise_point",
    "simulate",
    "utility",
]
