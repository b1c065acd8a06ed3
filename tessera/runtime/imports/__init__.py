"""Bulk import: CSV and Excel files into any object, as jobs with progress (docs/imports.md)."""
