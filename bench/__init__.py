"""Benchmarks: one module per benchmark, each with NAME, DESCRIPTION and run(quick) -> list[Result].

`python -m bench` runs them all, `python -m bench NAME…` some; figures are printed and appended to
bench/RESULTS.md with the machine they ran on. Benchmarks are not tests: no test asserts a timing.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Result:
    """One measured figure, with its target where the issue names one."""

    metric: str
    value: float
    unit: str
    target: str = ""
    ok: bool | None = None
    note: str = ""
