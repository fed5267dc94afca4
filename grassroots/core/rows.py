"""The one bulk writer: many rows of a table, or a row and the rows that point at it.

`BulkRows` writes many rows of one model set-based inside the current
transaction: COPY (psycopg 3 `cursor.copy`) on PostgreSQL, `executemany` on
SQLite, never one ORM save per row. `reserve_ids` hands out primary keys before
writing so that child rows can point at parents without reading ids back. Used
by the grid import, the demo loader and the synthetic-data generator.

`insert_family` inserts a row and the rows that point at it, atomically, in one
round trip. For hot write paths (filing a case writes the case, its first timeline event
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

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import IntegrityError, connection, models, transaction

from grassroots.core import auditmac, clock

# How a child refers to the parent: its foreign key column, or a text column
# holding the parent's id (the audit log's object_id).
FK = "fk"
TEXT = "text"

_SQL: dict[tuple[Any, ...], str] = {}


def _column(field: models.Field) -> str:
    """The field's column name (always set on a concrete field)."""
    return str(field.column)


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


def literal(value: Any) -> str | None:
    """The SQL literal written for a common constant (NULL, empty text, 0, a boolean), else
    None: the value is passed as a parameter."""
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

    parent_cols = [qn(_column(f)) for f in _fields(parent)]
    parent_pk = f"p.{qn(_column(parent._meta.pk))}"
    if not children:
        sql = _SQL[key] = (
            f"INSERT INTO {qn(parent._meta.db_table)} ({', '.join(parent_cols)}) "  # noqa: S608 - quoted model identifiers; values are parameters or fixed literals
            f"VALUES ({', '.join(value() for _ in parent_cols)}) "
            f"RETURNING {qn(_column(parent._meta.pk))}"
        )
        return sql
    parts = [
        f"p AS (INSERT INTO {qn(parent._meta.db_table)} ({', '.join(parent_cols)}) "  # noqa: S608 - quoted model identifiers; values are parameters or fixed literals
        f"VALUES ({', '.join(value() for _ in parent_cols)}) "
        f"RETURNING {qn(_column(parent._meta.pk))})"
    ]
    for i, (model, attname, how) in enumerate(children):
        cols, exprs = [], []
        for f in _fields(model):
            cols.append(qn(_column(f)))
            if f.attname == attname:
                exprs.append(f"CAST({parent_pk} AS text)" if how == TEXT else parent_pk)
            else:
                exprs.append(value())
        parts.append(
            f"c{i} AS (INSERT INTO {qn(model._meta.db_table)} ({', '.join(cols)}) "  # noqa: S608 - quoted model identifiers; values are parameters or fixed literals
            f"SELECT {', '.join(exprs)} FROM p RETURNING {qn(_column(model._meta.pk))})"
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
    for child, attname, how in children:
        if how == TEXT:
            # The id is the database's to fill: an audit row's MAC covers this marker
            # until the sealer completes it (core.auditmac.LINKED, decision 0015).
            setattr(child, attname, auditmac.LINKED)
        values += _values(child, _fields(type(child)), attname)
    shape = tuple(literal(v) for v in values)
    sql = _sql(type(parent), [(type(c), attname, how) for c, attname, how in children], shape)
    params = [v for v, literal in zip(values, shape, strict=True) if literal is None]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    _saved(parent, row[0])
    for (child, attname, how), pk in zip(children, row[1:], strict=True):
        setattr(child, attname, str(parent.pk) if how == TEXT else parent.pk)
        _saved(child, pk)


# --- many rows of one table ------------------------------------------------------

# SQLite's executemany is fed in chunks so a generator of rows never sits in memory whole.
_CHUNK = 20_000


class BulkRows:
    """Set-based writer of one table inside the current transaction.

    Rows give `columns` in order (include the primary key to set ids, e.g. from
    `reserve_ids`; leave it out to let the database number them). Every other
    field takes `constants[attname]`, else now for auto_now(_add) fields, else its
    default, converted for the database once. Row values go in as given (plain
    str, int, bool, None, date, datetime); no signals, no `pre_save`.
    """

    def __init__(
        self,
        model: type[models.Model],
        columns: Sequence[str],
        constants: dict[str, Any] | None = None,
    ) -> None:
        meta = model._meta
        fields = {f.attname: f for f in meta.concrete_fields}
        unknown = set(columns) - set(fields)
        if unknown:
            raise ValueError(f"{model.__name__}: unknown columns {sorted(unknown)}")
        self.model = model
        self.columns = list(columns)
        self.count = 0
        constants = constants or {}
        now = clock.now()
        rest = [f for f in meta.concrete_fields if f.attname not in columns and not f.primary_key]
        tail = []
        for f in rest:
            if f.attname in constants:
                value = constants[f.attname]
            elif getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False):
                value = now
            else:
                value = f.get_default()
            tail.append(f.get_db_prep_save(value, connection))
        self.tail = tuple(tail)
        quote = connection.ops.quote_name
        self.table = quote(meta.db_table)
        self.names = ", ".join(
            [quote(_column(fields[c])) for c in columns] + [quote(_column(f)) for f in rest]
        )
        self.width = len(columns) + len(rest)
        self.postgres = connection.vendor == "postgresql"
        # SQLite stores dates and datetimes as text: convert those columns (psycopg adapts them).
        self.converters = [None if self.postgres else _converter(fields[c]) for c in columns]

    def reserve_ids(self, n: int) -> list[int]:
        """n fresh primary keys, taken before writing so other rows can point at them."""
        if n <= 0:
            return []
        meta = self.model._meta
        with connection.cursor() as cursor:
            if self.postgres:
                # nextval in one statement: safe beside concurrent writers, no read-back.
                # The ids come back as their range when no other writer took one in between
                # (20,000 rows sent back cost ten times what the nextvals do), else whole.
                # The sequence is named first: nextval of a constant takes 5 ms for 20,000
                # ids, of pg_get_serial_sequence(…) (looked up again for each row) 45 ms.
                cursor.execute(
                    "SELECT pg_get_serial_sequence(%s, %s)", [meta.db_table, meta.pk.column]
                )
                sequence = cursor.fetchone()[0]
                cursor.execute(
                    "SELECT MIN(v), MAX(v), CASE WHEN MAX(v) - MIN(v) + 1 <> COUNT(*) "
                    "THEN ARRAY_AGG(v ORDER BY v) END FROM (SELECT nextval(%s::regclass) AS v "
                    "FROM generate_series(1, %s)) AS s",
                    [sequence, n],
                )
                low, high, scattered = cursor.fetchone()
                return list(scattered) if scattered is not None else list(range(low, high + 1))
            # SQLite: one writer at a time; a writer that committed since this read
            # makes our first write fail (busy snapshot), so ids never collide.
            # AUTOINCREMENT never reuses an id: start past max(id) and sqlite_sequence.
            pk = connection.ops.quote_name(_column(meta.pk))
            cursor.execute(
                f"SELECT MAX(x) FROM (SELECT MAX({pk}) AS x FROM {self.table} "  # noqa: S608 - quoted model identifiers
                "UNION ALL SELECT seq FROM sqlite_sequence WHERE name = %s)",
                [meta.db_table],
            )
            start = (cursor.fetchone()[0] or 0) + 1
        return list(range(start, start + n))

    def write(self, rows: Iterable[tuple[Any, ...]]) -> int:
        """Write the rows; returns how many (also added to `count`).

        `rows` may be a generator, consumed while the rows are copied: it must not
        query the database (a connection runs no other statement during a COPY).
        """
        tail = self.tail
        written = 0
        with connection.cursor() as cursor, connection.wrap_database_errors:
            if self.postgres:
                sql = f"COPY {self.table} ({self.names}) FROM STDIN"
                with cursor.cursor.copy(sql) as copy:
                    for row in rows:
                        copy.write_row(row + tail)
                        written += 1
                self.count += written
                return written
            if any(self.converters):
                rows = self._converted(rows)
            placeholders = ", ".join(["%s"] * self.width)
            sql = f"INSERT INTO {self.table} ({self.names}) VALUES ({placeholders})"  # noqa: S608 - quoted model identifiers; values are parameters
            batch: list[tuple[Any, ...]] = []
            for row in rows:
                batch.append(row + tail)
                if len(batch) >= _CHUNK:
                    cursor.executemany(sql, batch)
                    written += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                written += len(batch)
        self.count += written
        return written

    def _converted(self, rows: Iterable[tuple[Any, ...]]) -> Iterable[tuple[Any, ...]]:
        conv = self.converters
        for row in rows:
            yield tuple(c(v) if c else v for c, v in zip(conv, row, strict=True))


