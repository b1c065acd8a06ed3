"""Durable timers and the worker that fires them."""
