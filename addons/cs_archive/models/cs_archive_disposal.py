from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .cs_archive_hashing import CHAIN_COLUMNS

EDITABLE_IN_DRAFT = ("entry_ids", "reason", "company_id")


class CsArchiveDisposal(models.Model):
    """Disposal of expired archive entries (R26): an archive manager requests
    it, a second archive manager approves it; approval removes the content and
    leaves a tombstone (sequence, hashes, this record) so the chain still
    verifies.

    The state and who requested/approved are written only by the actions below
    (cs.workflow.mixin grants), after they checked the caller: nothing a client
    sends (no context key, no field) approves a disposal, and the database guard
    of ``cs.archive.entry`` checks the two different people again."""

    _name = "cs.archive.disposal"
    _inherit = ["cs.workflow.mixin"]
    _description = "Customer-service archive disposal"
    _order = "id desc"

    # cs.workflow.mixin: a client edits a draft (entries, reason, company) and
    # deletes it; everything else goes through Request, Approve and Refuse
    _cs_state_field = "state"
    _cs_workflow_fields = (
        "request_user_id",
        "request_date",
        "approve_user_id",
        "approve_date",
        "refuse_reason",
    )
    _cs_editable_fields = {"draft": EDITABLE_IN_DRAFT}
    _cs_frozen_states = ("requested", "approved", "refused")
    _cs_unlink_states = ("draft",)

    name = fields.Char(compute="_compute_name")
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.company,
        ondelete="restrict",
    )
    entry_ids = fields.Many2many(
        comodel_name="cs.archive.entry",
        relation="cs_archive_disposal_entry_rel",
        column1="disposal_id",
        column2="entry_id",
        string="Entries",
        check_company=True,
    )
    entry_count = fields.Integer(compute="_compute_entry_count")
    reason = fields.Text(help="Why the entries are disposed of (kept after disposal).")
    state = fields.Selection(
        selection=[
            ("draft", "Draft"),
            ("requested", "Requested"),
            ("approved", "Approved (content removed)"),
            ("refused", "Refused"),
        ],
        default="draft",
        required=True,
        readonly=True,
        index=True,
    )
    request_user_id = fields.Many2one(
        comodel_name="res.users", string="Requested by", readonly=True
    )
    request_date = fields.Datetime(string="Requested on", readonly=True)
    approve_user_id = fields.Many2one(
        comodel_name="res.users", string="Approved by", readonly=True
    )
    approve_date = fields.Datetime(string="Approved on", readonly=True)
    refuse_reason = fields.Text(readonly=True)

    # ------------------------------------------------------------------ computes
    def _compute_name(self):
        for disposal in self:
            disposal.name = self.env._("Disposal %(id)s", id=disposal.id or "")

    def _compute_entry_count(self):
        for disposal in self:
            disposal.entry_count = len(disposal.entry_ids)

    # ------------------------------------------------------------------ guard
    def init(self):
        """Approved disposals and their entry lists are evidence: no UPDATE or
        DELETE of them, no entry added to or removed from them."""
        self.env.cr.execute(
            """
            CREATE OR REPLACE FUNCTION cs_archive_disposal_guard() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'TRUNCATE' OR OLD.state = 'approved' THEN
                    RAISE EXCEPTION 'cs_archive: an approved disposal cannot be '
                        'changed or deleted' USING ERRCODE = 'insufficient_privilege';
                END IF;
                IF TG_OP = 'DELETE' THEN
                    RETURN OLD;
                END IF;
                RETURN NEW;
            END $$;
            CREATE OR REPLACE TRIGGER cs_archive_disposal_guard
                BEFORE UPDATE OR DELETE ON cs_archive_disposal
                FOR EACH ROW EXECUTE FUNCTION cs_archive_disposal_guard();
            CREATE OR REPLACE TRIGGER cs_archive_disposal_guard_truncate
                BEFORE TRUNCATE ON cs_archive_disposal
                FOR EACH STATEMENT EXECUTE FUNCTION cs_archive_disposal_guard();

            CREATE OR REPLACE FUNCTION cs_archive_disposal_rel_guard() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'TRUNCATE' OR EXISTS (
                    SELECT 1 FROM cs_archive_disposal d
                     WHERE d.state = 'approved' AND d.id IN (
                        CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE OLD.disposal_id END,
                        CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE NEW.disposal_id END))
                THEN
                    RAISE EXCEPTION 'cs_archive: the entries of an approved disposal '
                        'cannot be changed' USING ERRCODE = 'insufficient_privilege';
                END IF;
                IF TG_OP = 'DELETE' THEN
                    RETURN OLD;
                END IF;
                RETURN NEW;
            END $$;
            CREATE OR REPLACE TRIGGER cs_archive_disposal_rel_guard
                BEFORE INSERT OR UPDATE OR DELETE ON cs_archive_disposal_entry_rel
                FOR EACH ROW EXECUTE FUNCTION cs_archive_disposal_rel_guard();
            CREATE OR REPLACE TRIGGER cs_archive_disposal_rel_guard_truncate
                BEFORE TRUNCATE ON cs_archive_disposal_entry_rel
                FOR EACH STATEMENT EXECUTE FUNCTION cs_archive_disposal_rel_guard();
            """
        )

    # ------------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        if not self._cs_granted():
            self._cs_check_manager()
            for vals in vals_list:
                forbidden = set(vals) - set(EDITABLE_IN_DRAFT)
                if forbidden:
                    raise AccessError(
                        self.env._(
                            "A disposal starts as a draft; these fields are set by "
                            "its workflow: %(fields)s",
                            fields=", ".join(sorted(forbidden)),
                        )
                    )
        return super().create(vals_list)

    def write(self, vals):
        if not self._cs_granted():
            self._cs_check_manager()
            forbidden = set(vals) - set(EDITABLE_IN_DRAFT)
            if forbidden or self.filtered(lambda d: d.state != "draft"):
                raise AccessError(
                    self.env._(
                        "Only a draft disposal can be edited; its state changes "
                        "through Request, Approve and Refuse."
                    )
                )
        return super().write(vals)

    def unlink(self):
        # before the mixin's generic refusal: the reason in the users' words
        if not self._cs_granted():
            self._cs_check_unlink()
        return super().unlink()

    def _cs_check_unlink(self):
        self._cs_check_manager()
        if self.filtered(lambda d: d.state != "draft"):
            raise UserError(self.env._("Only a draft disposal can be deleted."))

    # ------------------------------------------------------------------ actions
    @api.model
    def _cs_check_manager(self):
        if not self.env.user.has_group("cs_archive.group_cs_archive_manager"):
            raise AccessError(self.env._("Only an archive manager can do this."))

    def _cs_check_disposable(self):
        """Every entry is archived (not yet disposed of), of this company and
        past its retention period."""
        # UTC, strictly after the expiry date: what the database guard accepts
        today = fields.Date.today()
        for disposal in self:
            if not disposal.entry_ids:
                raise UserError(
                    self.env._("%(disposal)s has no entries.", disposal=disposal.name)
                )
            # sudo: expiry is computed from the retention configuration
            entries = disposal.entry_ids.sudo()
            wrong = entries.filtered(
                lambda e, d=disposal: (
                    e.state != "archived" or e.company_id != d.company_id
                )
            )
            if wrong:
                raise UserError(
                    self.env._(
                        "Entries already disposed of or of another company: "
                        "%(entries)s",
                        entries=", ".join(str(s) for s in wrong.mapped("sequence")),
                    )
                )
            early = entries.filtered(lambda e: e.expiry_date >= today)
            if early:
                raise UserError(
                    self.env._(
                        "These entries are still within their retention period and "
                        "cannot be disposed of: %(entries)s",
                        entries=", ".join(
                            self.env._(
                                "no. %(seq)s (until %(date)s)",
                                seq=e.sequence,
                                date=e.expiry_date,
                            )
                            for e in early
                        ),
                    )
                )

    def action_request(self):
        self._cs_check_manager()
        self.check_access("write")
        not_draft = self.filtered(lambda d: d.state != "draft")
        if not_draft:
            raise UserError(self.env._("Only a draft disposal can be requested."))
        missing = self.filtered(lambda d: not (d.reason or "").strip())
        if missing:
            raise UserError(self.env._("A disposal needs its reason."))
        self._cs_check_disposable()
        self._cs_workflow_write(
            {
                "state": "requested",
                "request_user_id": self.env.uid,
                "request_date": fields.Datetime.now(),
            }
        )
        return True

    def action_refuse(self, reason=None):
        self._cs_check_manager()
        self.check_access("write")
        if self.filtered(lambda d: d.state != "requested"):
            raise UserError(self.env._("Only a requested disposal can be refused."))
        self._cs_workflow_write(
            {
                "state": "refused",
                "approve_user_id": self.env.uid,
                "approve_date": fields.Datetime.now(),
                "refuse_reason": reason,
            }
        )
        return True

    def action_approve(self):
        """The second person approves: the content of the entries is removed."""
        self._cs_check_manager()
        self.check_access("write")
        for disposal in self:
            if disposal.state != "requested":
                raise UserError(
                    self.env._("Only a requested disposal can be approved.")
                )
            if disposal.request_user_id == self.env.user:
                raise UserError(
                    self.env._(
                        "The disposal must be approved by another archive manager "
                        "than the one who requested it."
                    )
                )
        self._cs_check_disposable()
        for disposal in self:
            disposal._cs_workflow_write(
                {
                    "state": "approved",
                    "approve_user_id": self.env.uid,
                    "approve_date": fields.Datetime.now(),
                }
            )
            disposal._cs_dispose()
        return True

    def _cs_dispose(self):
        """Blank the content of the (approved) disposal's entries through the one
        UPDATE the database guard allows. The guard's session setting is set here
        only, transaction-local (``set_config(..., true)`` = ``SET LOCAL``), and
        reset right after: a client cannot run SQL over RPC, and the guard checks
        in the database that the disposal it names is approved by a second
        person and covers the expired entry."""
        self.ensure_one()
        self.env.flush_all()
        cr = self.env.cr
        cr.execute("SELECT set_config('cs_archive.disposal', %s, true)", [str(self.id)])
        keep = [f"column.{c}" for c in CHAIN_COLUMNS]
        # field hashes of content and subject would let one guess them: removed
        cr.execute(
            """
            UPDATE cs_archive_entry e
               SET content_json = NULL, content_html = NULL, partner_id = NULL,
                   name = %s, state = 'disposed', disposal_id = %s,
                   field_hashes = (
                       SELECT COALESCE(jsonb_object_agg(k, v), '{}'::jsonb)::text
                         FROM jsonb_each(e.field_hashes::jsonb) AS f(k, v)
                        WHERE k = ANY(%s))
             WHERE e.id IN %s
            """,
            [
                self.env._("Disposed (%(disposal)s)", disposal=self.name),
                self.id,
                keep,
                tuple(self.entry_ids.ids),
            ],
        )
        cr.execute("SELECT set_config('cs_archive.disposal', '', true)")
        self.entry_ids.invalidate_recordset()
        return True
