"""Objects as tables: the runtime's system tables, columns, formulas bound to tables, the compiled model."""
