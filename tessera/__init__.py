"""Tessera: a metadata-driven platform core for business applications."""
