"""Who may print a customer-service form: checked on the server for every path
(print menu, /report/pdf/..., RPC, a controller in sudo).

The check reads the real user (``env.uid``), never the context nor ``env.su``:
a controller that renders in sudo still renders for the portal user it serves.
The superuser account (OdooBot, jobs) is not a person and may print."""

from odoo import SUPERUSER_ID, api, models
from odoo.exceptions import AccessError


def cs_report_check(env, docs, groups, message=None):
    """Refuse unless the user is in one of ``groups`` (xml ids) and can read
    every record of ``docs`` (read access and record rules, as the real user)."""
    if env.uid != SUPERUSER_ID:
        # sudo: the real user's groups, whatever the environment
        user = env["res.users"].sudo().browse(env.uid)
        if user.share or not any(user.has_group(xmlid) for xmlid in groups):
            raise AccessError(
                message
                or env._("You are not allowed to print this customer-service form.")
            )
        # sudo: sudo(False) — the read check as the real user, never in sudo
        docs.with_user(env.uid).sudo(False).check_access("read")
    return docs


class CsReportMixin(models.AbstractModel):
    """The gate of every customer-service form (a report's ``_get_report_values``):
    a report model sets the class-level knobs and, where it needs, the hooks.

    - ``_cs_report_model``: the model of the printed records;
    - ``_cs_report_groups``: xml ids of the groups that print it (any of them);
    - ``_cs_report_denied_message()``: the refusal's text (default: generic);
    - ``_cs_report_ensure(docs)``: further checks of the documents (raise);
    - ``_cs_report_extra_values(docs, data)``: values the template needs besides
      ``doc_ids``, ``doc_model`` and ``docs``."""

    _name = "cs.report.mixin"
    _description = "Customer-service form: who may print it"

    _cs_report_model = None
    _cs_report_groups = ()

    def _cs_report_denied_message(self):
        return None

    def _cs_report_ensure(self, docs):
        return None

    def _cs_report_extra_values(self, docs, data):
        return {}

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env[self._cs_report_model].browse(docids)
        cs_report_check(
            self.env,
            docs,
            list(self._cs_report_groups),
            self._cs_report_denied_message(),
        )
        self._cs_report_ensure(docs)
        return {
            "doc_ids": docids,
            "doc_model": self._cs_report_model,
            "docs": docs,
            **self._cs_report_extra_values(docs, data),
        }
