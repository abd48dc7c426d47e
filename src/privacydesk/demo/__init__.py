"""Synthetic demo data, made with a fixed seed so every demo looks the same.

Each module in this package defines `ORDER` (an int) and `seed(ctx)`; `seed_all` runs them in order.
"""

from __future__ import annotations

import importlib
import pkgutil
import random
from dataclasses import dataclass, field
from datetime import date
from types import ModuleType
from typing import Any

from sqlalchemy.orm import Session

from privacydesk.config import Settings
from privacydesk.register.model import Register

DEMO_SEED = 20261125


@dataclass
class DemoContext:
    """What a seeder gets: the open transaction, the register in force, a seeded random source."""

    session: Session
    settings: Settings
    register: Register
    today: date
    rng: random.Random = field(default_factory=lambda: random.Random(DEMO_SEED))
    actor: str = "system:demo"
    notes: list[str] = field(default_factory=list)
    shared: dict[str, Any] = field(default_factory=dict)


def _seeders() -> list[ModuleType]:
    modules = [importlib.import_module(f"{__name__}.{i.name}") for i in pkgutil.iter_modules(__path__)]
    return sorted(modules, key=lambda m: int(getattr(m, "ORDER", 100)))


def seed_all(ctx: DemoContext) -> list[str]:
    """Run every seeder; returns the lines to print for the person running the demo."""
    for module in _seeders():
        module.seed(ctx)
    return ctx.notes
