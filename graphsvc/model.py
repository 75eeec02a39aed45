"""Actors, ties and the vocabularies they use.

Every validation rule for a single actor or tie lives here, in the pydantic
models; rules that need the whole graph (a tie's ends must exist, ids must be
unique within a file) live in :mod:`graphsvc.ingest.validate`. Readers,
stores and the web API all build these models, so the rules hold everywhere.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

import pycountry
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from .errors import Problem

__all__ = [
    "ACTOR_KINDS",
    "CIVIL_SOCIETY_KINDS",
    "TIE_KINDS",
    "TieKind",
    "DIRECTED_TIE_KINDS",
    "TIE_SUBTYPES",
    "PHASES",
    "ISSUE_AREAS",
    "POPULATIONS",
    "ROLES",
    "PROVENANCES",
    "VISIBILITIES",
    "MAX_AMOUNT",
    "Actor",
    "Tie",
    "Evidence",
    "tie_id",
    "Introduction",
    "INTRODUCTION_STATUSES",
    "LEVELS",
    "POLICYMAKER_SIDES",
    "is_policymaker",
    "check_languages",
    "policymaker_target",
    "check_policymakers",
    "is_funder",
    "is_civil_society",
    "validation_problems",
    "check_text",
    "MULTILINE_FIELDS",
    "EVENT_KINDS",
    "PARTICIPANT_ROLES",
    "GROUP_KINDS",
    "MEMBER_ROLES",
    "Participant",
    "Event",
    "EventPlan",
    "Member",
    "Group",
    "SURVEY_LANGUAGES",
    "QUESTION_TYPES",
    "BARRIERS",
    "WANTED_TIES",
    "WORK_LANGUAGES",
    "STANDARD_QUESTIONS",
    "FREQUENCIES",
    "STRENGTHS",
    "MAX_ROSTER",
    "MAX_QUESTIONS",
    "SCALE_MAX",
    "SurveyQuestion",
    "Survey",
    "RosterEntry",
    "SurveyAnswers",
    "check_answers",
]

# --- vocabularies -----------------------------------------------------------
# Each maps the stored value to a short English description; the import
# readers also accept Spanish synonyms (graphsvc.ingest.columns).

ACTOR_KINDS: dict[str, str] = {
    "cso": "Civil-society organization or NGO (Mexican, US, Central American)",
    "shelter": "Shelter or migrant house (albergue, casa del migrante)",
    "faith_based": "Faith-based organization or network",
    "migrant_led": "Migrant-led organization or collective",
    "network": "Coalition, network, forum or regional process (e.g. RROCM, MIRPS)",
    "international_org": "International organization (e.g. UNHCR, IOM, OAS)",
    "government": "Government body at any level: federal, state or municipal",
    "official": "Individual official or legislator",
    "funder": "Funder: foundation, donor agency, private-sector fund",
    "academia": "University, research centre or think tank",
    "business": "Business or business association",
    "individual": "Other individual (facilitator, researcher, defender)",
}

#: The kinds counted as civil society in the cross-border indicators.
CIVIL_SOCIETY_KINDS = frozenset({"cso", "shelter", "faith_based", "migrant_led"})

TIE_KINDS: dict[str, str] = {
    "formal": "Project agreement, MoU, implementing partnership, coalition "
    "membership, board seat, employment or affiliation (undirected)",
    "informal": "Met at a workshop or conference, information sharing, advice "
    "(undirected)",
    "funding": "Money from funder (source) to recipient (target) (directed)",
}
DIRECTED_TIE_KINDS = frozenset({"funding"})

#: Suggested subtypes; other lowercase labels are accepted.
TIE_SUBTYPES: dict[str, tuple[str, ...]] = {
    "formal": ("project_agreement", "mou", "implementing_partner", "coalition",
               "board", "employment", "affiliation"),
    "informal": ("workshop", "conference", "information_sharing", "advice",
                 "introduction"),
    "funding": ("grant", "contract", "in_kind"),
}

PHASES: dict[str, str] = {
    "humanitarian": "Immediate humanitarian aid",
    "short_medium_term": "Services in the short and medium term",
    "long_term": "Long-term livelihoods and governance",
}

#: Suggested issue areas; other lowercase labels are accepted.
ISSUE_AREAS: tuple[str, ...] = (
    "legal_aid", "shelter", "health", "mental_health", "documentation",
    "employment", "education", "housing", "advocacy", "litigation",
    "monitoring", "protection", "integration", "research", "funding",
)

#: Suggested populations; other lowercase labels are accepted.
POPULATIONS: tuple[str, ...] = (
    "central_americans", "haitians", "venezuelans", "cubans", "mexicans",
    "deportees", "idps", "asylum_seekers", "refugees", "children", "women",
    "lgbtq", "indigenous", "families",
)

ROLES: dict[str, str] = {
    "funder": "Gives money to others (whatever its kind)",
    "policymaker": "Makes or shapes public policy (whatever its kind)",
}

#: The level of government of a government body or official (optional).
LEVELS: dict[str, str] = {
    "federal": "Federal (national) government",
    "state": "State government (estatal)",
    "municipal": "Municipal government",
    "legislative": "Legislature or legislator (federal or state congress)",
}

#: Which policymakers a query targets: by the policymaker's country.
POLICYMAKER_SIDES: dict[str, str] = {
    "US": "US policymakers",
    "MX": "Mexican policymakers",
    "other": "Policymakers of other countries (neither US nor Mexico) and international",
    "all": "Every policymaker",
}

PROVENANCES: dict[str, str] = {
    "survey": "A survey response",
    "workshop": "A workshop directory or attendance list",
    "public_report": "A published report",
    "facilitator_note": "A facilitator's note",
    "introduction": "An introduction recorded as made",
    "import": "An imported file with no more specific source",
    "illustrative": "The illustrative network: invented, not fact",
}

VISIBILITIES: dict[str, str] = {
    "public": "May be shown to anyone allowed to see the graph",
    "restricted": "Only for analysts, editors and admins",
}

#: The largest funding amount a tie may carry, in any currency: 10^15, a
#: thousand times the largest yearly grant budgets in pesos (and far above any
#: in dollars), so a typo of extra digits or an exponent (1e35) is refused
#: while currencies with large units (COP, VES) still fit.
MAX_AMOUNT = 1e15

# --- field types ------------------------------------------------------------

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,127}$")
_LABEL_RE = re.compile(r"^[a-z0-9][a-z0-9_]*$")

ActorId = Annotated[str, Field(min_length=1, max_length=128)]
#: The kinds of tie (:data:`TIE_KINDS`), as a type.
TieKind = Literal["formal", "informal", "funding"]


def _check_id(value: str) -> str:
    if not _ID_RE.match(value):
        raise ValueError(
            "must start with a letter or digit and use only letters, digits, "
            "'_', '.', ':' or '-' (at most 128 characters)"
        )
    return value


def _label(value: str) -> str:
    """Normalise a free vocabulary label: 'Legal aid' -> 'legal_aid'."""
    out = re.sub(r"[\s\-/]+", "_", value.strip().lower())
    if not _LABEL_RE.match(out):
        raise ValueError(f"'{value}' is not a label: use letters, digits and '_'")
    return out


def _check_country(value: str) -> str:
    code = value.strip().upper()
    if code == "INT":
        return code
    if len(code) == 2 and pycountry.countries.get(alpha_2=code) is not None:
        return code
    raise ValueError(
        f"'{value}' is not an ISO 3166 two-letter country code "
        "(MX, US, GT, ...) or INT for international"
    )


def _check_choice(value: str, vocabulary: dict, what: str) -> str:
    v = value.strip().lower()
    if v not in vocabulary:
        raise ValueError(
            f"unknown {what} '{value}': use one of {', '.join(sorted(vocabulary))}"
        )
    return v


Provenance = Annotated[str, AfterValidator(
    lambda v: _check_choice(v, PROVENANCES, "provenance"))]
Visibility = Annotated[str, AfterValidator(
    lambda v: _check_choice(v, VISIBILITIES, "visibility"))]


#: Characters no text field may hold: C0 and C1 control characters (NUL...),
#: lone surrogates and the non-characters U+FFFE and U+FFFF. XML cannot
#: carry them (a GraphML or GEXF export would not be well-formed), nor can
#: UTF-8 (surrogates), and spreadsheets mangle them. Tab, line feed and
#: carriage return are allowed in the free-text fields of :data:`MULTILINE_FIELDS`.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_CONTROL_MULTILINE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
                                "\ud800-\udfff\ufffe\uffff]")
#: Fields whose text may span lines (tabs and line breaks allowed).
MULTILINE_FIELDS = frozenset({"description", "note"})


def check_text(value: str, multiline: bool = False) -> str:
    r"""``value`` unchanged, or ValueError naming its first control character.

    Examples
    --------
    >>> check_text("Casa del Migrante")
    'Casa del Migrante'
    >>> check_text("Casa\x00del")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: contains a control character (U+0000) at position 5: remove it ...
    """
    bad = (_CONTROL_MULTILINE if multiline else _CONTROL).search(value)
    if bad:
        allowed = ("tabs and line breaks are allowed" if multiline
                   else "tabs and line breaks only in description and note")
        raise ValueError(f"contains a control character (U+{ord(bad.group()):04X}) at "
                         f"position {bad.start() + 1}: remove it ({allowed})")
    return value


class _Base(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True,
                              validate_assignment=True)

    @field_validator("*", mode="after")
    @classmethod
    def _text_is_text(cls, v, info):
        """Every text field, and every text in a list, holds no control
        characters (:func:`check_text`): so every export is well-formed."""
        multiline = info.field_name in MULTILINE_FIELDS
        if isinstance(v, str):
            return check_text(v, multiline)
        if isinstance(v, list):
            for x in v:
                if isinstance(x, str):
                    check_text(x, multiline)
        return v

    def to_record(self) -> dict:
        """Plain JSON-ready dict; dates as ISO strings, lists as lists."""
        return self.model_dump(mode="json")


class Actor(_Base):
    """An organization, body or person in the graph."""

    id: ActorId
    name: str = Field(min_length=1, max_length=300)
    kind: str
    country: str
    city: str | None = None
    region: str | None = None
    issue_areas: list[str] = Field(default_factory=list)
    populations: list[str] = Field(default_factory=list)
    phases: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    roles: list[str] = Field(default_factory=list)
    level: str | None = None
    description: str | None = Field(default=None, max_length=5000)
    website: str | None = None
    provenance: Provenance = "import"
    source_ref: str | None = None
    visibility: Visibility = "restricted"

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        return _check_id(v)

    @field_validator("kind")
    @classmethod
    def _kind(cls, v: str) -> str:
        return _check_choice(v, ACTOR_KINDS, "actor kind")

    @field_validator("country")
    @classmethod
    def _country(cls, v: str) -> str:
        return _check_country(v)

    @field_validator("issue_areas", "populations")
    @classmethod
    def _labels(cls, v: list[str]) -> list[str]:
        return _dedupe(_label(x) for x in v if x and x.strip())

    @field_validator("phases")
    @classmethod
    def _phases(cls, v: list[str]) -> list[str]:
        return _dedupe(_check_choice(x, PHASES, "migration phase") for x in v if x.strip())

    @field_validator("level")
    @classmethod
    def _level(cls, v: str | None) -> str | None:
        if v is None or not v.strip():
            return None
        return _check_choice(v, LEVELS, "level of government")

    @field_validator("roles")
    @classmethod
    def _roles(cls, v: list[str]) -> list[str]:
        return _dedupe(_check_choice(x, ROLES, "role") for x in v if x.strip())

    @field_validator("languages")
    @classmethod
    def _languages(cls, v: list[str]) -> list[str]:
        return check_languages(v)

    @field_validator("website")
    @classmethod
    def _website(cls, v: str | None) -> str | None:
        return _check_web_address(v) if v else None



_WEB_ADDRESS = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)


def _check_web_address(value: str) -> str:
    """An http:// or https:// address; anything else (javascript:, data:,
    file:, a bare name) is refused, so a stored link is safe to show."""
    scheme = value.split(":", 1)[0].strip().lower() if ":" in value else ""
    if scheme in ("javascript", "data", "vbscript", "file"):
        raise ValueError(f"{scheme}: addresses are refused: use an http:// or https:// "
                         "address")
    if not _WEB_ADDRESS.match(value):
        raise ValueError("must be an http:// or https:// address")
    return value


class Evidence(_Base):
    """One piece of evidence for a tie: where it is said, and what it says."""

    url: str | None = Field(default=None, max_length=2000)
    title: str | None = Field(default=None, max_length=300)
    date: dt.date | None = None
    note: str | None = Field(default=None, max_length=2000)

    @field_validator("url")
    @classmethod
    def _url(cls, v: str | None) -> str | None:
        return _check_web_address(v) if v else None

    @model_validator(mode="after")
    def _something(self) -> Evidence:
        if not (self.url or self.title):
            raise ValueError("evidence needs at least an address (url) or a title")
        return self


class Tie(_Base):
    """A tie between two actors.

    ``formal`` and ``informal`` ties are undirected; ``funding`` goes from the
    funder (``source``) to the recipient (``target``). Two actors may have
    several ties of different kinds; each is its own record with its own id.
    """

    id: str | None = Field(default=None, max_length=400)
    source: ActorId
    target: ActorId
    kind: TieKind
    subtype: str | None = None
    strength: float | None = Field(default=None, gt=0, le=1)
    amount: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    currency: str | None = None
    year: int | None = Field(default=None, ge=1900, le=2100)
    channel: list[str] = Field(default_factory=list)
    since: dt.date | None = None
    until: dt.date | None = None
    provenance: Provenance = "import"
    source_ref: str | None = None
    visibility: Visibility = "restricted"
    note: str | None = Field(default=None, max_length=5000)
    evidence: list[Evidence] = Field(default_factory=list, max_length=50)

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, v):
        if isinstance(v, str):
            return _check_choice(v, TIE_KINDS, "tie kind")
        return v

    @field_validator("source", "target")
    @classmethod
    def _ends(cls, v: str) -> str:
        return _check_id(v)

    @field_validator("subtype")
    @classmethod
    def _subtype(cls, v: str | None) -> str | None:
        return _label(v) if v else None

    @field_validator("amount")
    @classmethod
    def _amount(cls, v: float | None) -> float | None:
        if v is not None and v > MAX_AMOUNT:
            raise ValueError(f"'{v:g}' is above the largest amount accepted "
                             f"({MAX_AMOUNT:,.0f})")
        return v

    @field_validator("currency")
    @classmethod
    def _currency(cls, v: str | None) -> str | None:
        if not v:
            return None
        code = v.strip().upper()
        if pycountry.currencies.get(alpha_3=code) is None:
            raise ValueError(f"'{v}' is not an ISO 4217 currency code (USD, MXN, EUR, ...)")
        return code

    @field_validator("channel")
    @classmethod
    def _channel(cls, v: list[str]) -> list[str]:
        return [_check_id(x.strip()) for x in v if x and x.strip()]

    @model_validator(mode="after")
    def _whole(self) -> Tie:
        if self.source == self.target:
            raise ValueError("a tie needs two different actors (source equals target)")
        if self.kind != "funding" and (self.amount is not None or self.currency or self.channel):
            raise ValueError("amount, currency and channel belong to funding ties only")
        if self.amount is not None and not self.currency:
            raise ValueError("a funding amount needs its currency (USD, MXN, ...)")
        if self.since and self.until and self.until < self.since:
            raise ValueError("'until' is before 'since'")
        if self.id is None:
            # Assign through __dict__ so validate_assignment does not re-enter.
            self.__dict__["id"] = tie_id(self.source, self.target, self.kind,
                                         self.subtype, self.year)
        return self

    @property
    def directed(self) -> bool:
        return self.kind in DIRECTED_TIE_KINDS


def tie_id(source: str, target: str, kind: str, subtype: str | None = None,
           year: int | None = None) -> str:
    """The id a tie gets when its input gives none.

    Stable across imports, so re-importing the same row updates the same tie:
    undirected ties sort their ends; funding keeps funder -> recipient and adds
    the year, so yearly grants between one pair stay distinct.
    """
    if kind in DIRECTED_TIE_KINDS:
        ends = f"{source}->{target}"
    else:
        a, b = sorted((source, target))
        ends = f"{a}--{b}"
    parts = [kind, ends]
    if subtype:
        parts.append(subtype)
    if kind in DIRECTED_TIE_KINDS and year is not None:
        parts.append(str(year))
    return ":".join(parts)


def _dedupe(items) -> list:
    seen, out = set(), []
    for x in items:
        if x not in seen:
            seen.add(x)
            out.append(x)
    return out


# --- predicates over node attributes (used by queries on a snapshot) --------

def check_languages(values) -> list[str]:
    """Working languages as stored: ISO 639 codes, lowercase, blanks and
    repeats dropped; ``ValueError`` names the first that is not a code.

    >>> check_languages([" ES", "en", "", "es"])
    ['es', 'en']
    """
    out = []
    for x in values:
        code = x.strip().lower()
        if not code:
            continue
        if not re.fullmatch(r"[a-z]{2,3}", code):
            raise ValueError(f"'{x}' is not an ISO 639 language code (es, en, ht, ...)")
        out.append(code)
    return _dedupe(out)


def is_policymaker(attrs: dict) -> bool:
    """Government bodies, officials and anyone holding the policymaker role."""
    return attrs.get("kind") in ("government", "official") or "policymaker" in (
        attrs.get("roles") or ())


def check_policymakers(side: str | None = "US",
                       level: str | None = None) -> tuple[str, str | None]:
    """``(side, level)`` checked and written as stored (``mx`` -> ``MX``,
    ``Municipal`` -> ``municipal``); ValueError naming the choices otherwise."""
    side = "US" if side is None or not str(side).strip() else str(side).strip()
    side = {"us": "US", "mx": "MX"}.get(side.lower(), side.lower())
    if side not in POLICYMAKER_SIDES:
        raise ValueError(f"unknown policymakers '{side}': use one of "
                         f"{', '.join(POLICYMAKER_SIDES)}")
    lv = _check_choice(level, LEVELS, "level of government") if level else None
    return side, lv


def policymaker_target(side: str | None = "US", level: str | None = None):
    """The policymakers a query targets, as a test on an actor's attributes.

    ``side`` is a key of :data:`POLICYMAKER_SIDES` (``US``, ``MX``,
    ``other``: any other country or international, ``all``); ``level``, when
    given, a key of :data:`LEVELS`: only policymakers with that level
    recorded count (an actor whose level is not recorded matches no level).
    Raises ValueError, naming the choices, for anything else.

    >>> pm = policymaker_target("MX", "municipal")
    >>> pm({"kind": "government", "country": "MX", "level": "municipal"})
    True
    >>> pm({"kind": "government", "country": "MX"})
    False
    """
    side, lv = check_policymakers(side, level)

    def test(attrs: dict) -> bool:
        if not is_policymaker(attrs):
            return False
        country = attrs.get("country")
        if side in ("US", "MX") and country != side:
            return False
        if side == "other" and country in ("US", "MX"):
            return False
        return lv is None or attrs.get("level") == lv

    return test


def is_funder(attrs: dict) -> bool:
    return attrs.get("kind") == "funder" or "funder" in (attrs.get("roles") or ())


def is_civil_society(attrs: dict) -> bool:
    return attrs.get("kind") in CIVIL_SOCIETY_KINDS


INTRODUCTION_STATUSES: dict[str, str] = {
    "proposed": "Suggested to the parties, not yet acted on",
    "made": "The introduction happened; it becomes an informal tie",
    "declined": "One side declined; never suggested again",
}


class Introduction(_Base):
    """A facilitator's record of an introduction between two actors."""

    source: ActorId
    target: ActorId
    via: ActorId | None = None
    status: str
    note: str | None = Field(default=None, max_length=5000)
    recorded_at: dt.datetime | None = None

    @field_validator("source", "target", "via")
    @classmethod
    def _ids(cls, v):
        return _check_id(v) if v else v

    @field_validator("status")
    @classmethod
    def _status(cls, v: str) -> str:
        return _check_choice(v, INTRODUCTION_STATUSES, "introduction status")

    @model_validator(mode="after")
    def _whole(self) -> Introduction:
        if self.source == self.target:
            raise ValueError("an introduction needs two different actors")
        if self.via in (self.source, self.target):
            raise ValueError("the broker ('via') must be a third actor")
        if self.recorded_at is None:
            self.__dict__["recorded_at"] = dt.datetime.now(dt.UTC).replace(
                microsecond=0)
        return self

    @property
    def pair(self) -> tuple[str, str]:
        """The unordered pair, as a sorted tuple: introductions are mutual."""
        a, b = sorted((self.source, self.target))
        return a, b


