"""Service types: the catalog's data files, validated when loaded.

A service type is data reviewed like code (chalicelib/catalog/services/*.json). Each file holds
one type at one version; an application records the version it was filed under and keeps
following that version's steps even after a newer one is published (older versions stay in
the directory as `<id>@<version>.json`).

A field of type `asset` names a dam of the register by its id (`dam_…`; only in the `dam`
program, at most one a service): the dam must exist and be managed at the office the
application is filed at, an office above it (a permit desk serves the division managing the
dam) or below it, checked when the form is saved (services/asset_permits.py). The approval of a
dam permit (domain/assets.py PERMIT_MOVES) moves the dam it names to the permit's status, in
the approval's own transaction, and writes the move into the dam's history.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from chalicelib.domain.application_state import Application
from chalicelib.domain.errors import Conflict
from chalicelib.domain.messages import msg
from chalicelib.domain.people import DECIDER_ROLES, application_roles

CATALOG_DIR = Path(__file__).resolve().parent.parent / "catalog" / "services"

FieldType = Literal[
    "text", "long_text", "number", "money", "date", "nik", "npwp", "email", "phone", "choice", "boolean", "asset"
]
Program = Literal["dam", "civil-registry", "city-permit", "marketing-fee"]
# What the document scan knows how to check; anything else is refused when the catalog loads.
# Archives only where a requirement names application/zip.
DocumentType = Literal["application/pdf", "image/jpeg", "image/png", "application/zip"]
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_KIND = re.compile(r"^[a-z][a-z0-9_]{1,30}$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _slug(value: str, what: str, pattern: re.Pattern[str] = _NAME) -> str:
    if not pattern.match(value):
        raise ValueError(f"{what} are lower-case slugs (a-z, 0-9, _)")
    return value


class FieldSpec(_Strict):
    name: str
    label: str
    label_en: str
    type: FieldType
    required: bool
    options: list[str] | None = None
    help: str | None = None
    max_length: int | None = Field(None, gt=0, le=20000)
    min: float | None = None
    max: float | None = None
    # For dates: refuse a date after today (a birth or death cannot be in the future).
    not_future: bool = False
    # Personal data like a NIK (a family-card number, KK): sealed at rest, shown masked except
    # to those who decide on the application, never logged (SPEC.md, "NIK"). NIK fields always are.
    personal: bool = False

    _name_is_a_slug = field_validator("name")(lambda value: _slug(value, "field names"))

    @model_validator(mode="after")
    def _options_only_for_choices(self) -> "FieldSpec":
        if self.type == "choice" and not self.options:
            raise ValueError(f"choice field {self.name!r} needs options")
        if self.type != "choice" and self.options is not None:
            raise ValueError(f"only choice fields take options ({self.name!r} is {self.type})")
        if self.options is not None and len(set(self.options)) != len(self.options):
            raise ValueError(f"field {self.name!r} repeats an option")
        if self.not_future and self.type != "date":
            raise ValueError(f"not_future applies to dates only ({self.name!r})")
        return self


class DocumentSpec(_Strict):
    name: str
    label: str
    label_en: str
    content_types: list[DocumentType] = Field(min_length=1)
    max_bytes: int = Field(gt=0, le=MAX_DOCUMENT_BYTES)
    required: bool
    # Requirements lists set administrative papers (letters, IDs, permits held) apart from the
    # technical ones (drawings, studies, calculations) that reviewers assess.
    group: Literal["administrative", "technical"] = "administrative"

    _name_is_a_slug = field_validator("name")(lambda value: _slug(value, "document names"))


class StepSpec(_Strict):
    name: str
    label: str
    label_en: str
    role: str
    at_kind: str
    # Hours, in whole minutes: the civil registry's standard is two office hours for three steps.
    sla_hours: float = Field(gt=0, le=24 * 365)

    @field_validator("sla_hours")
    @classmethod
    def _whole_minutes(cls, value: float) -> float:
        if abs(value * 60 - round(value * 60)) > 1e-9:
            raise ValueError("an SLA is a whole number of minutes (e.g. 0.5 for 30 minutes)")
        return int(value) if float(value).is_integer() else value

    @field_validator("role")
    @classmethod
    def _role_decides(cls, value: str) -> str:
        if value not in DECIDER_ROLES:
            raise ValueError(f"a step is decided by one of {', '.join(DECIDER_ROLES)}")
        return value

    _kind_is_a_slug = field_validator("at_kind")(lambda value: _slug(value, "node kinds", _KIND))


class RegistryEvent(_Strict):
    """How an approved civil-registry report is told to the national registry: the event's
    type, the form field with the day it happened and the one with the person's NIK."""

    type: Literal["birth", "death", "move"]
    date_field: str
    nik_field: str


