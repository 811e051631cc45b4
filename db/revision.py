"""Write a new Alembic migration from the models (for whoever adds tables, e.g. tracking/).

    python -m db.revision "add tracking tables"

Autogenerates against a scratch SQLite database upgraded to the current head, into
db/migrations/versions/. Review the file (and `ruff format` it) before committing;
tests/test_db.py fails while models and migrations disagree, on SQLite and PostgreSQL.
"""

import sys
import tempfile
from pathlib import Path

from alembic import command

from db.engine import _alembic_config, make_engine, migrate


def main(message: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'scratch.sqlite'}")
        migrate(engine)
        cfg = _alembic_config(engine)
        command.revision(cfg, message=message, autogenerate=True)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit('usage: python -m db.revision "what changed"')
    main(sys.argv[1])
