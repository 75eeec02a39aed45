"""The illustrative network: a labelled, invented graph to explore the service.

No public file lists who is tied to whom in the corridor, so the service
ships a network that looks like the field without claiming to be it:

- **Real actors** named in the source documents (UNHCR, IOM, PRM, COMAR,
  Sin Fronteras I.A.P., Refugee Solidarity Network, ...), with their kind,
  country and city. Their ties here are invented.
- **Invented organizations**, named so they cannot be taken for real ones:
  every invented name contains the word "Ejemplo" or "Example" and every
  invented id starts with ``ex-`` (see :mod:`.invented`).
- **Invented ties** generated from a seed so that the 2021 survey figures
  hold on the Mexican civil-society actors (100% tied to UNHCR, 80% to IOM,
  ~70% to a US organization, ~20% to a US policymaker; of those tied to US
  organizations ~45% formally and ~60% informally), with a funding chain
  PRM -> UNHCR / IOM -> CSOs, silos by issue area, and restricted informal
  ties between defenders and officials (see :mod:`.ties`).

Every actor and tie has provenance ``illustrative`` and says so in its
``source_ref`` and description or note; the store is marked with the
metadata ``illustrative = true`` and a ``dataset_label``.
"""
from .build import (
    DATASET_LABEL,
    DEFAULT_SEED,
    LoadResult,
    StoreHoldsOtherData,
    build_illustrative,
    foreign_data,
    illustrative_meta,
    load_illustrative,
)
from .invented import MARKERS, is_invented_name
from .named import REAL_NAMES
from .ties import SURVEY, survey_targets

__all__ = [
    "DATASET_LABEL",
    "DEFAULT_SEED",
    "LoadResult",
    "MARKERS",
    "REAL_NAMES",
    "SURVEY",
    "StoreHoldsOtherData",
    "build_illustrative",
    "foreign_data",
    "illustrative_meta",
    "is_invented_name",
    "load_illustrative",
    "survey_targets",
]
