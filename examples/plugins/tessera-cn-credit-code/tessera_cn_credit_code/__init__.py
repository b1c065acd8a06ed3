"""Tessera plugin: the ``cn_credit_code`` field type and the ``WORKDAYS`` formula function."""
