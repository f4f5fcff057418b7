"""The world the capacity replay runs in: the services built on the in-memory fakes
(tests/fakes) for their answers, each fake store mirrored onto its real DynamoDB store so that
every call a service makes is also made, recorded, on the real adapter (bench/capacity_capture.py);
a national office tree built as arrivals need its offices; staff holding every role the steps
need; subscriptions that every change is matched against.

Mirroring: a service calls the fake (which answers and keeps the state the next step reads) and
the same method, with the same arguments, on the real store — whose DynamoDB requests are
recorded and answered from the recorder's shadow, never sent. A real call that fails on the
shadow's thin answers (a read-then-write whose read found nothing) is counted in `misses`, and
what it had sent before failing is still recorded."""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable

from chalicelib.domain.org import Node
from chalicelib.domain.people import Grant, Principal, User

# The national tree (BPS/Kemendagri master data, 2024: 38 provinces, 514 kabupaten/kota,
# 7,277 kecamatan, 83,763 desa/kelurahan), rounded as the brief gives it.
PROVINCES, KOTA, KECAMATAN, KELURAHAN = 38, 514, 7_200, 83_000
ROOT = Node("root", "org", "Republik Indonesia", None, ("root",), ("org",))

# Fake store attribute → the real store's module and class (one per port the lifecycle uses).
MIRRORED = {
    "applications": ("chalicelib.adapters.dynamodb.applications", "DynamoApplicationStore"),
    "documents": ("chalicelib.adapters.dynamodb.documents", "DynamoDocumentStore"),
    "org": ("chalicelib.adapters.dynamodb.org", "DynamoOrgStore"),
    "outbox": ("chalicelib.adapters.dynamodb.outbox", "DynamoOutboxStore"),
    "notifications": ("chalicelib.adapters.dynamodb.notifications", "DynamoNotificationStore"),
    "users": ("chalicelib.adapters.dynamodb.users", "DynamoUserStore"),
    "pdfs": ("chalicelib.adapters.dynamodb.pdfs", "DynamoPdfStore"),
    "sends": ("chalicelib.adapters.dynamodb.send_log", "DynamoSendLogStore"),
    "subscriptions": ("chalicelib.adapters.dynamodb.subscriptions", "DynamoSubscriptionStore"),
    "throttles": ("chalicelib.adapters.dynamodb.throttles", "DynamoThrottleStore"),
    "budgets": ("chalicelib.adapters.dynamodb.budgets", "DynamoBudgetStore"),
}


def bind_models(table: str) -> None:
    """Point the models at a table name no AWS account holds; every request is recorded."""
    import os

    from chalicelib.adapters.dynamodb import models as m

    for name, value in (("AWS_ACCESS_KEY_ID", "replay"), ("AWS_SECRET_ACCESS_KEY", "replay")):
        os.environ.setdefault(name, value)
    m.bind(table, "ap-southeast-3", "http://127.0.0.1:9")


@dataclass
class Mirror:
    """Runs each mirrored call on the real store too, once: a fake that calls another mirrored
    method inside (its own helpers) is not mirrored twice."""

    misses: Counter = field(default_factory=Counter)
    depth: int = 0

    def wrap(self, fake_method: Callable, real_method: Callable, name: str) -> Callable:
        def mirrored(*args: Any, **kwargs: Any) -> Any:
            if self.depth == 0:
                self.depth += 1
                try:
                    real_method(*args, **kwargs)
                except Exception as error:  # noqa: BLE001 - the shadow's answers are thin; count it
                    self.misses[f"{name} ({type(error).__name__})"] += 1
                finally:
                    self.depth -= 1
            self.depth += 1
            try:
                return fake_method(*args, **kwargs)
            finally:
                self.depth -= 1
        return mirrored

    def attach(self, fakes: Any) -> None:
        import importlib

        for attribute, (module, class_name) in MIRRORED.items():
            fake = getattr(fakes, attribute)
            real = _built(getattr(importlib.import_module(module), class_name), fakes)
            for name in dir(type(real)):
                if name.startswith("_") or not callable(getattr(real, name)) or not hasattr(fake, name):
                    continue
                setattr(fake, name, self.wrap(getattr(fake, name), getattr(real, name), f"{attribute}.{name}"))


