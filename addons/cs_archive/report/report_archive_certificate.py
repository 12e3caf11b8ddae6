from odoo import api, models

from odoo.addons.cs_center.report.cs_report_access import cs_report_check


class ReportArchiveCertificate(models.AbstractModel):
    _name = "report.cs_archive.report_archive_certificate"
    _description = "Archive entry certificate"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env["cs.archive.entry"].browse(docids)
        cs_report_check(
            self.env,
            docs,
            ["cs_center.group_cs_agent", "cs_archive.group_cs_archive_reader"],
        )
        # printing the content is an export of it: logged like any read (R27)
        docs._cs_log_content_read(["content_html"], access="export")
        # the last integrity check of each company's chain (its result and date
        # are stated on the certificate; the report itself stays for readers)
        checks = {}
        # sudo: the last check's result and date are stated on the certificate of
        # an entry the reader may print; the report itself stays for readers
        Report = self.env["cs.archive.integrity.report"].sudo()
        for company in docs.company_id:
            checks[company.id] = Report.search(
                [("company_id", "=", company.id)], order="check_date desc", limit=1
            )
        return {
            "doc_ids": docids,
            "doc_model": "cs.archive.entry",
            "docs": docs,
            "last_checks": checks,
        }