# --- events and groups (two-mode records) ---------------------------------------

EVENT_KINDS: dict[str, str] = {
    "workshop": "Workshop (taller): a working meeting with a programme",
    "convening": "Convening, conference or forum (encuentro, foro)",
    "meeting": "Meeting (reunión) between a few actors",
    "visit": "Visit (visita) to a place, a border crossing or an office",
}

PARTICIPANT_ROLES: dict[str, str] = {
    "organiser": "Organised or convened the event",
    "speaker": "Spoke, presented or facilitated a session",
    "participant": "Took part",
}

GROUP_KINDS: dict[str, str] = {
    "working_group": "Working group (grupo de trabajo), e.g. of a task force",
    "coalition": "Coalition, alliance or network of organisations",
    "task_force": "Task force (grupo de tarea)",
    "regional_process": "Regional process (e.g. MIRPS, the Puebla Process)",
}

MEMBER_ROLES: dict[str, str] = {
    "chair": "Chairs, co-chairs or coordinates the group",
    "member": "Member",
    "observer": "Observer",
}

#: Participants an event may list, members a group may list: far above any
#: convening or coalition, so a pasted column of something else is refused.
MAX_PARTICIPANTS = 2000


class Participant(_Base):
    """One actor's attendance of an event, and the role it had there."""

    actor: ActorId
    role: str = "participant"

    @field_validator("actor")
    @classmethod
    def _actor(cls, v: str) -> str:
        return _check_id(v)

    @field_validator("role")
    @classmethod
    def _role(cls, v: str) -> str:
        return _check_choice(v, PARTICIPANT_ROLES, "participant role")


