"""Students at the table: one actor played by a person, the agents playing the rest.

``session`` plays one run with a ``Seat`` (sim/model/human.py) and returns what happened;
``debrief`` places the person's result in the distribution of simulated runs of that actor;
``terminal`` is the ``negsim play`` conversation (commands read one per line).
"""

from .debrief import Debrief, debrief
from .session import Played, play_run

__all__ = ["Debrief", "Played", "debrief", "play_run"]
