"""Read models built from the event log: board, stats and services, and what keeps them current."""
