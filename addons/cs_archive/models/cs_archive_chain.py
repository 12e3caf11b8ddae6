from odoo import fields, models

from .cs_archive_hashing import GENESIS_HASH


class CsArchiveChain(models.Model):
    """Head of the hash chain of one company: the row every archiving
    transaction locks (SELECT ... FOR UPDATE) so that sequences stay gapless."""

    _name = "cs.archive.chain"
    _description = "Customer-service archive chain head"
    _log_access = False

    company_id = fields.Many2one(
        comodel_name="res.company", required=True, readonly=True, ondelete="restrict"
    )
    last_sequence = fields.Integer(readonly=True, default=0)
    last_hash = fields.Char(readonly=True, default=GENESIS_HASH)

    _sql_constraints = [
        ("company_unique", "unique(company_id)", "One archive chain per company.")
    ]

    def init(self):
        # The head only moves forward, to an entry that exists with that hash;
        # it is never deleted.
        self.env.cr.execute(
            """
            CREATE OR REPLACE FUNCTION cs_archive_chain_guard() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP <> 'UPDATE' THEN
                    RAISE EXCEPTION 'cs_archive: a chain head cannot be deleted'
                        USING ERRCODE = 'insufficient_privilege';
                END IF;
                IF NEW.company_id IS DISTINCT FROM OLD.company_id
                   OR NEW.last_sequence < OLD.last_sequence
                   OR (NEW.last_sequence > 0 AND NOT EXISTS (
                        SELECT 1 FROM cs_archive_entry e
                         WHERE e.company_id = NEW.company_id
                           AND e.sequence = NEW.last_sequence
                           AND e.chain_hash = NEW.last_hash)) THEN
                    RAISE EXCEPTION 'cs_archive: the chain head of company % may only '
                        'move forward to an existing entry', OLD.company_id
                        USING ERRCODE = 'insufficient_privilege';
                END IF;
                RETURN NEW;
            END $$;
            CREATE OR REPLACE TRIGGER cs_archive_chain_guard
                BEFORE UPDATE OR DELETE ON cs_archive_chain
                FOR EACH ROW EXECUTE FUNCTION cs_archive_chain_guard();
            CREATE OR REPLACE TRIGGER cs_archive_chain_guard_truncate
                BEFORE TRUNCATE ON cs_archive_chain
                FOR EACH STATEMENT EXECUTE FUNCTION cs_archive_chain_guard();
            """
        )

    def _lock_heads(self, company_ids):
        """Create missing heads, then lock them in company order (no deadlock
        between two transactions archiving for several companies). Returns
        {company_id: (last_sequence, last_hash)}."""
        cr = self.env.cr
        company_ids = sorted(set(company_ids))
        cr.execute(
            """
            INSERT INTO cs_archive_chain (company_id, last_sequence, last_hash)
            SELECT c, 0, %s FROM unnest(%s::int[]) c
            ON CONFLICT (company_id) DO NOTHING
            """,
            [GENESIS_HASH, company_ids],
        )
        cr.execute(
            """
            SELECT company_id, last_sequence, last_hash FROM cs_archive_chain
             WHERE company_id = ANY(%s) ORDER BY company_id FOR UPDATE
            """,
            [company_ids],
        )
        return {row[0]: (row[1], row[2]) for row in cr.fetchall()}
