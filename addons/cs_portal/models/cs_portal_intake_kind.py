import base64
from datetime import date

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import plaintext2html
from odoo.tools.mimetypes import guess_mimetype

REQUEST_KINDS = [
    ("consultation", "Consultation"),
    ("complaint", "Complaint"),
    ("suggestion", "Suggestion"),
    ("service", "Service request"),
]

# Register fields a portal form may show: (ticket field, kind of input). Nothing
# else of the ticket is ever read from a portal form.
PORTAL_FIELDS = {
    "register_product_id": "product",
    "product_spec": "char",
    "order_ref": "char",
    "lot_ref": "char",
    "quantity_affected": "float",
    "purchase_date": "date",
    "purchase_place": "char",
    "customer_request": "text",
    "complaint_class": "selection",
    "attachment": "files",
}

ALLOWED_MIMETYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")


class CsPortalIntakeKind(models.Model):
    """What the portal asks for one request kind: the team it goes to, and which
    register fields it shows and requires. Data the CS manager edits (low-code)."""

    _name = "cs.portal.intake.kind"
    _description = "Portal intake form"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    request_kind = fields.Selection(selection=REQUEST_KINDS, required=True)
    company_id = fields.Many2one(
        comodel_name="res.company",
        help="Leave empty for every company.",
    )
    team_id = fields.Many2one(
        comodel_name="helpdesk.ticket.team",
        string="Routed to team",
        domain=[("cs_regulated", "=", True)],
        help="The customer-service team the tickets of this form go to. A form "
        "without a team is not offered on the portal.",
    )
    severity = fields.Selection(
        selection=[("general", "General"), ("major", "Major")],
        string="Initial severity",
        default="general",
        help="Severity given at intake (an agent can raise it): it selects the "
        "deadline policies that start the clocks.",
    )
    intro = fields.Text(
        string="Text shown to the customer",
        translate=True,
    )
    max_files = fields.Integer(string="Maximum photos", default=5)
    max_file_size = fields.Integer(string="Maximum photo size (MB)", default=5)
    field_ids = fields.One2many(
        comodel_name="cs.portal.intake.field",
        inverse_name="kind_id",
        string="Fields",
        copy=True,
    )

    @api.constrains("team_id")
    def _check_team_regulated(self):
        for kind in self:
            # sudo: reads the flag of the team, not its data
            if kind.team_id and not kind.team_id.sudo().cs_regulated:
                raise ValidationError(
                    self.env._(
                        "The portal form %(form)s must route to a customer-service "
                        "team.",
                        form=kind.name,
                    )
                )

    @api.constrains("max_files", "max_file_size")
    def _check_limits(self):
        if self.filtered(lambda k: k.max_files < 0 or k.max_file_size <= 0):
            raise ValidationError(
                self.env._("The photo limits must be positive numbers.")
            )

    @api.constrains("request_kind", "company_id", "active")
    def _check_unique_kind(self):
        for kind in self.filtered("active"):
            if self.search_count(
                [
                    ("id", "!=", kind.id),
                    ("request_kind", "=", kind.request_kind),
                    ("company_id", "=", kind.company_id.id),
                ]
            ):
                raise ValidationError(
                    self.env._(
                        "There is already an active portal form for this request "
                        "kind and company (%(form)s).",
                        form=kind.name,
                    )
                )

    # ------------------------------------------------------------------ portal
    @api.model
    def _cs_portal_kinds(self, company):
        """The forms offered on the portal in that company (with a team)."""
        kinds = self.search(
            [
                ("team_id", "!=", False),
                ("company_id", "in", [company.id, False]),
                ("team_id.company_id", "in", [company.id, False]),
            ]
        )
        # a company's own form wins over the shared one of the same kind
        best = {}
        for kind in kinds:
            if kind.request_kind not in best or kind.company_id:
                best[kind.request_kind] = kind
        return kinds.filtered(lambda k: best[k.request_kind] == k)

    def _cs_field_specs(self):
        """[(line, input type)] of the fields shown, in order."""
        self.ensure_one()
        return [
            (line, PORTAL_FIELDS[line.field_name])
            for line in self.field_ids.sorted("sequence")
        ]

    def _cs_prepare_ticket_vals(self, form, partner):
        """Values of the ticket a customer submits with this form. Only the fields
        shown by the form are read; a required field left empty or a value that
        cannot be read raises ValidationError in the customer's language. The
        business rules (dates, quantity, product) are the ticket's own constraints,
        checked when it is created."""
        self.ensure_one()
        errors = []
        subject = (form.get("subject") or "").strip()
        description = (form.get("description") or "").strip()
        if not subject:
            errors.append(self.env._("Give your request a subject."))
        if not description:
            errors.append(self.env._("Describe your request."))
        team = self.team_id
        vals = {
            "name": subject,
            "description": plaintext2html(description),
            "request_kind": self.request_kind,
            "severity": self.severity or False,
            "team_id": team.id,
            "company_id": (team.company_id or self.company_id or self.env.company).id,
            "channel_id": self.env.ref(
                "helpdesk_mgmt.helpdesk_ticket_channel_web", raise_if_not_found=False
            ).id,
            "partner_id": partner.id,
            "partner_name": partner.name,
            "partner_email": partner.email,
            # helpdesk_mgmt's default handler is the creating user: none here
            "user_id": False,
            "stage_id": team._get_applicable_stages()[:1].id,
        }
        for line, kind in self._cs_field_specs():
            if kind == "files":
                continue
            raw = (form.get(line.field_name) or "").strip()
            label = line._cs_label()
            if not raw:
                if line.required:
                    errors.append(self.env._("%(field)s is required.", field=label))
                continue
            try:
                vals[line.field_name] = self._cs_parse(kind, line.field_name, raw)
            except ValueError:
                errors.append(
                    self.env._("%(field)s: the value is not valid.", field=label)
                )
        if errors:
            raise ValidationError("\n".join(errors))
        return vals

    def _cs_parse(self, kind, field_name, raw):
        if kind == "product":
            return int(raw)
        if kind == "float":
            return float(raw.replace(",", "."))
        if kind == "date":
            return date.fromisoformat(raw)
        if kind == "selection":
            allowed = dict(
                self.env["helpdesk.ticket"]
                ._fields[field_name]
                ._description_selection(self.env)
            )
            if raw not in allowed:
                raise ValueError(raw)
            return raw
        return raw

    def _cs_photo_hint(self):
        self.ensure_one()
        return self.env._(
            "At most %(count)s photos (JPEG, PNG, GIF or WebP), %(size)s MB each.",
            count=self.max_files,
            size=self.max_file_size,
        )

    def _cs_check_files(self, files):
        """Photos uploaded with the form: [(filename, bytes)]. Their number, size and
        real type (read from the content, not the browser's claim) are checked;
        returns the attachment values without the record link."""
        self.ensure_one()
        line = self.field_ids.filtered(lambda f: f.field_name == "attachment")
        files = [(name, data) for name, data in files if name and data]
        if not line:
            return []
        label = line._cs_label()
        if line.required and not files:
            raise ValidationError(self.env._("%(field)s is required.", field=label))
        if len(files) > self.max_files:
            raise ValidationError(
                self.env._(
                    "At most %(count)s photos can be sent with this form.",
                    count=self.max_files,
                )
            )
        result = []
        for name, data in files:
            if len(data) > self.max_file_size * 1024 * 1024:
                raise ValidationError(
                    self.env._(
                        "%(file)s is larger than %(size)s MB.",
                        file=name,
                        size=self.max_file_size,
                    )
                )
            mimetype = guess_mimetype(data)
            if mimetype not in ALLOWED_MIMETYPES:
                raise ValidationError(
                    self.env._(
                        "%(file)s is not a photo (JPEG, PNG, GIF or WebP).", file=name
                    )
                )
            result.append(
                {"name": name, "datas": base64.b64encode(data), "mimetype": mimetype}
            )
        return result