def _converter(f: models.Field) -> Callable[[Any], Any] | None:
    if isinstance(f, models.DateTimeField):
        return lambda v: None if v is None else connection.ops.adapt_datetimefield_value(v)
    if isinstance(f, models.DateField):
        return lambda v: None if v is None else v.isoformat()
    return None


# --- references checked once per parent, not once per row ------------------------------


def _may_skip_triggers() -> bool:
    """PostgreSQL lets this role set session_replication_role (a superuser, or from 15 on
    a role granted `SET ON PARAMETER session_replication_role`)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        if getattr(connection, "pg_version", 0) >= 150000:
            cursor.execute(
                "SELECT current_setting('is_superuser') = 'on' "
                "OR has_parameter_privilege('session_replication_role', 'SET')"
            )
        else:
            cursor.execute("SELECT current_setting('is_superuser') = 'on'")
        return bool(cursor.fetchone()[0])


def lock_parents(parents: Mapping[type[models.Model], Iterable[int]]) -> None:
    """Check that every referenced row exists and hold it (FOR KEY SHARE) until commit:
    what PostgreSQL's foreign-key trigger does for each inserted row, here once per
    distinct parent in one statement per table. IntegrityError names a missing one."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model, ids in parents.items():
            wanted = sorted(set(ids))
            if not wanted:
                continue
            meta = model._meta
            pk = connection.ops.quote_name(_column(meta.pk))
            cursor.execute(
                f"SELECT {pk} FROM {connection.ops.quote_name(meta.db_table)} "  # noqa: S608 - quoted model identifiers
                f"WHERE {pk} = ANY(%s) ORDER BY {pk} FOR KEY SHARE",
                [wanted],
            )
            missing = set(wanted).difference(row[0] for row in cursor.fetchall())
            if missing:
                raise IntegrityError(f"{meta.db_table}: no rows with ids {sorted(missing)[:10]}")


