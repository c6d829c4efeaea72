"""award editions, entries, jurors, conflicts, assignments and scores

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 11:16:03.223898
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('awards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('award_editions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('award_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('rubric_id', sa.String(length=100), nullable=False),
    sa.Column('phase', sa.String(length=16), nullable=False),
    sa.Column('blind', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('results', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('results_csv', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['award_id'], ['awards.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('award_id', 'number', name='uq_edition_number')
    )
    op.create_table('award_categories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['edition_id'], ['award_editions.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('edition_id', 'name', name='uq_category_name')
    )
    op.create_table('award_jurors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('organisation', sa.String(length=300), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('invited_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['edition_id'], ['award_editions.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('edition_id', 'email', name='uq_juror_email')
    )
    op.create_table('award_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=16), nullable=False),
    sa.Column('practice_id', sa.String(length=40), nullable=False),
    sa.Column('practice_revision', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('submitted_by', sa.String(length=300), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('historic', sa.Boolean(), nullable=False),
    sa.Column('historic_total', sa.Double(), nullable=True),
    sa.Column('registration_no', sa.String(length=64), nullable=True),
    sa.Column('historic_outcome', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['category_id'], ['award_categories.id'], ),
    sa.ForeignKeyConstraint(['edition_id'], ['award_editions.id'], ),
    sa.ForeignKeyConstraint(['practice_id'], ['practices.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('edition_id', 'label', name='uq_entry_label'),
    sa.UniqueConstraint('edition_id', 'practice_id', name='uq_entry_practice')
    )
    op.create_table('award_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('juror_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['award_entries.id'], ),
    sa.ForeignKeyConstraint(['juror_id'], ['award_jurors.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('juror_id', 'entry_id', name='uq_assignment')
    )
    with op.batch_alter_table('award_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_award_assignments_entry_id'), ['entry_id'], unique=False)

    op.create_table('award_conflicts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('juror_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['award_entries.id'], ),
    sa.ForeignKeyConstraint(['juror_id'], ['award_jurors.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('juror_id', 'entry_id', 'kind', name='uq_conflict_kind')
    )
    op.create_table('award_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('criterion', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Double(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['award_assignments.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('assignment_id', 'criterion', name='uq_score_criterion')
    )
    op.create_table('award_score_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('score_id', sa.Integer(), nullable=False),
    sa.Column('changed_by', sa.String(length=320), nullable=False),
    sa.Column('via', sa.String(length=16), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('old_value', sa.String(length=32), nullable=True),
    sa.Column('new_value', sa.String(length=32), nullable=True),
    sa.Column('old_comment', sa.Text(), nullable=True),
    sa.Column('new_comment', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['score_id'], ['award_scores.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('award_score_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_award_score_changes_score_id'), ['score_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('award_score_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_award_score_changes_score_id'))

    op.drop_table('award_score_changes')
    op.drop_table('award_scores')
    op.drop_table('award_conflicts')
    with op.batch_alter_table('award_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_award_assignments_entry_id'))

    op.drop_table('award_assignments')
    op.drop_table('award_entries')
    op.drop_table('award_jurors')
    op.drop_table('award_categories')
    op.drop_table('award_editions')
    op.drop_table('awards')