class EventPlan(_Base):
    """The invitation list a convening plan proposed for an event, kept with
    the event so that, once attendance is recorded, the plan can be compared
    with who came (``graphsvc convening plan --for-event``).

    ``invited`` lists each actor once; ``pairs`` are the pairs of invitees
    the plan expected to meet for the first time, each of two different
    invitees, listed once (in either order).
    """

    invited: list[ActorId] = Field(min_length=1, max_length=MAX_PARTICIPANTS)
    pairs: list[tuple[ActorId, ActorId]] = Field(default_factory=list,
                                                 max_length=MAX_PARTICIPANTS ** 2 // 2)
    planned_on: dt.date

    @field_validator("invited")
    @classmethod
    def _invited(cls, v: list[str]) -> list[str]:
        return [_check_id(x) for x in v]

    @model_validator(mode="after")
    def _whole(self) -> EventPlan:
        invited = set(self.invited)
        if len(invited) != len(self.invited):
            raise ValueError("an actor is listed twice among the invited")
        seen: set[tuple[str, str]] = set()
        pairs = []
        for a, b in self.pairs:
            pair = (min(a, b), max(a, b))
            if a == b or a not in invited or b not in invited:
                raise ValueError(f"the expected pair '{a}'-'{b}' is not of two invited "
                                 "actors")
            if pair in seen:
                raise ValueError(f"the expected pair '{a}'-'{b}' is listed twice")
            seen.add(pair)
            pairs.append(pair)
        self.__dict__["pairs"] = pairs
        return self


class Event(_Base):
    """A workshop, convening, meeting or visit, and who took part.

    Dates are checked like a tie's: ``end``, when given, is on or after
    ``start``. Each actor is listed once among the participants.
    """

    id: ActorId
    title: str = Field(min_length=1, max_length=300)
    kind: str
    start: dt.date
    end: dt.date | None = None
    city: str | None = None
    country: str | None = None
    issue_areas: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    participants: list[Participant] = Field(default_factory=list,
                                            max_length=MAX_PARTICIPANTS)
    provenance: Provenance = "import"
    source_ref: str | None = None
    visibility: Visibility = "restricted"
    note: str | None = Field(default=None, max_length=5000)
    plan: EventPlan | None = None

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        return _check_id(v)

    @field_validator("kind")
    @classmethod
    def _kind(cls, v: str) -> str:
        return _check_choice(v, EVENT_KINDS, "event kind")

    @field_validator("country")
    @classmethod
    def _country(cls, v: str | None) -> str | None:
        return _check_country(v) if v and v.strip() else None

    @field_validator("issue_areas")
    @classmethod
    def _labels(cls, v: list[str]) -> list[str]:
        return _dedupe(_label(x) for x in v if x and x.strip())

    @field_validator("languages")
    @classmethod
    def _languages(cls, v: list[str]) -> list[str]:
        return check_languages(v)

    @model_validator(mode="after")
    def _whole(self) -> Event:
        if self.end and self.end < self.start:
            raise ValueError("'end' is before 'start'")
        seen: set[str] = set()
        for p in self.participants:
            if p.actor in seen:
                raise ValueError(f"the actor '{p.actor}' is listed twice among the "
                                 "participants")
            seen.add(p.actor)
        return self

    @property
    def actor_ids(self) -> list[str]:
        return [p.actor for p in self.participants]


class Member(_Base):
    """One actor's membership of a group: its role, since and until when,
    and who may see it (a membership may be restricted in a public group)."""

    actor: ActorId
    role: str = "member"
    since: dt.date | None = None
    until: dt.date | None = None
    visibility: Visibility = "restricted"

    @field_validator("actor")
    @classmethod
    def _actor(cls, v: str) -> str:
        return _check_id(v)

    @field_validator("role")
    @classmethod
    def _role(cls, v: str) -> str:
        return _check_choice(v, MEMBER_ROLES, "member role")

    @model_validator(mode="after")
    def _whole(self) -> Member:
        if self.since and self.until and self.until < self.since:
            raise ValueError("'until' is before 'since'")
        return self


class Group(_Base):
    """A standing group (working group, coalition, task force, regional
    process) and its members over time. Each actor is listed once."""

    id: ActorId
    title: str = Field(min_length=1, max_length=300)
    kind: str
    issue_areas: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    members: list[Member] = Field(default_factory=list, max_length=MAX_PARTICIPANTS)
    provenance: Provenance = "import"
    source_ref: str | None = None
    visibility: Visibility = "restricted"
    note: str | None = Field(default=None, max_length=5000)

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        return _check_id(v)

    @field_validator("kind")
    @classmethod
    def _kind(cls, v: str) -> str:
        return _check_choice(v, GROUP_KINDS, "group kind")

    @field_validator("issue_areas")
    @classmethod
    def _labels(cls, v: list[str]) -> list[str]:
        return _dedupe(_label(x) for x in v if x and x.strip())

    @field_validator("languages")
    @classmethod
    def _languages(cls, v: list[str]) -> list[str]:
        return check_languages(v)

    @model_validator(mode="after")
    def _whole(self) -> Group:
        seen: set[str] = set()
        for m in self.members:
            if m.actor in seen:
                raise ValueError(f"the actor '{m.actor}' is listed twice among the "
                                 "members")
            seen.add(m.actor)
        return self

    @property
    def actor_ids(self) -> list[str]:
        return [m.actor for m in self.members]


# --- validation errors in plain words -----------------------------------------

# Whole-record rules in the models, and the field each is about.
_RULE_FIELDS = (
    ("source equals target", "target"),
    ("belong to funding ties only", "kind"),
    ("needs its currency", "currency"),
    ("'until' is before 'since'", "until"),
    ("broker", "via"),
    ("two different actors", "target"),
    ("'end' is before 'start'", "end"),
    ("among the participants", "participants"),
    ("among the members", "members"),
    ("among the invited", "plan"),
    ("expected pair", "plan"),
)


def _text(value) -> str:
    return "" if value is None else str(value)


def validation_problems(exc: ValidationError, names: dict[str, str] | None = None
                        ) -> list[Problem]:
    """pydantic's errors about one record as problems
    (:class:`~graphsvc.errors.Problem`): one per error, in plain words, at
    the field it is about (a whole-record rule names its field too), with the
    value given.

    ``names`` renames fields for the reader (``{"source": "from"}``). Where
    the record came from (file, row, column) and hints are the caller's.
    Every write that builds a model from user input (imports, recorded
    introductions) goes through here, so a problem reads the same wherever
    it is found.
    """
    out = []
    for err in exc.errors():
        loc = err.get("loc") or ()
        fld = str(loc[0]) if loc else None
        msg = err.get("msg", "")
        typ = err.get("type", "")
        value = err.get("input")
        if typ == "value_error":
            msg = msg.removeprefix("Value error, ")
            if fld is None:
                fld = next((f for key, f in _RULE_FIELDS if key in msg), None)
        elif typ == "missing":
            msg = f"missing {fld}"
            value = None
        elif typ in ("int_parsing", "int_from_float"):
            msg = f"'{_text(value)}' is not a whole number"
        elif typ == "float_parsing":
            msg = f"'{_text(value)}' is not a number"
        elif typ.startswith(("date", "datetime")):
            msg = f"'{_text(value)}' is not a date"
        elif msg.startswith("Input should be"):
            msg = f"'{_text(value)}' s{msg[7:]}"  # "should be greater than 0"
        elif typ == "string_too_long":
            msg = f"too long: {msg[0].lower()}{msg[1:]}"
        out.append(Problem(msg, field=(names or {}).get(fld, fld) if fld else None,
                           value=None if value is None or isinstance(value, dict)
                           else _text(value)))
    return out


# --- network surveys ------------------------------------------------------------
# The rules for a survey's design and for one organisation's answers: the
# design form, the API, the command line and the respondent's page all build
# these models, so a survey or an answer is checked the same way everywhere.

#: The languages a survey can be answered in (those the web pages speak).
SURVEY_LANGUAGES: dict[str, str] = {"es": "Spanish", "en": "English"}

#: Kinds of question: one choice, several choices, a 1-5 scale, free text.
QUESTION_TYPES: dict[str, str] = {
    "single": "One choice among the options",
    "multiple": "Any number of the options",
    "scale": "A number from 1 (strongly disagree) to 5 (strongly agree)",
    "text": "Free text",
}

#: The options of the 2021 survey's barrier questions.
BARRIERS: tuple[str, ...] = ("time", "resources", "introduction", "language", "context",
                             "commitment", "other")
#: Whom a respondent wants (more) ties with.
WANTED_TIES: tuple[str, ...] = ("us_organizations", "us_policymakers", "funders",
                                "mx_organizations", "mx_policymakers",
                                "international_orgs")
#: Languages an organisation works in (ISO 639 codes; ``indigenous`` for any
#: indigenous language of the region).
WORK_LANGUAGES: tuple[str, ...] = ("es", "en", "ht", "fr", "pt", "indigenous", "other")

#: The 2021 survey's standard questions, ready to include: id -> (type, options).
#: Their wording is the web app's (translated); the answers feed the survey's
#: figures (:mod:`graphsvc.surveys.results`).
STANDARD_QUESTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "helpful": ("scale", ()),
    "barriers_organizations": ("multiple", BARRIERS),
    "barriers_policymakers": ("single", BARRIERS),
    "wanted_ties": ("multiple", WANTED_TIES),
    "wanted_with_whom": ("text", ()),
    "languages": ("multiple", WORK_LANGUAGES),
}

