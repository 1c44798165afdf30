"""Scenarios from data sets: DEU-format EU negotiations and Bueno de Mesquita style cases.

Readers turn a file into plain records (or stop at the first line that is not in the format);
builders turn records into plain scenario data that the scenario layer validates like a file.
This package imports only ``sim.scenario``.
"""

from .bdm import BdmCase, bdm_scenario, read_bdm
from .council import ERAS, Era, era_for
from .deu import DeuData, DeuIssue, read_deu
from .deu_scenario import DEU_CITATION, Mapping, deu_scenario
from .errors import DataFormatError, Skipped
from .output import scenario_yaml, to_scenario

__all__ = [
    "DEU_CITATION",
    "ERAS",
    "BdmCase",
    "DataFormatError",
    "DeuData",
    "DeuIssue",
    "Era",
    "Mapping",
    "Skipped",
    "bdm_scenario",
    "deu_scenario",
    "era_for",
    "read_bdm",
    "read_deu",
    "scenario_yaml",
    "to_scenario",
]
