from dateutil.relativedelta import relativedelta

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, Query

# re-exported: the hashing functions used to live here (bench, older imports)
from .cs_archive_hashing import (  # noqa: F401
    CHAIN_COLUMNS,
    CONTENT_FIELDS,
    DISPOSABLE_COLUMNS,
    GENESIS_HASH,
    canonical_json,
    chain_input,
    field_hashes,
    sha256_hex,
    subject_hash,
)


class CsArchiveEntry(models.Model):
    """One frozen, hash-chained snapshot in a customer's service archive (档案).

    Entries are written only by :meth:`_archive` / :meth:`_archive_many` (a
    workflow grant of ``cs.workflow.mixin``, never a context key); nobody changes
    or deletes them through the ORM, and a PostgreSQL trigger refuses UPDATE and
    DELETE below it, except the disposal path (see ``cs.archive.disposal``)."""

    _name = "cs.archive.entry"
    _inherit = ["cs.workflow.mixin"]
    _description = "Customer-service archive entry"
    _order = "archive_date desc, sequence desc"
    _log_access = False

    # cs.workflow.mixin: created by the archive only, never changed nor deleted
    # through the ORM (the disposal blanks the content with the one SQL UPDATE the
    # database guard accepts)
    _cs_state_field = "state"
    _cs_frozen_states = ("archived", "disposed")
    _cs_unlink_states = ()
    _cs_no_client_create = True

    name = fields.Char(string="Subject", readonly=True)
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    sequence = fields.Integer(required=True, readonly=True, aggregator=None)
    entry_type_id = fields.Many2one(
        comodel_name="cs.archive.entry.type",
        string="Type",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Customer",
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    res_model = fields.Char(string="Source model", required=True, readonly=True)
    res_id = fields.Many2oneReference(
        string="Source record", model_field="res_model", readonly=True, index=True
    )
    source_round = fields.Integer(
        string="Round",
        default=1,
        readonly=True,
        help="Round of the source (a reopened ticket is archived again when it "
        "closes again).",
    )
    first_owner_id = fields.Many2one(
        comodel_name="res.users", readonly=True, index=True, ondelete="restrict"
    )
    handler_id = fields.Many2one(
        comodel_name="res.users", readonly=True, index=True, ondelete="restrict"
    )
    archived_by_id = fields.Many2one(
        comodel_name="res.users", readonly=True, ondelete="restrict"
    )
    archive_date = fields.Datetime(required=True, readonly=True, index=True)
    retention_years = fields.Integer(
        readonly=True, help="Retention period of the type when the entry was archived."
    )
    content_json = fields.Text(
        string="Canonical content", readonly=True, prefetch=False
    )
    content_html = fields.Html(
        string="Rendering", readonly=True, sanitize=False, prefetch=False
    )
    content_hash = fields.Char(readonly=True)
    rendering_hash = fields.Char(readonly=True)
    subject_hash = fields.Char(readonly=True)
    prev_hash = fields.Char(string="Previous hash", readonly=True)
    chain_hash = fields.Char(readonly=True)
    field_hashes = fields.Text(readonly=True, prefetch=False)
    state = fields.Selection(
        selection=[("archived", "Archived"), ("disposed", "Disposed")],
        default="archived",
        required=True,
        readonly=True,
        index=True,
    )
    disposal_id = fields.Many2one(
        comodel_name="cs.archive.disposal", readonly=True, ondelete="restrict"
    )
    expiry_date = fields.Date(
        compute="_compute_expiry_date",
        search="_search_expiry_date",
        help="End of the retention period: archive date plus the longer of the "
        "period the entry was archived with and the type's current period.",
    )
    nearing_expiry = fields.Boolean(
        compute="_compute_expiry_date", search="_search_nearing_expiry"
    )
    read_log_ids = fields.One2many(
        comodel_name="cs.archive.read.log",
        inverse_name="entry_id",
        string="Read log",
        readonly=True,
        groups="cs_archive.group_cs_archive_manager",
    )

    _sql_constraints = [
        (
            "sequence_unique",
            "unique(company_id, sequence)",
            "An archive sequence number is used once per company.",
        ),
        (
            "source_unique",
            "unique(res_model, res_id, source_round)",
            "A source record is archived once per round.",
        ),
    ]

    # ------------------------------------------------------------------ computes
    @api.model
    def _expiry_sql(self, alias):
        return SQL(
            "(%(e)s.archive_date + make_interval(years => GREATEST("
            "%(e)s.retention_years,"
            " (SELECT t.retention_years FROM cs_archive_entry_type t"
            "   WHERE t.id = %(e)s.entry_type_id))))::date",
            e=SQL.identifier(alias),
        )

    @api.depends("archive_date", "retention_years", "entry_type_id.retention_years")
    def _compute_expiry_date(self):
        today = fields.Date.context_today(self)
        for entry in self:
            if not entry.archive_date:
                entry.expiry_date = False
                entry.nearing_expiry = False
                continue
            years = max(entry.retention_years, entry.entry_type_id.retention_years)
            entry.expiry_date = entry.archive_date.date() + relativedelta(years=years)
            notice = relativedelta(days=entry.entry_type_id.notice_days)
            entry.nearing_expiry = (
                entry.state == "archived" and entry.expiry_date - notice <= today
            )

    def _search_expiry_date(self, operator, value):
        if operator not in ("<", "<=", ">", ">=", "=", "!=") or not value:
            raise UserError(self.env._("Unsupported search on the expiry date."))
        query = Query(self.env, "cs_archive_entry", SQL.identifier("cs_archive_entry"))
        query.add_where(
            SQL(
                "%s %s %s",
                self._expiry_sql("cs_archive_entry"),
                SQL(operator),
                fields.Date.to_date(value),
            )
        )
        return [("id", "in", query)]

    def _search_nearing_expiry(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(self.env._("Unsupported search on 'nearing expiry'."))
        today = fields.Date.context_today(self)
        query = Query(self.env, "cs_archive_entry", SQL.identifier("cs_archive_entry"))
        query.add_where(
            SQL(
                "cs_archive_entry.state = 'archived' AND %s - (SELECT t.notice_days"
                " FROM cs_archive_entry_type t WHERE t.id ="
                " cs_archive_entry.entry_type_id) <= %s",
                self._expiry_sql("cs_archive_entry"),
                today,
            )
        )
        positive = (operator == "=") == bool(value)
        return [("id", "in" if positive else "not in", query)]

    # ------------------------------------------------------------------ immutability
    def init(self):
        """The PostgreSQL guard: no DELETE, no TRUNCATE, and no UPDATE except a
        disposal that an approved ``cs.archive.disposal`` (requested and approved
        by two different users) covers, on an expired entry, blanking only the
        content; the session must name that disposal with
        ``SET LOCAL cs_archive.disposal = '<id>'``."""
        self.env.cr.execute(
            """
            CREATE OR REPLACE FUNCTION cs_archive_entry_guard() RETURNS trigger
            LANGUAGE plpgsql AS $$
            DECLARE
                disposal integer;
                allowed boolean;
                kept text[] := ARRAY['content_json', 'content_html', 'partner_id',
                                     'name', 'field_hashes', 'state', 'disposal_id'];
            BEGIN
                IF TG_OP = 'DELETE' OR TG_OP = 'TRUNCATE' THEN
                    RAISE EXCEPTION 'cs_archive: archive entries cannot be deleted'
                        USING ERRCODE = 'insufficient_privilege';
                END IF;
                disposal := NULLIF(
                    current_setting('cs_archive.disposal', true), '')::integer;
                IF disposal IS NULL THEN
                    RAISE EXCEPTION 'cs_archive: archive entry % cannot be changed',
                        OLD.id
                        USING ERRCODE = 'insufficient_privilege';
                END IF;
                IF OLD.state <> 'archived' OR NEW.state <> 'disposed'
                   OR NEW.disposal_id IS DISTINCT FROM disposal
                   OR NEW.content_json IS NOT NULL OR NEW.content_html IS NOT NULL
                   OR NEW.partner_id IS NOT NULL
                   OR (to_jsonb(NEW) - kept) IS DISTINCT FROM (to_jsonb(OLD) - kept)
                THEN
                    RAISE EXCEPTION 'cs_archive: a disposal only removes the content '
                        'of archive entry %', OLD.id
                        USING ERRCODE = 'insufficient_privilege';
                END IF;
                SELECT TRUE INTO allowed
                  FROM cs_archive_disposal d
                  JOIN cs_archive_disposal_entry_rel r
                    ON r.disposal_id = d.id AND r.entry_id = OLD.id
                  JOIN cs_archive_entry_type t ON t.id = OLD.entry_type_id
                 WHERE d.id = disposal AND d.state = 'approved'
                   AND d.company_id = OLD.company_id
                   AND d.approve_user_id IS NOT NULL
                   AND d.approve_user_id <> d.request_user_id
                   AND OLD.archive_date + make_interval(
                        years => GREATEST(OLD.retention_years, t.retention_years))
                       <= (now() AT TIME ZONE 'UTC');
                IF allowed IS NULL THEN
                    RAISE EXCEPTION 'cs_archive: no approved disposal covers archive '
                        'entry %, or it has not expired', OLD.id
                        USING ERRCODE = 'insufficient_privilege';
                END IF;
                RETURN NEW;
            END $$;
            CREATE OR REPLACE TRIGGER cs_archive_entry_guard
                BEFORE UPDATE OR DELETE ON cs_archive_entry
                FOR EACH ROW EXECUTE FUNCTION cs_archive_entry_guard();
            CREATE OR REPLACE TRIGGER cs_archive_entry_guard_truncate
                BEFORE TRUNCATE ON cs_archive_entry
                FOR EACH STATEMENT EXECUTE FUNCTION cs_archive_entry_guard();
            """
        )

    @api.model_create_multi
    def create(self, vals_list):
        if not self._cs_granted():
            raise AccessError(
                self.env._(
                    "Archive entries are written by the archive itself (when a "
                    "ticket closes or by the completeness check), never by hand."
                )
            )
        return super().create(vals_list)

    def write(self, vals):
        # not even inside a workflow step: the disposal goes through SQL
        self._cs_refuse_write()
        return super().write(vals)

    def _cs_refuse_write(self):
        raise AccessError(
            self.env._(
                "Archive entries cannot be changed, not even by an administrator "
                "(%(entries)s).",
                entries=", ".join(str(s) for s in self.mapped("sequence")),
            )
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        # cs.workflow.mixin refuses first (_cs_unlink_states = ()); this is for a
        # caller holding a grant: nobody deletes an entry
        raise AccessError(
            self.env._(
                "Archive entries cannot be deleted, not even by an administrator; "
                "an expired entry's content is removed by an approved disposal."
            )
        )

    # ------------------------------------------------------------------ read log
    def _cs_log_content_read(self, fnames, access="read"):
        """Log who reads content (R27). The superuser (jobs) is not a person."""
        if not self or self.env.uid == SUPERUSER_ID:
            return
        if fnames is not None and not set(fnames) & set(CONTENT_FIELDS):
            return
        # sudo: the log is append-only and written for the current user, by the
        # archive's own read path (a workflow grant, see cs.workflow.mixin)
        entries = self.sudo()
        self.env["cs.archive.read.log"].sudo()._cs_workflow_create(
            [
                {
                    "entry_id": entry.id,
                    "company_id": entry.company_id.id,
                    "user_id": self.env.uid,
                    "access": access,
                }
                for entry in entries
            ]
        )

    def read(self, fields=None, load="_classic_read"):
        # not @api.readonly: reading content writes the read log
        result = super().read(fields=fields, load=load)
        self.browse([r["id"] for r in result])._cs_log_content_read(fields)
        return result

    def web_read(self, specification):
        # not @api.readonly: reading content writes the read log (through read)
        return super().web_read(specification)

    @api.model
    def web_search_read(
        self, domain, specification, offset=0, limit=None, order=None, count_limit=None
    ):
        # not @api.readonly: reading content writes the read log (through read)
        return super().web_search_read(
            domain,
            specification,
            offset=offset,
            limit=limit,
            order=order,
            count_limit=count_limit,
        )

    @api.model
    def search_read(self, domain=None, fields=None, offset=0, limit=None, order=None):
        # not @api.readonly: reading content writes the read log (through read)
        return super().search_read(
            domain=domain, fields=fields, offset=offset, limit=limit, order=order
        )

    def export_data(self, fields_to_export):
        res = super().export_data(fields_to_export)
        self._cs_log_content_read(
            [f.split("/")[0] for f in fields_to_export], access="export"
        )
        return res

    @api.model
    def _search(self, domain, *args, **kwargs):
        # searching inside the content would reveal it without a read: refused
        if not self.env.su:
            for leaf in domain or []:
                if (
                    isinstance(leaf, (list, tuple))
                    and len(leaf) == 3
                    and isinstance(leaf[0], str)
                    and leaf[0].split(".")[0] in CONTENT_FIELDS + ("field_hashes",)
                ):
                    raise AccessError(
                        self.env._("The content of archive entries is not searchable.")
                    )
        return super()._search(domain, *args, **kwargs)

    # ------------------------------------------------------------------ actions
    def action_open_source(self):
        self.ensure_one()
        if self.res_model not in self.env or not self.res_id:
            raise UserError(self.env._("The source of this entry is not available."))
        source = self.env[self.res_model].browse(self.res_id).exists()
        if not source:
            raise UserError(self.env._("The source of this entry no longer exists."))
        source.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
        }

    def action_request_disposal(self):
        """Start a disposal request for the selected entries (archive managers)."""
        self.env["cs.archive.disposal"]._cs_check_manager()
        companies = self.company_id
        if len(companies) > 1:
            raise UserError(
                self.env._("A disposal concerns the entries of one company.")
            )
        disposal = self.env["cs.archive.disposal"].create(
            {"company_id": companies.id, "entry_ids": [fields.Command.set(self.ids)]}
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "cs.archive.disposal",
            "res_id": disposal.id,
            "view_mode": "form",
        }
