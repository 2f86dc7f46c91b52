"""Use cases of the status board (``statusboard``), the conflict policy (``conflicts``), and the
machinery every command shares (``base``, ``loading``, ``idempotency``)."""