#: How often two organisations work together (a roster answer).
FREQUENCIES: tuple[str, ...] = ("weekly", "monthly", "quarterly", "yearly", "rarely")
#: How strong a tie is, as the respondent says, and the tie strength it becomes.
STRENGTHS: dict[str, float] = {"weak": 0.33, "medium": 0.67, "strong": 1.0}
#: The most organisations one answer may name, and questions one survey may ask.
MAX_ROSTER = 100
MAX_QUESTIONS = 40
SCALE_MAX = 5


def _texts(value: dict[str, str], what: str, multiline: bool = False,
           limit: int = 300) -> dict[str, str]:
    out = {}
    for lang, text in value.items():
        if lang not in SURVEY_LANGUAGES:
            raise ValueError(f"unknown survey language '{lang}': use one of "
                             f"{', '.join(SURVEY_LANGUAGES)}")
        text = check_text(str(text).strip(), multiline)
        if len(text) > limit:
            raise ValueError(f"the {what} is too long ({len(text)} characters; at most "
                             f"{limit})")
        if text:
            out[lang] = text
    return out


class SurveyQuestion(_Base):
    """One question of a survey: a standard one of 2021 (by id) or a custom one.

    A custom question has its wording per language (``text``) and, for a
    choice, its options (each with its wording per language); its answers
    name options by number (``"1"``, ``"2"``, ...).
    """

    id: str = Field(min_length=1, max_length=40)
    type: Literal["single", "multiple", "scale", "text"]
    text: dict[str, str] = Field(default_factory=dict)
    options: list[dict[str, str]] = Field(default_factory=list, max_length=30)
    required: bool = False

    @field_validator("id")
    @classmethod
    def _qid(cls, v: str) -> str:
        return _label(v)

    @field_validator("text")
    @classmethod
    def _wording(cls, v: dict[str, str]) -> dict[str, str]:
        return _texts(v, "question", limit=500)

    @field_validator("options")
    @classmethod
    def _options(cls, v: list[dict[str, str]]) -> list[dict[str, str]]:
        return [_texts(o, "option", limit=200) for o in v]

    @model_validator(mode="after")
    def _whole(self) -> SurveyQuestion:
        standard = STANDARD_QUESTIONS.get(self.id)
        if standard is not None:
            if self.type != standard[0] or self.text or self.options:
                raise ValueError(f"'{self.id}' is a standard question: give only its id "
                                 "(its wording and options are the 2021 survey's)")
            return self
        if not self.text:
            raise ValueError(f"the question '{self.id}' needs its wording in at least "
                             "one language")
        if self.type in ("single", "multiple"):
            if len(self.options) < 2:
                raise ValueError(f"the question '{self.id}' needs at least two options")
            if any(not o for o in self.options):
                raise ValueError(f"an option of the question '{self.id}' has no wording")
        elif self.options:
            raise ValueError(f"only single and multiple choice questions have options "
                             f"('{self.id}' is {self.type})")
        return self

    @property
    def choices(self) -> tuple[str, ...]:
        """The values an answer may take (option codes), empty for scale and text."""
        standard = STANDARD_QUESTIONS.get(self.id)
        if standard is not None:
            return standard[1]
        return tuple(str(i + 1) for i in range(len(self.options)))


