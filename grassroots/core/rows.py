"""Insert a row and the rows that point at it, atomically, in one round trip.

For hot write paths (filing a case writes the case, its first timeline event
and an audit row). On PostgreSQL the rows go in as one statement: a
data-modifying CTE inserts the parent, and each child is inserted from the
parent's new id; one statement is atomic on its own, so outside a transaction
it is one round trip with its commit. Elsewhere (SQLite, whose calls are
in-process) the rows are saved one by one inside `transaction.atomic()`.

Values go through each field's `pre_save` and `get_db_prep_save`, as in
`Model.save()`. The common constants of a new row (NULL, empty text, zero,
true and false) are written into the SQL as literals and the rest passed as
parameters: psycopg re-parses a statement with more than 50 parameters on
every call, and a new case has about 70 values, most of them such constants.
The SQL for each combination of models and constants is built once per process.
No signals are sent (none of the models written this way has receivers).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, models, transaction

# How a child refers to the parent: its foreign key column, or a text column
# holding the parent's id (the audit log's object_id).
FK = "fk"
TEXT = "text"

_SQL: dict[tuple[Any, ...], str] = {}


def _fields(model: type[models.Model]) -> list[models.Field]:
    """Every column written on insert: all but an auto-incremented key."""
    auto = model._meta.auto_field
    return [f for f in model._meta.concrete_fields if f is not auto]


# Values written into the SQL itself rather than passed as parameters, keyed
# by type as well (False == 0 and True == 1 in Python, not in SQL).
_LITERALS: dict[tuple[type, Any], str] = {
    (type(None), None): "NULL",
    (str, ""): "''",
    (int, 0): "0",
    (bool, True): "TRUE",
    (bool, False): "FALSE",
}


def _literal(value: Any) -> str | None:
    try:
        return _LITERALS.get((type(value), value))
    except TypeError:  # unhashable (a JSON adapter, say): a parameter
        return None


def _values(obj: models.Model, fields: list[models.Field], skip: str | None) -> list[Any]:
    return [
        f.get_db_prep_save(f.pre_save(obj, add=True), connection)
        for f in fields
        if f.attname != skip
    ]


def _sql(
    parent: type[models.Model],
    children: Sequence[tuple[type[models.Model], str, str]],
    shape: tuple[str | None, ...],
) -> str:
    """The statement; `shape` holds, per value in order, its literal or None (a parameter)."""
    key = (parent, *children, shape)
    sql = _SQL.get(key)
    if sql is not None:
        return sql
    qn: Callable[..., str] = connection.ops.quote_name  # columns are typed `str | None`
    slots = iter(shape)

    def value() -> str:
        literal = next(slots)
        return "%s" if literal is None else literal

    parent_cols = [qn(f.column) for f in _fields(parent)]
    parent_pk = f"p.{qn(parent._meta.pk.column)}"
    if not children:
        sql = _SQL[key] = (
            f"INSERT INTO {qn(parent._meta.db_table)} ({', '.join(parent_cols)}) "  # noqa: S608 - quoted model identifiers; values are parameters or fixed literals
            f"VALUES ({', '.join(value() for _ in parent_cols)}) "
            f"RETURNING {qn(parent._meta.pk.column)}"
        )
        return sql
    parts = [
        f"p AS (INSERT INTO {qn(parent._meta.db_table)} ({', '.join(parent_cols)}) "  # noqa: S608 - quoted model identifiers; values are parameters or fixed literals
        f"VALUES ({', '.join(value() for _ in parent_cols)}) "
        f"RETURNING {qn(parent._meta.pk.column)})"
    ]
    for i, (model, attname, how) in enumerate(children):
        cols, exprs = [], []
        for f in _fields(model):
            cols.append(qn(f.column))
            if f.attname == attname:
                exprs.append(f"CAST({parent_pk} AS text)" if how == TEXT else parent_pk)
            else:
                exprs.append(value())
        parts.append(
            f"c{i} AS (INSERT INTO {qn(model._meta.db_table)} ({', '.join(cols)}) "  # noqa: S608 - quoted model identifiers; values are parameters or fixed literals
            f"SELECT {', '.join(exprs)} FROM p RETURNING {qn(model._meta.pk.column)})"
        )
    ids = ", ".join([parent_pk] + [f"c{i}.*" for i in range(len(children))])
    froms = ", ".join(["p"] + [f"c{i}" for i in range(len(children))])
    sql = _SQL[key] = f"WITH {', '.join(parts)} SELECT {ids} FROM {froms}"  # noqa: S608 - quoted model identifiers; values are parameters or fixed literals
    return sql


def _saved(obj: models.Model, pk: Any) -> None:
    obj.pk = pk
    obj._state.adding = False
    obj._state.db = connection.alias


def insert_family(
    parent: models.Model, children: Sequence[tuple[models.Model, str, str]] = ()
) -> None:
    """Insert `parent`, then each child with its `attname` set to the parent's id.

    `children` are `(instance, attname, how)`: `how` is FK for a foreign key
    (`attname` like "case_id") or TEXT for a text column holding the id.
    Every instance comes back saved, with its primary key.
    """
    if connection.vendor != "postgresql":
        if not children:
            parent.save(force_insert=True)  # one statement: atomic on its own
            return
        with transaction.atomic(savepoint=False):
            parent.save(force_insert=True)
            for child, attname, how in children:
                setattr(child, attname, str(parent.pk) if how == TEXT else parent.pk)
                child.save(force_insert=True)
        return
    values = _values(parent, _fields(type(parent)), None)
    for child, attname, _how in children:
        values += _values(child, _fields(type(child)), attname)
    shape = tuple(_literal(v) for v in values)
    sql = _sql(type(parent), [(type(c), attname, how) for c, attname, how in children], shape)
    params = [v for v, literal in zip(values, shape, strict=True) if literal is None]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    _saved(parent, row[0])
    for (child, attname, how), pk in zip(children, row[1:], strict=True):
        setattr(child, attname, str(parent.pk) if how == TEXT else parent.pk)
        _saved(child, pk)
