"""Field types at run time: how a value is loaded from input, checked and written out."""
