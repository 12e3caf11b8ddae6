from markupsafe import Markup

from odoo import fields, models

from odoo.addons.cs_resolution.models.cs_resolution import RESOLUTION_TYPES


class CsResolution(models.Model):
    _inherit = "cs.resolution"  # pylint: disable=consider-merging-classes-inherited

    def _cs_on_approved(self):
        res = super()._cs_on_approved()
        for rec in self:
            rec.ticket_id._cs_notify_salesperson(
                lambda t, r=rec: (
                    Markup("<p>%s</p>")
                    % self.env._(
                        "Proposal %(name)s for your customer %(customer)s is "
                        "approved: %(type)s, %(amount)s %(currency)s. You may now "
                        "tell the customer this approved outcome, and nothing beyond "
                        "it (R13).",
                        name=r.name,
                        customer=r.partner_id.display_name,
                        type=dict(RESOLUTION_TYPES)[r.resolution_type],
                        amount=r.approved_amount,
                        currency=r.currency_id.name,
                    )
                )
            )
        return res

    def _cs_schedule_collection(self):
        """R16: the salesperson of the customer collects the receivable."""
        self.ensure_one()
        # sudo: the salesperson of the proposal, for the collection activity
        salesperson = self.sudo().cs_salesperson_id
        if not salesperson.active:
            return super()._cs_schedule_collection()
        invoice = self.invoice_id.sudo()  # sudo: the invoice's due date
        today = fields.Date.context_today(self)
        # sudo: follow-up created by the approval, on a ticket the approver may not see
        self.ticket_id.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=max(invoice.invoice_date_due or today, today),
            summary=self.env._("Collect the receivable"),
            note=self.env._(
                "Complaint judged not justified (%(name)s): collect the receivable "
                "on the normal terms.",
                name=self.name,
            ),
            user_id=salesperson.id,
        )
