from werkzeug.exceptions import Forbidden

from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from odoo.addons.helpdesk_mgmt.controllers.myaccount import CustomerPortalHelpdesk


class CsPortalTracking(CustomerPortalHelpdesk):
    def _ticket_get_page_view_values(self, ticket, access_token, **kwargs):
        values = super()._ticket_get_page_view_values(ticket, access_token, **kwargs)
        # the ticket was checked by the route (_document_check_access)
        values["cs_tracking"] = ticket._cs_portal_tracking(request.env.user.partner_id)
        values["cs_reopen_error"] = kwargs.get("reopen_error")
        return values

    @http.route(
        "/my/ticket/<int:ticket_id>/reopen",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
        csrf=True,
    )
    def cs_portal_reopen(self, ticket_id, reason=None, **kw):
        ticket = request.env["helpdesk.ticket"].browse(ticket_id)
        try:
            if not ticket.exists():
                raise MissingError(request.env._("This ticket does not exist."))
            ticket.check_access("read")
        except (AccessError, MissingError) as exc:
            raise Forbidden() from exc
        try:
            ticket._cs_portal_reopen(reason or "")
        except (UserError, AccessError):
            return request.redirect(f"/my/ticket/{ticket.id}?reopen_error=1")
        return request.redirect(f"/my/ticket/{ticket.id}")