class Survey(_Base):
    """A network survey's design: what respondents see and when they may answer."""

    title: dict[str, str]
    intro: dict[str, str] = Field(default_factory=dict)
    languages: list[str] = Field(default_factory=lambda: ["es", "en"], min_length=1)
    opens: dt.date
    closes: dt.date
    roster: bool = True
    questions: list[SurveyQuestion] = Field(default_factory=list, max_length=MAX_QUESTIONS)

    @field_validator("title")
    @classmethod
    def _title(cls, v: dict[str, str]) -> dict[str, str]:
        out = _texts(v, "title", limit=200)
        if not out:
            raise ValueError("the survey needs a title")
        return out

    @field_validator("intro")
    @classmethod
    def _intro(cls, v: dict[str, str]) -> dict[str, str]:
        return _texts(v, "introduction", multiline=True, limit=5000)

    @field_validator("languages")
    @classmethod
    def _langs(cls, v: list[str]) -> list[str]:
        return _dedupe(_check_choice(x, SURVEY_LANGUAGES, "survey language") for x in v)

    @model_validator(mode="after")
    def _whole(self) -> Survey:
        if self.closes < self.opens:
            raise ValueError("the survey closes before it opens ('closes' is before "
                             "'opens')")
        ids = [q.id for q in self.questions]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"question ids must be unique: {', '.join(twice)}")
        return self

    def question(self, qid: str) -> SurveyQuestion | None:
        return next((q for q in self.questions if q.id == qid), None)


