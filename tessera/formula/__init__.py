"""Tessera's formula language: parse, type-check and compile formulas to Python and SQL.

This package is the lowest layer of Tessera: it depends only on the standard
library, lark and SQLAlchemy.
"""
from .cache import check_cached, clear_check_cache
from .checker import CONTEXTS, CheckedFormula, check
from .errors import Diagnostic, FormulaError, FormulaEvalError
from .functions import FunctionSpec, all_functions, register_function, unregister_function
from .pycompile import compile_python
from .sqlcompile import SqlCall, compile_sql
from .sqlfilter import compile_sql_filter
from .sqlite_functions import install_sqlite_functions
from .types import EvalEnv, FieldInfo, FormulaType, Scope, SqlBinder

__all__ = [
    "FormulaType", "FieldInfo", "Scope", "FormulaError", "FormulaEvalError", "Diagnostic",
    "CheckedFormula", "EvalEnv", "SqlBinder", "SqlCall", "check", "check_cached",
    "clear_check_cache", "compile_python", "compile_sql", "compile_sql_filter", "register_function", "unregister_function",
    "FunctionSpec", "all_functions", "install_sqlite_functions", "CONTEXTS",
]
