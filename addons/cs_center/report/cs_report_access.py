"""Who may print a customer-service form: checked on the server for every path
(print menu, /report/pdf/..., RPC, a controller in sudo).

The check reads the real user (``env.uid``), never the context nor ``env.su``:
a controller that renders in sudo still renders for the portal user it serves.
The superuser account (OdooBot, jobs) is not a person and may print."""

from odoo import SUPERUSER_ID
from odoo.exceptions import AccessError


def cs_report_check(env, docs, groups, message=None):
    """Refuse unless the user is in one of ``groups`` (xml ids) and can read
    every record of ``docs`` (read access and record rules, as the real user)."""
    if env.uid != SUPERUSER_ID:
        user = env["res.users"].sudo().browse(env.uid)
        if user.share or not any(user.has_group(xmlid) for xmlid in groups):
            raise AccessError(
                message
                or env._("You are not allowed to print this customer-service form.")
            )
        docs.with_user(env.uid).sudo(False).check_access("read")
    return docs
