"""Publishing a revision: applying a migration plan and its data checks in one transaction."""
