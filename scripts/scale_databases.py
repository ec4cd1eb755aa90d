"""Create the scale-out profile's PostgreSQL databases if they are missing.

python -m scripts.scale_databases assistant rasa
"""

import sys

import psycopg

ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres connect_timeout=5"


def main(names: list[str]) -> int:
    """Create each database of ``names`` that does not exist yet."""
    with psycopg.connect(ADMIN, autocommit=True) as admin:
        for name in names:
            if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                 (name,)).fetchone():
                admin.execute(f'CREATE DATABASE "{name}"')
                print(f"created database {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