class OnApproval(_Strict):
    certificate: bool = False
    # On the certificate: whose name it is issued to (a form field; the applicant's name if
    # unset), the form fields it states, and the code in its number (00012/IMB/2026).
    certificate_holder_field: str | None = None
    certificate_facts: list[str] = []
    certificate_prefix: str | None = Field(default=None, pattern=r"^[A-Z0-9.-]{2,20}$")
    # Whose series numbers the certificate: 0, one series for the organisation per year
    # (00012/PBG/2026); d > 0, one per office at depth d of the application's path (the filing
    # office where the path is shorter), its id printed in the number (00012/PBG/kec-beji/2026).
    # Numbers given before a change stay valid: they keep their code and series; the new
    # series starts at 1 beside the old one.
    certificate_series_depth: int = Field(default=0, ge=0, le=5)
    registry_push: Literal["civil-registry", "finance-registry"] | None = None
    registry_event: RegistryEvent | None = None
    budget_posting: bool = False
    # A budget request: the approved amount is added to the filing office's budget of the month
    # (`for_month`) in its category, and to every budget above it (new money from the area).
    budget_grant: bool = False
    # A spending report's evidence may be removed by its office until the report is approved
    # (the marketing-fee access table); elsewhere only while a draft or returned.
    evidence_removable_until_approved: bool = False


class Monitoring(_Strict):
    """A dam's periodic monitoring report: the field naming its period (2026-11, 2026-Q4, 2026,
    as the dam's schedule says), and the terms of the obligations it meets (domain/obligations.py):
    days after a period ends that its report is due, days before that its operators are reminded."""

    period_field: str
    due_days_after_period: int = Field(30, ge=0, le=366)
    remind_days_before_due: int = Field(7, ge=0, le=366)

    @model_validator(mode="after")
    def _reminded_once_the_period_is_over(self) -> "Monitoring":
        # A report is on a period that has ended: a reminder before its end asks for the impossible.
        if self.remind_days_before_due > self.due_days_after_period:
            raise ValueError("remind_days_before_due must not exceed due_days_after_period: the operators "
                             "are reminded once the period is over, not before")
        return self


class Fee(_Strict):
    """What the applicant pays, as the service's requirements state it: free by law, a fixed
    amount, or a levy worked out later (amount null) as the note explains."""

    free: bool
    amount: int | None = Field(None, ge=0)
    note: str
    note_en: str
    # The revenue account (kd_akun) a fixed fee is booked to: with an amount, each approval
    # adds it to that day's revenue (penerimaan) pushed to the finance registry.
    account: str | None = Field(None, pattern=r"^[0-9]{6}$")

    @model_validator(mode="after")
    def _free_has_no_amount(self) -> "Fee":
        if self.free and self.amount:
            raise ValueError("a free service has no fee amount")
        return self


