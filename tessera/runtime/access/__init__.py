"""The one place that decides what a context may do: rights, field security, row visibility."""
