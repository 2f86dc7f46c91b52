"""`statusboard db` and `statusboard tokens`, run in process against each store."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskCliRunner

from adapters.runtime import EXTENSION
from adapters.tokens import TokenStore
from storage.sql import SqlStore


def issue(runner: FlaskCliRunner, name: str, role: str) -> tuple[int, str]:
    result = runner.invoke(args=["tokens", "create", "--name", name, "--role", role])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    return int(lines[0].split()[2]), lines[-1]


class TestDbInit:
    def test_init_creates_every_table_and_can_run_again(
        self, app: Flask, runner: FlaskCliRunner
    ) -> None:
        first = runner.invoke(args=["db", "init"])
        again = runner.invoke(args=["db", "init"])

        assert first.exit_code == 0, first.output
        assert again.exit_code == 0, again.output
        client = app.test_client()
        _, token = issue(runner, "desk", "viewer")
        response = client.get("/api/admin/services", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, response.json
        assert app.extensions[EXTENSION].components.board.head_position() == 0

    def test_init_does_not_print_the_database_password(self, runner: FlaskCliRunner) -> None:
        from adapters.commands.db import redacted

        assert redacted("postgresql://app:s3cret@db:5432/board") == (
            "postgresql://app:***@db:5432/board"
        )


class TestTokens:
    def test_a_token_is_printed_once_on_the_last_line_and_stored_as_a_hash(
        self, app: Flask, runner: FlaskCliRunner
    ) -> None:
        runner.invoke(args=["db", "init"])

        ident, token = issue(runner, "front desk", "staff")

        assert token.startswith("sb_") and len(token) > 40
        store = SqlStore.open(app.extensions[EXTENSION].settings.database_url)
        try:
            rows = store.fetchall("SELECT name, role, token_hash FROM api_tokens")
            assert TokenStore(store).principal(token) is not None
        finally:
            store.close()
        assert rows[0][:2] == ("front desk", "staff")
        assert token not in rows[0][2] and len(rows[0][2]) == 64
        listed = runner.invoke(args=["tokens", "list"]).output
        assert "front desk" in listed and token not in listed and str(ident) in listed

    def test_revoking_marks_the_token_and_a_second_revoke_fails(
        self, runner: FlaskCliRunner
    ) -> None:
        runner.invoke(args=["db", "init"])
        ident, _ = issue(runner, "temp", "viewer")

        revoked = runner.invoke(args=["tokens", "revoke", str(ident)])
        again = runner.invoke(args=["tokens", "revoke", str(ident)])

        assert revoked.exit_code == 0
        assert again.exit_code == 1 and "no active token" in again.output
        listed = runner.invoke(args=["tokens", "list"]).output.splitlines()
        line = next(row for row in listed if "temp" in row)
        assert not line.rstrip().endswith("-")

    def test_an_unknown_role_is_refused(self, runner: FlaskCliRunner) -> None:
        result = runner.invoke(args=["tokens", "create", "--name", "x", "--role", "root"])

        assert result.exit_code == 2 and "root" in result.output
