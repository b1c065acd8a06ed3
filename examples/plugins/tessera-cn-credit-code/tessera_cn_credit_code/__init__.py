"""Tessera plugin: the ``cn_credit_code`` field type, the ``WORKDAYS`` formula function and the ``normalise_credit_code`` automation action."""
