"""The commands of ``statusboard``; each module adds its own."""

from __future__ import annotations

import importlib
from types import ModuleType

import click

from adapters.commands import db, serving, smoke, tokens

#: Command modules that may not be there in every build; no other module is looked for.
OPTIONAL = (
    "adapters.commands.projections",
    "adapters.commands.seed",
    "adapters.commands.audit",
    "adapters.commands.release",
    "adapters.commands.schedules",
)


def register(group: click.Group) -> None:
    for module in (db, tokens, serving, smoke, *_optional()):
        _add(group, module)


def _optional() -> list[ModuleType]:
    found = []
    for name in OPTIONAL:
        try:
            found.append(importlib.import_module(name))
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
    return found


def _add(group: click.Group, module: ModuleType) -> None:
    """A module's ``register(group)``, or else its top-level click commands and groups."""
    register_module = getattr(module, "register", None)
    if callable(register_module):
        register_module(group)
        return
    found = [value for value in vars(module).values() if isinstance(value, click.Command)]
    nested = {
        id(command)
        for value in found
        if isinstance(value, click.Group)
        for command in value.commands.values()
    }
    for command in found:
        if id(command) not in nested:
            group.add_command(command)
