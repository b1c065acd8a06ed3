"""Sales performance: fiscal periods, KPI definitions and the actuals credited to people."""
