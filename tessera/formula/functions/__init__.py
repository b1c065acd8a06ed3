"""The function library, registered family by family on import."""
from . import aggregate, change, date, logical, math, text  # noqa: F401 - registration
from .registry import FunctionSpec, TypeCall, ArgumentError, all_functions, lookup, register_function, \
    unregister_function

__all__ = ["FunctionSpec", "TypeCall", "ArgumentError", "all_functions", "lookup",
           "register_function", "unregister_function"]
