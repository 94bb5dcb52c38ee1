"""Every suite: one per raw table and per mart."""

from expectations.spec import SuiteSpec
from expectations.suites.marts import MART_SUITES
from expectations.suites.raw import RAW_SUITES

ALL_SUITES: tuple[SuiteSpec, ...] = (*RAW_SUITES, *MART_SUITES)