def _built(store_class: type, fakes: Any) -> Any:
    """A real store, given what its constructor asks for by name (the fakes' clock, …)."""
    import inspect

    known = {"clock": fakes.clock}
    wanted = {}
    for name, parameter in inspect.signature(store_class).parameters.items():
        if parameter.default is not inspect.Parameter.empty or parameter.kind in (parameter.VAR_POSITIONAL,
                                                                                  parameter.VAR_KEYWORD):
            continue
        if name not in known:
            raise TypeError(f"{store_class.__name__} wants {name!r}; give it in bench/capacity_world._built")
        wanted[name] = known[name]
    return store_class(**wanted)


# ---- the office tree -------------------------------------------------------------------------------

def _node(node_id: str, kind: str, parent: Node, region: str | None = None) -> Node:
    return Node(node_id, kind, node_id, parent.id, parent.path + (node_id,), parent.path_kinds + (kind,), region)


@functools.lru_cache(maxsize=None)
def province(number: int) -> Node:
    return _node(f"prov-{number:02d}", "province", ROOT)


@functools.lru_cache(maxsize=None)
def kota(number: int) -> Node:
    return _node(f"kota-{number:03d}", "kota", province(number * PROVINCES // KOTA))


@functools.lru_cache(maxsize=None)
def kecamatan(number: int) -> Node:
    return _node(f"kec-{number:04d}", "kecamatan", kota(number * KOTA // KECAMATAN))


@functools.lru_cache(maxsize=None)
def kelurahan(number: int) -> Node:
    return _node(f"kel-{number:05d}", "kelurahan", kecamatan(number * KECAMATAN // KELURAHAN))


@functools.lru_cache(maxsize=None)
def permit_desk(kota_number: int) -> Node:
    """A city's one-stop permit office (DPMPTSP): office → permits department → front desk."""
    office = _node(f"ptsp-{kota_number:03d}", "office", kota(kota_number))
    department = _node(f"ptsp-{kota_number:03d}-bidang", "department", office)
    return _node(f"ptsp-{kota_number:03d}-desk", "desk", department)


# Who works where: (role, kind of the office on the filing office's path that holds it).
CIVIL_STAFF = (("submitter", "kelurahan"), ("verifier", "kelurahan"), ("approver", "kecamatan"),
               ("approver", "kota"), ("viewer", "kota"))
PERMIT_STAFF = (("verifier", "desk"), ("verifier", "department"), ("approver", "office"))


@dataclass
class Offices:
    """Puts offices and their staff into the fakes the first time an arrival files there (with
    recording paused: the replay measures the hour, not the seeding)."""

    fakes: Any
    recorder: Any
    now: datetime
    known: set[str] = field(default_factory=set)
    staff: dict[tuple[str, str], Principal] = field(default_factory=dict)

    def ensure(self, office: Node, staff: tuple[tuple[str, str], ...]) -> None:
        if office.id in self.known:
            return
        counting, self.recorder.counting = self.recorder.counting, False
        try:
            for depth, node_id in enumerate(office.path):
                if node_id not in self.known:
                    self.fakes.org.add(Node(node_id, office.path_kinds[depth], node_id,
                                            office.path[depth - 1] if depth else None, office.path[:depth + 1],
                                            office.path_kinds[:depth + 1]))
                    self.known.add(node_id)
            for role, kind in staff:
                node_id = office.nearest(kind)
                if node_id is not None and (node_id, role) not in self.staff:
                    self.staff[(node_id, role)] = self.person(f"usr-{role}-{node_id}", Grant(role, node_id))
        finally:
            self.recorder.counting = counting

    def person(self, user_id: str, *grants: Grant) -> Principal:
        user = User(id=user_id, email=f"{user_id}@replay.example", name=user_id, language="id", status="active",
                    password_hash=None, created_at=self.now, grants=tuple(grants))
        self.fakes.users.create(user, None, grants)
        return Principal(user_id, user.email, user.name, "id", tuple(grants))

    def holder(self, office: Node, role: str, kind: str) -> Principal:
        return self.staff[(office.nearest(kind), role)]