class RosterEntry(_Base):
    """One organisation a respondent works with: an actor picked from the
    public list (``actor``) or one not listed (``name``, and its ``country``
    when known), and how they work together."""

    actor: ActorId | None = None
    name: str | None = Field(default=None, max_length=300)
    country: str | None = None
    kind: TieKind
    direction: Literal["received", "gave"] | None = None
    since: int | None = Field(default=None, ge=1900, le=2100)
    frequency: str | None = None
    strength: str | None = None

    @field_validator("actor")
    @classmethod
    def _actor(cls, v: str | None) -> str | None:
        return _check_id(v) if v else None

    @field_validator("country")
    @classmethod
    def _rcountry(cls, v: str | None) -> str | None:
        return _check_country(v) if v else None

    @field_validator("frequency")
    @classmethod
    def _frequency(cls, v: str | None) -> str | None:
        return _check_choice(v, dict.fromkeys(FREQUENCIES), "frequency") if v else None

    @field_validator("strength")
    @classmethod
    def _strength(cls, v: str | None) -> str | None:
        return _check_choice(v, STRENGTHS, "strength") if v else None

    @model_validator(mode="after")
    def _whole(self) -> RosterEntry:
        if not self.actor and not self.name:
            raise ValueError("name the organisation: pick it from the list or write its "
                             "name")
        if self.direction and self.kind != "funding":
            raise ValueError("only funding has a direction (received or gave)")
        return self

    @property
    def key(self) -> str:
        """What the entry is about, stable across edits of its other fields:
        the organisation (its id, or its name as the duplicate check reads
        it) and the kind of tie."""
        from .duplicates import name_key

        who = self.actor or "new:" + name_key(self.name)
        return f"{who}|{self.kind}"


