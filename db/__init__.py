"""The operator's database: SQLAlchemy models, sessions, migrations, demo data."""