class ServiceType(_Strict):
    id: str
    program: Program
    name: str
    name_en: str
    description: str
    description_en: str
    version: int = Field(ge=1)
    # Who files it: the public (any verified account) or staff holding `submitter` at the node.
    filed_by: Literal["public", "staff"]
    node_kinds: list[str] = Field(min_length=1)
    fields: list[FieldSpec] = Field(min_length=1)
    documents: list[DocumentSpec]
    steps: list[StepSpec] = Field(min_length=1, max_length=10)
    on_approval: OnApproval = OnApproval()
    fee: Fee | None = None
    # The regulations library's entries its requirements rest on (ids); its public page lists them.
    cites: list[str] = Field([], max_length=20)
    # A dam's monitoring report: approved, it meets the dam's obligation for the period it names.
    monitoring: Monitoring | None = None

    @field_validator("id")
    @classmethod
    def _id_is_a_slug(cls, value: str) -> str:
        if not re.match(r"^[a-z][a-z0-9-]{2,60}$", value):
            raise ValueError("service ids are lower-case slugs (a-z, 0-9, -)")
        return value

    @model_validator(mode="after")
    def _names_are_unique(self) -> "ServiceType":
        for what, names in (
            ("field", [f.name for f in self.fields]),
            ("document", [d.name for d in self.documents]),
            ("step", [s.name for s in self.steps]),
        ):
            repeated = sorted({n for n in names if names.count(n) > 1})
            if repeated:
                raise ValueError(f"{what} names repeat: {', '.join(repeated)}")
        return self

    @model_validator(mode="after")
    def _certificate_names_form_fields(self) -> "ServiceType":
        named = [self.on_approval.certificate_holder_field or "", *self.on_approval.certificate_facts]
        unknown = [name for name in named if name and self.field(name) is None]
        if unknown:
            raise ValueError(f"the certificate names fields the form does not have: {', '.join(unknown)}")
        return self

    @model_validator(mode="after")
    def _registry_event_reads_required_date_and_nik(self) -> "ServiceType":
        event = self.on_approval.registry_event
        if self.on_approval.registry_push == "civil-registry" and event is None:
            raise ValueError("a civil-registry push needs on_approval.registry_event")
        if event is not None:
            date_spec, nik_spec = self.field(event.date_field), self.field(event.nik_field)
            if date_spec is None or date_spec.type != "date" or not date_spec.required:
                raise ValueError(f"registry_event.date_field {event.date_field!r} must be a required date field")
            if nik_spec is None or nik_spec.type != "nik" or not nik_spec.required:
                raise ValueError(f"registry_event.nik_field {event.nik_field!r} must be a required NIK field")
        return self

    @model_validator(mode="after")
    def _budget_posting_has_category_and_amount(self) -> "ServiceType":
        if self.on_approval.budget_posting:
            names = {f.name: f for f in self.fields}
            if names.get("category", None) is None or names["category"].type != "choice":
                raise ValueError("a budget-posting service needs a choice field 'category'")
            if names.get("amount", None) is None or names["amount"].type != "money":
                raise ValueError("a budget-posting service needs a money field 'amount'")
        return self

    @model_validator(mode="after")
    def _budget_grant_has_month_category_and_amount(self) -> "ServiceType":
        if self.on_approval.budget_grant:
            wanted = {"for_month": "date", "category": "choice", "amount": "money"}
            if any(self.field(name) is None or self.field(name).type != kind for name, kind in wanted.items()):  # type: ignore[union-attr]
                raise ValueError("a budget request needs a date 'for_month', a choice 'category' and money 'amount'")
        return self

    @model_validator(mode="after")
    def _asset_fields_name_dams(self) -> "ServiceType":
        assets = [f.name for f in self.fields if f.type == "asset"]
        if assets and self.program != "dam":
            raise ValueError("only dam services name a dam (asset fields)")
        if len(assets) > 1:
            raise ValueError(f"a service names at most one dam: {', '.join(assets)}")
        return self

    @model_validator(mode="after")
    def _monitoring_names_a_dam_and_a_period(self) -> "ServiceType":
        if self.monitoring is None:
            return self
        period = self.field(self.monitoring.period_field)
        if period is None or period.type != "text" or not period.required:
            raise ValueError(f"monitoring.period_field {self.monitoring.period_field!r} must be a required text field")
        if not any(f.type == "asset" and f.required for f in self.fields):
            raise ValueError("a monitoring report needs a required asset field (the dam it reports on)")
        return self

    @model_validator(mode="after")
    def _steps_name_roles_of_the_program(self) -> "ServiceType":
        readers = application_roles(self.program)
        strangers = sorted({step.role for step in self.steps if step.role not in readers})
        if strangers:
            raise ValueError(f"steps of a {self.program} service cannot be decided by {', '.join(strangers)}")
        return self

    def field(self, name: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.name == name), None)

    def step_at(self, number: int) -> StepSpec:
        """Steps are numbered from 1, as the API shows them."""
        return self.steps[number - 1]


class CatalogError(Exception):
    pass


class Catalog:
    """Every loaded service type, by id and version."""

    def __init__(self, services: list[ServiceType]) -> None:
        self._by_key: dict[tuple[str, int], ServiceType] = {}
        self._latest: dict[str, ServiceType] = {}
        for service in services:
            key = (service.id, service.version)
            if key in self._by_key:
                raise CatalogError(f"service {service.id} version {service.version} is defined twice")
            self._by_key[key] = service
            current = self._latest.get(service.id)
            if current is None or service.version > current.version:
                self._latest[service.id] = service

    def current(self) -> list[ServiceType]:
        return sorted(self._latest.values(), key=lambda s: (s.program, s.id))

    def latest(self, service_id: str) -> ServiceType | None:
        return self._latest.get(service_id)

    def version(self, service_id: str, version: int) -> ServiceType | None:
        return self._by_key.get((service_id, version))

    def service_of(self, app: Application) -> ServiceType | None:
        """The service type at the version the application was filed under (it keeps following
        that version after a newer one is published); None if a deployment dropped it."""
        return self.version(app.service_id, app.service_version)

    def require_service_of(self, app: Application) -> ServiceType:
        """As `service_of`, for a use case that cannot go on without the application's rules."""
        service = self.service_of(app)
        if service is None:
            # A deployment dropped a catalog version that applications still follow.
            raise Conflict(msg("service {service} version {version} is no longer in the catalog", service=app.service_id,
                               version=app.service_version))
        return service


def load_catalog(*directories: Path) -> Catalog:
    services = []
    problems = []
    paths = sorted(path for directory in (directories or (CATALOG_DIR,)) for path in directory.glob("*.json"))
    for path in paths:
        try:
            service = ServiceType.model_validate_json(path.read_text(encoding="utf-8"))
        except ValidationError as exc:
            problems.append(f"{path.name}: {exc}")
            continue
        expected_name = {f"{service.id}.json", f"{service.id}@{service.version}.json"}
        if path.name not in expected_name:
            problems.append(f"{path.name}: holds service {service.id} v{service.version}; name it {service.id}.json")
            continue
        services.append(service)
    if problems:
        raise CatalogError("the service catalog does not load:\n" + "\n".join(problems))
    return Catalog(services)


def service_as_dict(service: ServiceType) -> dict:
    return json.loads(service.model_dump_json())
