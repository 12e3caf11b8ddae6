import hashlib
import json
from collections import defaultdict
from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from markupsafe import Markup, escape

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, Query, html_sanitize

GENESIS_HASH = "0" * 64
# Content removed by a disposal; everything else of an entry is kept as its tombstone.
DISPOSABLE_COLUMNS = ("content_json", "content_html", "partner_id", "name")
# Reading these is logged (R27).
CONTENT_FIELDS = ("content_json", "content_html")
# Columns covered by the chain hash directly (kept after disposal).
CHAIN_COLUMNS = (
    "company_id",
    "sequence",
    "entry_type_id",
    "archive_date",
    "retention_years",
    "res_model",
    "res_id",
    "source_round",
    "first_owner_id",
    "handler_id",
    "archived_by_id",
)


# ---------------------------------------------------------------------- hashing
def canonical_json(value):
    """Canonical JSON: sorted keys, no whitespace, UTF-8 (not ASCII-escaped)."""
    return json.dumps(
        value,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
        default=_json_default,
    )


def _json_default(value):
    if isinstance(value, datetime):
        return fields.Datetime.to_string(value)
    if isinstance(value, date):
        return fields.Date.to_string(value)
    if isinstance(value, bytes):
        return value.decode()
    raise TypeError(f"{type(value).__name__} is not archivable as JSON")


def sha256_hex(text):
    return hashlib.sha256((text or "").encode()).hexdigest()


def subject_hash(partner_id, name):
    """Hash of the columns that identify the customer (removed by disposal)."""
    return sha256_hex(canonical_json([partner_id or None, name or ""]))


def chain_input(prev_hash, columns, content_hash, rendering_hash, subj_hash):
    """The text the chain hash is computed over: previous hash, the chained
    columns in a fixed order, then the hashes of content, rendering and subject.
    Every part is a number, a date, a model name or a hex digest: no separator
    can be forged inside them."""
    parts = [prev_hash]
    parts += [
        "" if columns[c] in (None, False) else str(columns[c]) for c in CHAIN_COLUMNS
    ]
    parts += [content_hash, rendering_hash, subj_hash]
    return "|".join(parts)


def field_hashes(payload, columns, partner_id, name):
    """Per-field hashes (diagnosis only: they name the field that differs)."""
    hashes = {f"content.{k}": sha256_hex(canonical_json(v)) for k, v in payload.items()}
    hashes.update(
        {
            f"column.{c}": sha256_hex(
                "" if columns[c] in (None, False) else str(columns[c])
            )
            for c in CHAIN_COLUMNS
        }
    )
    hashes["subject.partner_id"] = sha256_hex(str(partner_id or ""))
    hashes["subject.name"] = sha256_hex(name or "")
    return hashes


