"""Server-side checks of the complaint forms: who may print what.

The complaint resolution form (客户投诉处理表) is internal (R13): only the
customer-service staff and the approvers print it, never a portal user, a
salesperson, finance or the warehouse (they print their own documents)."""

from odoo import api, models
from odoo.exceptions import UserError

from odoo.addons.cs_center.report.cs_report_access import cs_report_check


def _resolutions(documents):
    """{document id: its proposal}: the proposal's reference, ticket number and
    approval are printed on the finance and warehouse documents, whose readers
    may not read the ticket. The link is set by the proposal's actions only."""
    # sudo: only the facts the certificate states, of the document's own proposal
    return {doc.id: doc.cs_resolution_id.sudo() for doc in documents}


CS_STAFF = ["cs_center.group_cs_agent", "cs_resolution.group_cs_sales_dept_manager"]


class ReportResolutionForm(models.AbstractModel):
    _name = "report.cs_resolution.report_resolution_form"
    _description = "Complaint resolution form (客户投诉处理表)"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env["cs.resolution"].browse(docids)
        cs_report_check(
            self.env,
            docs,
            CS_STAFF,
            self.env._(
                "The complaint resolution form is an internal document: only "
                "customer-service staff and the approvers may print it."
            ),
        )
        return {"doc_ids": docids, "doc_model": "cs.resolution", "docs": docs}


class ReportDiscountCertificate(models.AbstractModel):
    _name = "report.cs_resolution.report_discount_certificate"
    _description = "Sales discount certificate (销货折扣证明单)"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env["account.move"].browse(docids)
        cs_report_check(self.env, docs, CS_STAFF + ["account.group_account_invoice"])
        if docs.filtered(lambda m: not m.cs_resolution_id):
            raise UserError(
                self.env._(
                    "A sales discount certificate is printed only for the credit "
                    "note of a complaint resolution."
                )
            )
        return {
            "doc_ids": docids,
            "doc_model": "account.move",
            "docs": docs,
            "resolutions": _resolutions(docs),
        }


class ReportReturnSlip(models.AbstractModel):
    _name = "report.cs_resolution.report_return_slip"
    _description = "Product return slip (产品退货单)"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env["stock.picking"].browse(docids)
        cs_report_check(
            self.env,
            docs,
            CS_STAFF + ["stock.group_stock_user", "account.group_account_invoice"],
        )
        if docs.filtered(lambda p: not p.cs_resolution_id):
            raise UserError(
                self.env._(
                    "A product return slip is printed only for the return of a "
                    "complaint resolution."
                )
            )
        lines = {}
        for picking in docs:
            approved = {}
            lines_sudo = picking.cs_resolution_id.sudo().line_ids
            for line in lines_sudo.filtered("product_id"):
                approved[line.product_id] = (
                    approved.get(line.product_id, 0.0) + line.quantity
                )
            rows = []
            for move in picking.move_ids:
                rows.append(
                    {
                        "product": move.product_id,
                        "uom": move.product_uom,
                        "approved": approved.get(move.product_id, 0.0),
                        "expected": move.product_uom_qty,
                        "received": move.quantity if move.state == "done" else 0.0,
                    }
                )
            lines[picking.id] = rows
        return {
            "doc_ids": docids,
            "doc_model": "stock.picking",
            "docs": docs,
            "return_lines": lines,
            "resolutions": _resolutions(docs),
        }


class ReportOffsiteRequest(models.AbstractModel):
    _name = "report.cs_resolution.report_offsite_request"
    _description = "Off-site service request (异地服务申请单)"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env["cs.offsite.request"].browse(docids)
        cs_report_check(self.env, docs, CS_STAFF)
        return {"doc_ids": docids, "doc_model": "cs.offsite.request", "docs": docs}


class ReportComplaintReview(models.AbstractModel):
    _name = "report.cs_resolution.report_complaint_review"
    _description = "Monthly complaint review"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env["cs.complaint.review"].browse(docids)
        cs_report_check(
            self.env, docs, ["cs_center.group_cs_supervisor", "hr.group_hr_user"]
        )
        return {"doc_ids": docids, "doc_model": "cs.complaint.review", "docs": docs}
