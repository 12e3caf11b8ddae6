from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .account_move import cs_link_step


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"  # pylint: disable=consider-merging-classes-inherited

    cs_invoice_id = fields.Many2one(
        comodel_name="account.move",
        string="Original invoice",
        domain=[("move_type", "=", "out_invoice")],
        check_company=True,
        copy=False,
    )
    cs_delivery_id = fields.Many2one(
        comodel_name="stock.picking",
        string="Original delivery",
        domain=[("picking_type_code", "=", "outgoing")],
        check_company=True,
        copy=False,
    )
    resolution_ids = fields.One2many(
        comodel_name="cs.resolution", inverse_name="ticket_id", string="Resolutions"
    )
    resolution_count = fields.Integer(compute="_compute_resolution_count")
    responsibility_ids = fields.One2many(
        comodel_name="cs.responsibility",
        inverse_name="ticket_id",
        string="Responsibility lines",
        readonly=True,
    )
    offsite_request_ids = fields.One2many(
        comodel_name="cs.offsite.request",
        inverse_name="ticket_id",
        string="Off-site service requests",
    )
    cs_currency_id = fields.Many2one(related="company_id.currency_id")
    service_cost = fields.Monetary(
        currency_field="cs_currency_id",
        compute="_compute_service_cost",
        store=True,
        help="Travel and allowance costs of the completed off-site visits (R18).",
    )
    service_fee = fields.Monetary(
        currency_field="cs_currency_id",
        help="Amount charged to the customer for a paid service.",
    )
    cs_move_ids = fields.One2many(
        comodel_name="account.move",
        inverse_name="cs_ticket_id",
        string="Invoices and credit notes",
        readonly=True,
    )
    cs_return_ids = fields.One2many(
        comodel_name="stock.picking",
        inverse_name="cs_ticket_id",
        string="Returns",
        readonly=True,
    )

    def _compute_resolution_count(self):
        data = dict(
            self.env["cs.resolution"]._read_group(
                [("ticket_id", "in", self.ids)], ["ticket_id"], ["__count"]
            )
        )
        for ticket in self:
            ticket.resolution_count = data.get(ticket, 0)

    @api.depends("offsite_request_ids.state", "offsite_request_ids.total_cost")
    def _compute_service_cost(self):
        for ticket in self:
            ticket.service_cost = sum(
                ticket.offsite_request_ids.filtered(lambda r: r.state == "done").mapped(
                    "total_cost"
                )
            )

    @api.constrains("service_fee")
    def _check_service_fee(self):
        if self.filtered(lambda t: t.service_fee < 0):
            raise ValidationError(self.env._("The service fee cannot be negative."))

    def action_view_resolutions(self):
        self._cs_ensure_can_open()
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "cs_resolution.cs_resolution_action"
        )
        action["domain"] = [("ticket_id", "=", self.id)]
        action["context"] = {"default_ticket_id": self.id}
        return action

    def action_cs_new_resolution(self):
        self._cs_ensure_can_open()
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "cs.resolution",
            "view_mode": "form",
            "context": {"default_ticket_id": self.id},
        }

    def action_cs_invoice_service(self):
        """R18: a paid service is invoiced from the ticket (draft for finance)."""
        self.ensure_one()
        self.check_access("write")
        if not (
            self.env.user.has_group("cs_center.group_cs_agent")
            or self.env.user.has_group("account.group_account_invoice")
        ):
            raise UserError(self.env._("Only customer-service users can do this."))
        if self.service_type != "paid" or self.service_fee <= 0:
            raise UserError(
                self.env._(
                    "Only a paid service with a positive fee can be invoiced "
                    "(%(ticket)s).",
                    ticket=self.display_name,
                )
            )
        if not self.partner_id:
            raise UserError(self.env._("The ticket has no customer to invoice."))
        # sudo: CS users have no accounting rights; only existence is checked
        existing = self.sudo().cs_move_ids.filtered(
            lambda m: m.move_type == "out_invoice" and m.state != "cancel"
        )
        if existing:
            raise UserError(
                self.env._(
                    "The service of %(ticket)s is already invoiced (%(invoice)s).",
                    ticket=self.display_name,
                    invoice=existing[0].display_name,
                )
            )
        product = self.company_id.cs_service_product_id
        line = {
            "name": self.env._("Service: %(ticket)s", ticket=self.display_name),
            "quantity": 1.0,
            "price_unit": self.service_fee,
        }
        if product:
            line["product_id"] = product.id
        # sudo: CS users have no accounting rights; a draft for finance to post
        with cs_link_step(self.env, "account.move"):
            invoice = (
                self.env["account.move"]
                # sudo: CS users have no accounting rights; a draft for finance
                .sudo()
                .with_company(self.company_id)
                .create(
                    {
                        "move_type": "out_invoice",
                        "partner_id": self.partner_id.commercial_partner_id.id,
                        "company_id": self.company_id.id,
                        "ref": self.number or self.name,
                        "cs_ticket_id": self.id,
                        "invoice_line_ids": [Command.create(line)],
                    }
                )
            )
        self.message_post(
            body=self.env._(
                "Service invoice created: %(invoice)s", invoice=invoice.display_name
            )
        )
        return invoice
