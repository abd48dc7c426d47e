"""Storage: SQLAlchemy 2 models, Alembic migrations, SQLite by default and PostgreSQL by URL."""
