from odoo import api, fields, models
from odoo.exceptions import AccessError


class CsArchiveReadLog(models.Model):
    """Who read the content of which archive entry, and when (R27). Append-only:
    the ORM refuses changes and a PostgreSQL trigger refuses UPDATE/DELETE. Rows
    are created only by the archive's read path (a cs.workflow.mixin grant in
    ``cs.archive.entry._cs_log_content_read``)."""

    _name = "cs.archive.read.log"
    _inherit = ["cs.workflow.mixin"]
    _description = "Customer-service archive read log"
    _order = "date desc, id desc"
    _log_access = False

    _cs_unlink_states = ()
    _cs_no_client_create = True

    entry_id = fields.Many2one(
        comodel_name="cs.archive.entry",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    company_id = fields.Many2one(
        comodel_name="res.company", required=True, readonly=True, index=True
    )
    partner_id = fields.Many2one(
        related="entry_id.partner_id", string="Customer", readonly=True
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Read by",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    access = fields.Selection(
        selection=[("read", "Read"), ("export", "Export")],
        required=True,
        readonly=True,
        default="read",
    )

    def init(self):
        self.env.cr.execute(
            """
            CREATE OR REPLACE FUNCTION cs_archive_read_log_guard() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'cs_archive: the archive read log is append-only'
                    USING ERRCODE = 'insufficient_privilege';
            END $$;
            CREATE OR REPLACE TRIGGER cs_archive_read_log_guard
                BEFORE UPDATE OR DELETE ON cs_archive_read_log
                FOR EACH ROW EXECUTE FUNCTION cs_archive_read_log_guard();
            CREATE OR REPLACE TRIGGER cs_archive_read_log_guard_truncate
                BEFORE TRUNCATE ON cs_archive_read_log
                FOR EACH STATEMENT EXECUTE FUNCTION cs_archive_read_log_guard();
            """
        )

    @api.model_create_multi
    def create(self, vals_list):
        if not self._cs_granted():
            raise AccessError(self.env._("The archive read log is written by Odoo."))
        return super().create(vals_list)

    def write(self, vals):
        self._cs_refuse_write()
        return super().write(vals)

    def _cs_refuse_write(self):
        raise AccessError(self.env._("The archive read log cannot be changed."))

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise AccessError(self.env._("The archive read log cannot be deleted."))
