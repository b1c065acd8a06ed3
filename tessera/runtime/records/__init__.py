"""The records service: writes, lists, counts, exports, history, references, roll-ups, shares."""
