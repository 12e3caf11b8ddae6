"""Server-side checks of the complaint forms: who may print what.

The complaint resolution form (客户投诉处理表) is internal (R13): only the
customer-service staff and the approvers print it, never a portal user, a
salesperson, finance or the warehouse (they print their own documents).
The gate itself is cs_center's ``cs.report.mixin``."""

from odoo import models
from odoo.exceptions import UserError


def _resolutions(documents):
    """{document id: its proposal}: the proposal's reference, ticket number and
    approval are printed on the finance and warehouse documents, whose readers
    may not read the ticket. The link is set by the proposal's actions only."""
    # sudo: only the facts the certificate states, of the document's own proposal
    return {doc.id: doc.cs_resolution_id.sudo() for doc in documents}


CS_STAFF = ("cs_center.group_cs_agent", "cs_resolution.group_cs_sales_dept_manager")


class ReportResolutionForm(models.AbstractModel):
    _name = "report.cs_resolution.report_resolution_form"
    _inherit = "cs.report.mixin"
    _description = "Complaint resolution form (客户投诉处理表)"

    _cs_report_model = "cs.resolution"
    _cs_report_groups = CS_STAFF

    def _cs_report_denied_message(self):
        return self.env._(
            "The complaint resolution form is an internal document: only "
            "customer-service staff and the approvers may print it."
        )


class ReportDiscountCertificate(models.AbstractModel):
    _name = "report.cs_resolution.report_discount_certificate"
    _inherit = "cs.report.mixin"
    _description = "Sales discount certificate (销货折扣证明单)"

    _cs_report_model = "account.move"
    _cs_report_groups = CS_STAFF + ("account.group_account_invoice",)

    def _cs_report_ensure(self, docs):
        if docs.filtered(lambda m: not m.cs_resolution_id):
            raise UserError(
                self.env._(
                    "A sales discount certificate is printed only for the credit "
                    "note of a complaint resolution."
                )
            )

    def _cs_report_extra_values(self, docs, data):
        return {"resolutions": _resolutions(docs)}


class ReportReturnSlip(models.AbstractModel):
    _name = "report.cs_resolution.report_return_slip"
    _inherit = "cs.report.mixin"
    _description = "Product return slip (产品退货单)"

    _cs_report_model = "stock.picking"
    _cs_report_groups = CS_STAFF + (
        "stock.group_stock_user",
        "account.group_account_invoice",
    )

    def _cs_report_ensure(self, docs):
        if docs.filtered(lambda p: not p.cs_resolution_id):
            raise UserError(
                self.env._(
                    "A product return slip is printed only for the return of a "
                    "complaint resolution."
                )
            )

    def _cs_report_extra_values(self, docs, data):
        lines = {}
        for picking in docs:
            approved = {}
            # sudo: the approved quantities of the return's own proposal only
            lines_sudo = picking.cs_resolution_id.sudo().line_ids
            for line in lines_sudo.filtered("product_id"):
                approved[line.product_id] = (
                    approved.get(line.product_id, 0.0) + line.quantity
                )
            lines[picking.id] = [
                {
                    "product": move.product_id,
                    "uom": move.product_uom,
                    "approved": approved.get(move.product_id, 0.0),
                    "expected": move.product_uom_qty,
                    "received": move.quantity if move.state == "done" else 0.0,
                }
                for move in picking.move_ids
            ]
        return {"return_lines": lines, "resolutions": _resolutions(docs)}


class ReportOffsiteRequest(models.AbstractModel):
    _name = "report.cs_resolution.report_offsite_request"
    _inherit = "cs.report.mixin"
    _description = "Off-site service request (异地服务申请单)"

    _cs_report_model = "cs.offsite.request"
    _cs_report_groups = CS_STAFF


class ReportComplaintReview(models.AbstractModel):
    _name = "report.cs_resolution.report_complaint_review"
    _inherit = "cs.report.mixin"
    _description = "Monthly complaint review"

    _cs_report_model = "cs.complaint.review"
    _cs_report_groups = ("cs_center.group_cs_supervisor", "hr.group_hr_user")
