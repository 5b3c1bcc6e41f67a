"""The case registry: measured cases kept in a database (SQLite by default, or any SQL URL)."""