class CsPortalIntakeField(models.Model):
    _name = "cs.portal.intake.field"
    _description = "Field of a portal intake form"
    _order = "sequence, id"

    kind_id = fields.Many2one(
        comodel_name="cs.portal.intake.kind",
        required=True,
        ondelete="cascade",
        index=True,
    )
    sequence = fields.Integer(default=10)
    field_name = fields.Selection(
        selection=[
            ("register_product_id", "Product"),
            ("product_spec", "Model / specification"),
            ("order_ref", "Order reference"),
            ("lot_ref", "Lot / serial number"),
            ("quantity_affected", "Quantity affected"),
            ("purchase_date", "Purchase date"),
            ("purchase_place", "Purchase place"),
            ("customer_request", "Customer's request"),
            ("complaint_class", "Kind of problem"),
            ("attachment", "Photos"),
        ],
        string="Field",
        required=True,
    )
    label = fields.Char(
        translate=True, help="Label shown to the customer; empty: the field's name."
    )
    required = fields.Boolean()
    help_text = fields.Char(string="Hint", translate=True)

    _sql_constraints = [
        (
            "kind_field_unique",
            "unique(kind_id, field_name)",
            "A field appears once per form.",
        )
    ]

    def _cs_label(self):
        self.ensure_one()
        if self.label:
            return self.label
        return dict(self._fields["field_name"]._description_selection(self.env))[
            self.field_name
        ]
