"""Alembic migrations of the registry schema (``versions/``), run by ``registry.database``."""
