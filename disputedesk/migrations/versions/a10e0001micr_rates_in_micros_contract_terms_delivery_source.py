"""rates in micros (converted exactly from cents), invoice line kinds, contract terms, delivery source

Revision ID: a10e0001micr
Revises: d9b6c6307b1c
Create Date: 2026-12-01 21:55:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a10e0001micr'
down_revision = 'd9b6c6307b1c'
branch_labels = None
depends_on = None

MICROS_PER_CENT = 10_000  # a cent is 10,000 micros: integer arithmetic, nothing rounded


def upgrade():
    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('billed_rate_micros', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('kind', sa.String(length=12), nullable=False, server_default='charge'))
    op.execute(f"UPDATE invoice_lines SET billed_rate_micros = billed_rate * {MICROS_PER_CENT}")
    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.alter_column('billed_rate_micros', existing_type=sa.BigInteger(), nullable=False)
        batch_op.alter_column('kind', existing_type=sa.String(length=12), server_default=None)
        batch_op.drop_column('billed_rate')

    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rate_micros', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('campaign_ref', sa.String(length=60), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('unit_kind', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('cap_units', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('cap_amount', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('makegood_units', sa.BigInteger(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('tolerance_bp', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('delivery_source', sa.String(length=12), nullable=False, server_default='first_party'))
    op.execute(f"UPDATE contracts SET rate_micros = rate * {MICROS_PER_CENT}")
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.alter_column('rate_micros', existing_type=sa.BigInteger(), nullable=False)
        for column, type_ in (('version', sa.Integer()), ('campaign_ref', sa.String(length=60)),
                              ('makegood_units', sa.BigInteger()), ('tolerance_bp', sa.Integer()),
                              ('delivery_source', sa.String(length=12))):
            batch_op.alter_column(column, existing_type=type_, server_default=None)
        batch_op.drop_constraint('uq_contracts_advertiser_id_reference_product', type_='unique')
        batch_op.create_unique_constraint(
            'uq_contracts_line_version',
            ['advertiser_id', 'reference', 'version', 'product', 'campaign_ref'])
        batch_op.drop_column('rate')

    with op.batch_alter_table('delivery_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=12), nullable=False, server_default='first_party'))
        batch_op.add_column(sa.Column('external_ref', sa.String(length=80), nullable=True))
        batch_op.alter_column('source', existing_type=sa.String(length=12), server_default=None)
        batch_op.drop_constraint('uq_delivery_records_campaign_ref_period_start', type_='unique')
        batch_op.create_unique_constraint(
            'uq_delivery_records_row',
            ['campaign_ref', 'source', 'period_start', 'period_end'])
        batch_op.create_unique_constraint(batch_op.f('uq_delivery_records_external_ref'), ['external_ref'])


def downgrade():
    # Micros that are not whole cents cannot go back to cents exactly; refuse rather than round.
    for table, column in (('contracts', 'rate_micros'), ('invoice_lines', 'billed_rate_micros')):
        leftover = op.get_bind().scalar(sa.text(
            f"SELECT count(*) FROM {table} WHERE {column} % {MICROS_PER_CENT} <> 0"))
        if leftover:
            raise RuntimeError(f"{leftover} {table} rates are not whole cents; cannot downgrade")
    with op.batch_alter_table('delivery_records', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_delivery_records_external_ref'), type_='unique')
        batch_op.drop_constraint(
            'uq_delivery_records_row', type_='unique')
        batch_op.create_unique_constraint('uq_delivery_records_campaign_ref_period_start',
                                          ['campaign_ref', 'period_start'])
        batch_op.drop_column('external_ref')
        batch_op.drop_column('source')
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rate', sa.BigInteger(), nullable=True))
    op.execute(f"UPDATE contracts SET rate = rate_micros / {MICROS_PER_CENT}")
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.alter_column('rate', existing_type=sa.BigInteger(), nullable=False)
        batch_op.drop_constraint(
            'uq_contracts_line_version', type_='unique')
        batch_op.create_unique_constraint('uq_contracts_advertiser_id_reference_product',
                                          ['advertiser_id', 'reference', 'product'])
        for column in ('delivery_source', 'tolerance_bp', 'makegood_units', 'cap_amount',
                       'cap_units', 'unit_kind', 'campaign_ref', 'version', 'rate_micros'):
            batch_op.drop_column(column)
    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('billed_rate', sa.BigInteger(), nullable=True))
    op.execute(f"UPDATE invoice_lines SET billed_rate = billed_rate_micros / {MICROS_PER_CENT}")
    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.alter_column('billed_rate', existing_type=sa.BigInteger(), nullable=False)
        batch_op.drop_column('kind')
        batch_op.drop_column('billed_rate_micros')
