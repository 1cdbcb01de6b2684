"""drop the account_id indexes of interactions and media

Each table's unique constraint begins with account_id, so its index already answers a lookup by
account; the second index only cost every insert (an ingest writes hundreds of thousands of
interaction rows). connections keeps its own: a scan of one account's connections in id order
(client overlap) reads it instead of sorting.

Revision ID: 0004
Revises: 0003
"""
from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_interactions_account_id", "interactions")
    op.drop_index("ix_media_account_id", "media")


def downgrade() -> None:
    op.create_index("ix_media_account_id", "media", ["account_id"])
    op.create_index("ix_interactions_account_id", "interactions", ["account_id"])
