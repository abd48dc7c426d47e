"""Run benchmarks: `python -m bench [--quick] [NAME…]`; appends the figures to bench/RESULTS.md."""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

from rich.console import Console
from rich.table import Table

import bench
from bench import Result

RESULTS = Path(__file__).parent / "RESULTS.md"


def _modules() -> dict[str, ModuleType]:
    found = {}
    for info in pkgutil.iter_modules(bench.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"bench.{info.name}")
        if hasattr(module, "run"):
            found[getattr(module, "NAME", info.name)] = module
    return found


def _machine() -> str:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    cpu = (
        next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        )
        if Path("/proc/cpuinfo").exists()
        else platform.processor()
    )
    return (
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · commit {commit or '?'} · {cpu} · "
        f"{os.cpu_count()} cores · Python {platform.python_version()}"
    )


def _markdown(name: str, description: str, results: list[Result], seconds: float) -> str:
    lines = [
        f"### {name}",
        "",
        description,
        "",
        "| metric | value | unit | target | met |",
        "|---|---|---|---|---|",
    ]
    for r in results:
        met = "" if r.ok is None else ("yes" if r.ok else "**no**")
        value = f"{r.value:,.3f}" if abs(r.value) < 100 else f"{r.value:,.0f}"
        lines.append(
            f"| {r.metric} | {value} | {r.unit} | {r.target} | {met} |" + (f" {r.note}" if r.note else "")
        )
    lines.append(f"\n(ran {seconds:.0f} s)\n")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--quick", action="store_true", help="small sizes, to check a benchmark works")
    parser.add_argument("--no-write", action="store_true", help="do not append to RESULTS.md")
    args = parser.parse_args(argv)
    modules = _modules()
    unknown = [n for n in args.names if n not in modules]
    if unknown:
        sys.stderr.write(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(sorted(modules))}\n")
        return 2
    console = Console()
    sections = [f"## Run of {_machine()}" + (" (quick)" if args.quick else ""), ""]
    for name in args.names or sorted(modules):
        module = modules[name]
        started = time.perf_counter()
        results: list[Result] = module.run(quick=args.quick)
        seconds = time.perf_counter() - started
        table = Table("metric", "value", "unit", "target", "met", title=f"{name} ({seconds:.0f} s)")
        for r in results:
            table.add_row(
                r.metric,
                f"{r.value:,.3f}",
                r.unit,
                r.target,
                "" if r.ok is None else ("yes" if r.ok else "NO"),
            )
        console.print(table)
        sections.append(_markdown(name, getattr(module, "DESCRIPTION", ""), results, seconds))
    if not args.no_write:
        if not RESULTS.exists():
            RESULTS.write_text(
                "# Benchmark results\n\nAppended by `make bench` / `python -m bench`. "
                "Only ratios within one run are stable on shared machines.\n\n"
            )
        with RESULTS.open("a") as fh:
            fh.write("\n".join(sections) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