class CsArchiveEntry(models.Model):
    """One frozen, hash-chained snapshot in a customer's service archive (档案).

    Entries are written only by :meth:`_archive` / :meth:`_archive_many`; nobody
    changes or deletes them through the ORM, and a PostgreSQL trigger refuses
    UPDATE and DELETE below it, except the disposal path (see
    ``cs.archive.disposal``)."""

    _name = "cs.archive.entry"
    _description = "Customer-service archive entry"
    _order = "archive_date desc, sequence desc"
    _log_access = False

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
        if not (self.env.su and self.env.context.get("cs_archive_append")):
            raise AccessError(
                self.env._(
                    "Archive entries are written by the archive itself (when a "
                    "ticket closes or by the completeness check), never by hand."
                )
            )
        return super().create(vals_list)

    def write(self, vals):
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
        # sudo: the log is append-only and written for the current user
        entries = self.sudo()
        self.env["cs.archive.read.log"].sudo().create(
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

    # ------------------------------------------------------------------ archiving
    @api.model
    def _archive(
        self,
        entry_type,
        partner,
        company,
        source,
        payload,
        rendering_html=None,
        *,
        source_round=1,
        first_owner=None,
        handler=None,
        name=None,
    ):
        """Archive one snapshot. The public API for bridges (surveys, callbacks):

        ``entry_type`` a code (``"survey"``) or a ``cs.archive.entry.type``;
        ``partner`` the customer; ``company`` whose chain; ``source`` the record
        archived; ``payload`` a JSON-serialisable dict (top-level keys are the
        "fields" the integrity check names); ``rendering_html`` the readable
        version (sanitised; a generic rendering of the payload when omitted)."""
        return self._archive_many(
            [
                {
                    "entry_type": entry_type,
                    "partner": partner,
                    "company": company,
                    "source": source,
                    "payload": payload,
                    "rendering_html": rendering_html,
                    "source_round": source_round,
                    "first_owner": first_owner,
                    "handler": handler,
                    "name": name,
                }
            ]
        )

    @api.model
    def _archive_many(self, items):
        """Archive several snapshots: one chain-head lock per company, one INSERT."""
        if not items:
            return self.browse()
        Type = self.env["cs.archive.entry.type"]
        Users = self.env["res.users"]
        types = {}
        now = fields.Datetime.now()
        prepared = defaultdict(list)
        for item in items:
            entry_type = item["entry_type"]
            if isinstance(entry_type, str):
                if entry_type not in types:
                    types[entry_type] = Type._get_by_code(entry_type)
                entry_type = types[entry_type]
            # sudo: the retention period is configuration read by the archive
            entry_type = entry_type.sudo()
            source = item["source"]
            payload = item["payload"]
            if not isinstance(payload, dict) or not payload:
                raise UserError(self.env._("An archive payload is a non-empty dict."))
            content_json = canonical_json(payload)
            payload = json.loads(content_json)  # what is stored is what is hashed
            rendering = item.get("rendering_html")
            if rendering and not isinstance(rendering, Markup):
                rendering = html_sanitize(rendering)
            elif not rendering:
                rendering = self._cs_render_generic(entry_type.name, payload)
            partner = item.get("partner")
            name = item.get("name") or source.display_name
            columns = {
                "company_id": item["company"].id,
                "entry_type_id": entry_type.id,
                "archive_date": fields.Datetime.to_string(now),
                "retention_years": entry_type.retention_years,
                "res_model": source._name,
                "res_id": source.id,
                "source_round": item.get("source_round") or 1,
                "first_owner_id": (item.get("first_owner") or Users).id or None,
                "handler_id": (item.get("handler") or Users).id or None,
                "archived_by_id": self.env.uid,
            }
            prepared[columns["company_id"]].append(
                (columns, payload, content_json, str(rendering), partner, name)
            )
        heads = self.env["cs.archive.chain"]._lock_heads(list(prepared))
        vals_list, new_heads = [], {}
        for company_id, rows in prepared.items():
            sequence, prev_hash = heads[company_id]
            for columns, payload, content_json, rendering, partner, name in rows:
                sequence += 1
                columns["sequence"] = sequence
                content_hash = sha256_hex(content_json)
                rendering_hash = sha256_hex(rendering)
                subj = subject_hash(partner.id if partner else None, name)
                chain_hash = sha256_hex(
                    chain_input(prev_hash, columns, content_hash, rendering_hash, subj)
                )
                vals_list.append(
                    dict(
                        columns,
                        name=name,
                        partner_id=partner.id if partner else False,
                        content_json=content_json,
                        content_html=rendering,
                        content_hash=content_hash,
                        rendering_hash=rendering_hash,
                        subject_hash=subj,
                        prev_hash=prev_hash,
                        chain_hash=chain_hash,
                        field_hashes=canonical_json(
                            field_hashes(
                                payload, columns, partner.id if partner else None, name
                            )
                        ),
                    )
                )
                prev_hash = chain_hash
            new_heads[company_id] = (sequence, prev_hash)
        # sudo: the archive appends on behalf of the workflow that called it
        entries = self.sudo().with_context(cs_archive_append=True).create(vals_list)
        self.env.cr.execute(
            """
            UPDATE cs_archive_chain c SET last_sequence = v.seq, last_hash = v.hash
              FROM unnest(%s::int[], %s::int[], %s::varchar[]) AS v(company, seq, hash)
             WHERE c.company_id = v.company
            """,
            [
                list(new_heads),
                [v[0] for v in new_heads.values()],
                [v[1] for v in new_heads.values()],
            ],
        )
        return entries.with_env(self.env)

    # ------------------------------------------------------------------ rendering
    @api.model
    def _cs_render_generic(self, title, payload):
        """A readable rendering of any payload: nested definition lists."""

        def render(value):
            if isinstance(value, dict):
                items = Markup("").join(
                    Markup("<dt>%s</dt><dd>%s</dd>") % (key, render(value[key]))
                    for key in sorted(value)
                )
                return Markup("<dl>%s</dl>") % items
            if isinstance(value, list):
                if not value:
                    return Markup("-")
                return Markup("<ol>%s</ol>") % Markup("").join(
                    Markup("<li>%s</li>") % render(v) for v in value
                )
            if value in (None, False, ""):
                return Markup("-")
            return escape(str(value))

        return Markup("<h3>%s</h3>%s") % (title, render(payload))

    @api.model
    def _cs_render_sections(self, title, sections):
        """Rendering of labelled sections: ``sections`` is a list of
        ``(label, rows)`` where ``rows`` is a list of ``(label, value)`` pairs or
        a table ``{"columns": [labels], "rows": [[values]]}``."""
        parts = [Markup("<h3>%s</h3>") % title]
        for label, rows in sections:
            parts.append(Markup("<h4>%s</h4>") % label)
            if isinstance(rows, dict):
                if not rows["rows"]:
                    parts.append(Markup("<p>-</p>"))
                    continue
                head = Markup("").join(
                    Markup("<th>%s</th>") % c for c in rows["columns"]
                )
                body = Markup("").join(
                    Markup("<tr>%s</tr>")
                    % Markup("").join(
                        Markup("<td>%s</td>") % self._cs_render_value(v) for v in row
                    )
                    for row in rows["rows"]
                )
                parts.append(
                    Markup(
                        '<table class="table table-sm"><thead><tr>%s</tr></thead>'
                        "<tbody>%s</tbody></table>"
                    )
                    % (head, body)
                )
            else:
                parts.append(
                    Markup('<table class="table table-sm"><tbody>%s</tbody></table>')
                    % Markup("").join(
                        Markup("<tr><th>%s</th><td>%s</td></tr>")
                        % (k, self._cs_render_value(v))
                        for k, v in rows
                    )
                )
        return Markup("").join(parts)

    @api.model
    def _cs_render_value(self, value):
        if isinstance(value, Markup):
            return value
        if value in (None, False, ""):
            return "-"
        if value is True:
            return "✓"
        if isinstance(value, dict):
            return value.get("name") or value.get("id") or "-"
        if isinstance(value, list):
            return ", ".join(str(self._cs_render_value(v)) for v in value) or "-"
        return str(value)
