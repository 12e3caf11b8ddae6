from odoo import api, models
from odoo.exceptions import AccessError, UserError, ValidationError

# the promises told to the customer; the report and dispatch clocks are internal
CUSTOMER_TARGETS = ("feedback", "resolution", "closure")


class HelpdeskTicket(models.Model):
    """The customer's side of a ticket: products offered at intake, what the
    tracking page shows, reopening from the portal."""

    _inherit = "helpdesk.ticket"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------ intake
    @api.model
    def _cs_portal_products(self, partner, company=None, limit=300):
        """(bought, others): the products the customer's company bought (posted
        customer invoices, done deliveries), then the other saleable products."""
        commercial = partner.commercial_partner_id
        company = company or self.env.company
        # sudo: the customer's own invoices and deliveries (domain), products only
        invoiced = (
            self.env["account.move.line"]
            .sudo()
            ._read_group(
                [
                    ("move_id.move_type", "=", "out_invoice"),
                    ("parent_state", "=", "posted"),
                    ("partner_id", "child_of", commercial.id),
                    ("product_id", "!=", False),
                ],
                ["product_id"],
            )
        )
        delivered = (
            self.env["stock.move"]
            # sudo: the products delivered to the portal user's own company
            .sudo()
            ._read_group(
                [
                    ("picking_id.picking_type_code", "=", "outgoing"),
                    ("state", "=", "done"),
                    ("picking_id.partner_id", "child_of", commercial.id),
                ],
                ["product_id"],
            )
        )
        # sudo: the names of the products the customer bought
        Product = self.env["product.product"].sudo()
        bought = Product.union(*(p for (p,) in invoiced + delivered))
        bought = bought.filtered(lambda p: not p.company_id or p.company_id == company)
        others = Product.search(
            [
                ("sale_ok", "=", True),
                ("id", "not in", bought.ids),
                ("company_id", "in", [company.id, False]),
            ],
            limit=limit,
            order="name",
        )
        return bought.sorted("name"), others

    @api.constrains("register_product_id")
    def _check_portal_register_product(self):
        """A customer (portal user, also through a controller's sudo: the user is
        read from the environment's uid, not from the context) registers only a
        product they bought or one of the catalogue's saleable products."""
        if not self.env.user.share:
            return
        for ticket in self.filtered("register_product_id"):
            product = ticket.register_product_id
            # sudo: whether a product is saleable, for the portal user's choice
            if product.sudo().sale_ok:
                continue
            bought, _others = self._cs_portal_products(
                ticket.partner_id or self.env.user.partner_id,
                ticket.company_id,
                limit=1,
            )
            if product not in bought:
                raise ValidationError(
                    self.env._(
                        "This product cannot be chosen: choose a product you bought "
                        "or one of our catalogue."
                    )
                )

    # ------------------------------------------------------------------ tracking
    def _cs_portal_tracking(self, partner):
        """What the customer's tracking page shows, as plain values: the promised
        times of the current round, the transfers (department only, no names, no
        internal reason), the approved outcomes once told, and the pending
        satisfaction surveys of ``partner`` (the customer reading the page). Called
        on a ticket whose access was checked."""
        self.ensure_one()
        # sudo: the caller checked the customer's access to this ticket; only the
        # values below leave this method
        ticket = self.sudo()
        target_labels = {
            "feedback": self.env._("First answer to you"),
            "resolution": self.env._("Solution of your request"),
            "closure": self.env._("Request completed"),
        }
        promised = [
            {
                "label": target_labels[d.target_type],
                "target_type": d.target_type,
                "due_date": d.due_date,
                "met_date": d.met_date,
                "overdue": d.state in ("overdue", "missed"),
            }
            for d in ticket.deadline_ids.sorted("due_date")
            if d.round == ticket.round_number
            and not d.cancel_date
            and d.target_type in CUSTOMER_TARGETS
        ]
        transfers = [
            {
                "date": t.date,
                "team": t.to_team_id.name,
                "other_team": t.to_team_id != t.from_team_id,
            }
            for t in ticket.transfer_ids.sorted("date")
        ]
        type_labels = dict(
            self.env["cs.resolution"]
            ._fields["resolution_type"]
            ._description_selection(self.env)
        )
        outcomes = [
            {
                "type": type_labels[r.resolution_type],
                "message": r.customer_message,
                "date": r.notify_date,
            }
            for r in ticket.resolution_ids.sorted("notify_date")
            if r.state == "approved" and r.notify_date
        ]
        surveys = (
            self.env["survey.user_input"]
            # sudo: the portal user's own ticket's satisfaction answers
            .sudo()
            .search(
                [
                    ("cs_ticket_id", "=", ticket.id),
                    ("partner_id", "=", partner.id),
                    ("test_entry", "=", False),
                ],
                order="create_date desc",
            )
        )
        return {
            "promised": promised,
            "transfers": transfers,
            "outcomes": outcomes,
            "surveys": surveys,
            "can_reopen": ticket.cs_regulated and ticket.stage_id.closed,
            "round_number": ticket.round_number,
        }

    def _cs_portal_reopen(self, reason):
        """The customer does not accept the outcome of their closed ticket and
        reopens it with a reason (R5). Called as the customer (not in sudo): their
        read access to this very ticket is checked, then the ticket's own reopening
        runs."""
        self.ensure_one()
        if not self.env.user.share or self.env.su:
            raise AccessError(self.env._("Only the customer reopens on the portal."))
        self.check_access("read")
        if not (reason or "").strip():
            raise UserError(self.env._("Tell us why you reopen the request."))
        # sudo: the customer's read access to this ticket was checked above
        ticket = self.sudo()
        if not ticket.cs_regulated or not ticket.stage_id.closed:
            raise UserError(self.env._("Only a closed request can be reopened."))
        ticket._cs_reopen(reason.strip())
        return True
