"""Many rows at once, without SQLAlchemy's per-row work: for imports of tens of thousands of rows.

Values are bound once per distinct value (`binder`) and the rows go to the driver as plain tuples in
one executemany (`insert_rows`), on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Column, Table
from sqlalchemy.engine import Connection


def insert_rows(
    connection: Connection, table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    """One executemany of plain DBAPI tuples: no per-row work by SQLAlchemy (values already bound)."""
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})"
    connection.exec_driver_sql(sql, rows)


def binder(connection: Connection, column: Column[Any]) -> Callable[[Any], Any]:
    """The DBAPI value for a value of `column` (e.g. a date as text on SQLite), memoised."""
    process = column.type.dialect_impl(connection.dialect).bind_processor(connection.dialect)
    memo: dict[Any, Any] = {None: None}

    def bind(value: Any) -> Any:
        if value not in memo:
            memo[value] = process(value) if process else value
        return memo[value]

    return bind