class SurveyAnswers(_Base):
    """One organisation's answers: the roster and the other questions."""

    roster: list[RosterEntry] = Field(default_factory=list, max_length=MAX_ROSTER)
    answers: dict[str, str | list[str]] = Field(default_factory=dict)

    @field_validator("answers")
    @classmethod
    def _answer_text(cls, v: dict[str, str | list[str]]) -> dict[str, str | list[str]]:
        out: dict[str, str | list[str]] = {}
        for qid, value in v.items():
            if isinstance(value, list):
                kept = _dedupe(check_text(str(x).strip()) for x in value if str(x).strip())
                if kept:
                    out[qid] = kept
            elif str(value).strip():
                text = check_text(str(value).strip(), multiline=True)
                if len(text) > 5000:
                    raise ValueError(f"the answer to '{qid}' is too long")
                out[qid] = text
        return out

    @model_validator(mode="after")
    def _entries(self) -> SurveyAnswers:
        keys = [e.key for e in self.roster]
        twice = sorted({k.split("|")[0].removeprefix("new:") for k in keys
                        if keys.count(k) > 1})
        if twice:
            raise ValueError(f"an organisation is named twice with the same kind of tie: "
                             f"{', '.join(twice)}")
        return self


def check_answers(survey: Survey, answers: SurveyAnswers, submit: bool = False
                  ) -> list[Problem]:
    """Problems of ``answers`` against ``survey``'s questions: an unknown
    question, a choice that is not an option, a scale out of 1-5, several
    choices for a single-choice question; with ``submit``, also a required
    question left blank. Empty when the answers may be saved (or submitted).

    >>> s = Survey(title={"en": "T"}, opens="2026-01-01", closes="2026-02-01",
    ...            questions=[SurveyQuestion(id="helpful", type="scale")])
    >>> [p.message for p in check_answers(s, SurveyAnswers(answers={"helpful": "9"}))]
    ["'9' is not on the scale from 1 to 5"]
    """
    out = []
    for qid, value in answers.answers.items():
        q = survey.question(qid)
        if q is None:
            out.append(Problem(f"no question '{qid}' in this survey", field=qid))
            continue
        values = value if isinstance(value, list) else [value]
        if q.type == "scale":
            if len(values) != 1 or values[0] not in {str(i) for i in range(1, SCALE_MAX + 1)}:
                out.append(Problem(f"'{', '.join(values)}' is not on the scale from 1 to "
                                   f"{SCALE_MAX}", field=qid, value=", ".join(values)))
        elif q.type in ("single", "multiple"):
            if q.type == "single" and len(values) > 1:
                out.append(Problem("choose one option only", field=qid))
            bad = [v for v in values if v not in q.choices]
            if bad:
                out.append(Problem(f"'{bad[0]}' is not an option of this question",
                                   field=qid, value=bad[0]))
        elif isinstance(value, list):
            out.append(Problem("write the answer as text", field=qid))
    if submit:
        out += [Problem("this question needs an answer", field=q.id)
                for q in survey.questions if q.required and q.id not in answers.answers]
    return out
