"""Use cases of the status board: commands with their conflict policy, and audit queries."""
