"""Automation rules at run time: triggers, conditions, actions, before and after commit."""
