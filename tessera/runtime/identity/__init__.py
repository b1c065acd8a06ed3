"""Users, teams, roles, assignments, tokens, sessions and login; who a context is."""
