"""The hottest SELECTs run on the DBAPI cursor, their SQL compiled once per statement.

Every authenticated GET by id runs two statements: the token with its user, directory
version and revision, and the record's SELECT with the reader's row condition. Both are
built once and reused (module constants, ``ComposedQueries``), yet SQLAlchemy's
``Connection.execute`` still works out, per execution, the statement's cache key and
its hash, an execution context, the bound parameters and a result object with its
metadata: about as much work as the rest of the request's runtime code.

``first(conn, statement, params)`` answers what ``conn.execute(statement,
params).mappings().first()`` answers (a dict here), from a ``Prepared`` form kept per
dialect and statement: the final SQL string (expanding ``IN`` lists rendered, as
SQLAlchemy renders them), the order and the bind processors of its parameters, and the
keys and result processors of its columns (taken from the first cursor's description,
as SQLAlchemy takes them). What stays the same:

- the statement runs through ``Connection._cursor_execute``: cursor events, echo
  logging, the dialect's ``do_execute`` hook, and a DBAPI error wrapped by SQLAlchemy,
  with disconnect detection and invalidation of the connection, exactly as
  ``execute`` does; so the runtime's fault translation (``connections.py``: unavailable
  or busy database -> 503) sees the errors it always saw;
- it runs in the connection's current transaction (the request scope's shared read, or
  a write); a connection without an active transaction, in a savepoint, or a statement
  this cannot reproduce (a parameter given per call that expands or renders literally,
  set-input-sizes dialects, schema translation) takes SQLAlchemy's own path;
- every value is converted by the same type processors SQLAlchemy would use.

Nothing about the answer is cached, only how to ask. Prepared forms are kept on the
dialect (an engine disposed of takes its forms along) and hold their statement, so its
id cannot be reused while cached.
"""

import threading

from sqlalchemy.engine.interfaces import BindTyping

#: The attribute of a dialect holding its prepared forms, {id(statement): Prepared or None}: they
#: live and die with the dialect (one per engine), and reading them costs one attribute lookup.
FORMS = "_tessera_prepared"
_LOCK = threading.Lock()
#: Statements kept per dialect before the cache starts over (statements are built once per
#: object, revision and row condition, so a process holds far fewer).
MAX_STATEMENTS = 4096


class Prepared:
    """One statement compiled for one dialect, with what its execution needs."""

    __slots__ = ("statement", "sql", "template", "slots", "sequence", "keys", "converters", "_lock")

    def __init__(self, statement, dialect, sql, names, values, processors, escaped, varying):
        self.statement = statement  # held, so id(statement) stays this statement's while cached
        self.sql = sql
        self.sequence = dialect.execute_sequence_format if dialect.positional else None
        keys = list(range(len(names))) if self.sequence is not None else [escaped.get(k, k) for k in names]
        # Values fixed by the statement are converted once; the varying ones on every call.
        self.template = [None] * len(names) if self.sequence is not None else {}
        self.slots = []
        for key, name in zip(keys, names):
            processor = processors.get(name)
            if name in varying:
                self.slots.append((key, name, processor))
            self.template[key] = values[name] if processor is None else processor(values[name])
        self.keys = None  # result keys and [(position, processor)], from the first cursor's description
        self.converters = None
        self._lock = threading.Lock()

    def arguments(self, params):
        """The DBAPI parameters for ``params`` (the values that vary per call)."""
        found = self.template.copy()
        for key, name, processor in self.slots:
            found[key] = params[name] if processor is None else processor(params[name])
        return found if self.sequence is None else self.sequence(found)

    def mapping(self, row, description, dialect):
        """The row as a dict keyed as SQLAlchemy's mappings are, each value type-processed."""
        if self.keys is None:
            self._columns(description, dialect)
        if self.converters:
            row = list(row)
            for position, processor in self.converters:
                row[position] = processor(row[position])
        return dict(zip(self.keys, row))

    def _columns(self, description, dialect):
        with self._lock:
            if self.keys is not None:
                return
            entries = self.statement.compile(dialect=dialect)._result_columns
            if len(entries) != len(description):
                raise RuntimeError("result columns do not match the cursor's description")
            processors = [entry.type.dialect_impl(dialect).result_processor(dialect, info[1])
                          for entry, info in zip(entries, description)]
            self.converters = [(i, p) for i, p in enumerate(processors) if p is not None]
            self.keys = [entry.keyname for entry in entries]


def first(conn, statement, params):
    """The first row of ``statement`` run with ``params`` on ``conn``, as a dict, or None."""
    prepared = _prepared(conn, statement, params)
    if prepared is None:
        row = conn.execute(statement, params).mappings().first()
        return None if row is None else dict(row)
    arguments = prepared.arguments(params)
    cursor = _cursor(conn, prepared.sql, arguments)
    try:
        conn._cursor_execute(cursor, prepared.sql, arguments)  # wraps and raises a DBAPI error itself
    except BaseException:
        _close_quietly(cursor)
        raise
    try:
        row = cursor.fetchone()
        description = cursor.description
    except BaseException as error:
        _close_quietly(cursor)
        conn._handle_dbapi_exception(error, prepared.sql, arguments, cursor, None)
        raise  # not reached: the call above raises
    cursor.close()
    return None if row is None else prepared.mapping(row, description, conn.dialect)


def _cursor(conn, sql, arguments):
    """A new DBAPI cursor of ``conn``; a DBAPI error wrapped (and a lost connection invalidated)
    by SQLAlchemy, as its own execute does when it cannot make one."""
    dbapi_connection = conn.connection  # raises SQLAlchemy's own errors (closed, invalidated)
    try:
        return dbapi_connection.cursor()
    except BaseException as error:
        conn._handle_dbapi_exception(error, sql, arguments, None, None)
        raise  # not reached: the call above raises


def _close_quietly(cursor):
    try:
        cursor.close()
    except Exception:  # noqa: BLE001 - the connection is failing; its own error is the one to raise
        pass


def _prepared(conn, statement, params):
    """The Prepared form of ``statement`` for ``conn``, or None when SQLAlchemy's own path must run."""
    transaction = conn.get_transaction()
    if transaction is None or not transaction.is_active or conn.in_nested_transaction():
        return None  # autobegin, or the refusal of an inactive transaction, is SQLAlchemy's to do
    dialect = conn.dialect
    forms = getattr(dialect, FORMS, None)
    if forms is None:
        with _LOCK:
            forms = dialect.__dict__.setdefault(FORMS, {})
    key = id(statement)
    found = forms.get(key, _MISSING)
    if found is _MISSING or (found is not None and found.statement is not statement):
        found = _prepare(statement, dialect, params)
        if len(forms) >= MAX_STATEMENTS:
            forms.clear()
        forms[key] = found
    return found


_MISSING = object()


def _prepare(statement, dialect, params):
    """Compile ``statement`` once; None when its execution needs more than this module does."""
    if dialect.bind_typing is BindTyping.SETINPUTSIZES:
        return None
    compiled = statement.compile(dialect=dialect)
    varying = set(params)
    late = {bind.key for bind in (*compiled.literal_execute_params, *compiled.post_compile_params)}
    if compiled.schema_translate_map or varying & late or any(b.callable for b in compiled.binds.values()):
        return None
    state = compiled.construct_expanded_state(params, escape_names=False)
    names = list(state.positiontup) if compiled.positional else list(state.parameters)
    processors = {**compiled._bind_processors, **state.processors}
    return Prepared(statement, dialect, state.statement, names, state.parameters, processors,
                    compiled.escaped_bind_names or {}, varying)