@contextmanager
def checked_references(parents: Mapping[type[models.Model], Iterable[int]]) -> Iterator[bool]:
    """Write rows whose references were checked set-based, without one trigger per row.

    Django makes every foreign key DEFERRABLE INITIALLY DEFERRED, so on PostgreSQL each
    copied row queues one check per key that runs at COMMIT (275–410 ms for a 20,000-row
    roster). Inside this block, when the role may, the rows skip those triggers
    (`session_replication_role = replica`, reset on leaving); `parents` — the rows
    outside the block's own writes that they point at — are checked and locked first
    by `lock_parents`. Every other reference must be to a row written in the same
    transaction with an id reserved for it (`BulkRows.reserve_ids`). Yields whether
    the triggers are skipped; elsewhere (SQLite, a role without the right) the
    constraints are checked as usual. Must run inside a transaction.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("checked_references needs a transaction")
    lock_parents(parents)
    if not _may_skip_triggers():
        yield False
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('session_replication_role')")
        before = cursor.fetchone()[0]
        cursor.execute("SET LOCAL session_replication_role = replica")
    yield True
    # On an error the rollback (of the transaction or savepoint) undoes the SET LOCAL.
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('session_replication_role', %s, true)", [before])


def next_id(model: type[models.Model]) -> int:
    """The first id past every existing row (for generators that number rows themselves)."""
    return (model._default_manager.aggregate(m=models.Max("pk"))["m"] or 0) + 1


def reset_sequences(models_: Iterable[type[models.Model]]) -> None:
    """After writing explicit ids: move PostgreSQL's sequences past them (SQLite needs nothing)."""
    if connection.vendor != "postgresql":
        return  # SQLite's rowid continues from max(id) by itself
    with connection.cursor() as cursor:
        for model in models_:
            meta = model._meta
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, %s), "  # noqa: S608 - quoted model identifiers
                f"(SELECT COALESCE(MAX({connection.ops.quote_name(_column(meta.pk))}), 1) "
                f"FROM {connection.ops.quote_name(meta.db_table)}))",
                [meta.db_table, meta.pk.column],
            )
