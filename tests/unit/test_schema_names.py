"""The OpenAPI document names each body by its class name: two classes of one name in different
theme modules would be one component, and the typed client would give one route the other's
shape (issue 20 met it: a subscription's DeliveryOut beside the notifications')."""

import importlib
import pkgutil
from collections import defaultdict

from pydantic import BaseModel

import chalicelib.api.schemas as schemas


def test_every_body_class_has_a_name_of_its_own():
    where = defaultdict(list)
    for module_info in pkgutil.iter_modules(schemas.__path__):
        module = importlib.import_module(f"{schemas.__name__}.{module_info.name}")
        for name, value in vars(module).items():
            if isinstance(value, type) and issubclass(value, BaseModel) and value.__module__ == module.__name__:
                where[name].append(module_info.name)
    assert len(where) > 50  # the walk finds them
    assert {name: modules for name, modules in where.items() if len(modules) > 1} == {}
