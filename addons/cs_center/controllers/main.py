from werkzeug.exceptions import Forbidden

from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.helpdesk_mgmt.controllers.main import HelpdeskTicketController


class CsHelpdeskTicketController(HelpdeskTicketController):
    @http.route("/ticket/close", type="http", auth="user", methods=["POST"])
    def support_ticket_close(self, **kw):
        """A customer closing their ticket on the portal confirms their satisfaction
        (R4). The ticket closes once the first owner has signed off.

        On a ticket of another team (not customer service) it moves the ticket to
        the closing stage, as helpdesk_mgmt does.

        Replaces helpdesk_mgmt's route, which closed any ticket by id with sudo()
        from a GET request: POST only (CSRF), the user's read access is checked. It
        answers with helpdesk_mgmt's 302 redirect to the ticket page."""
        try:
            ticket_id = int(kw.get("ticket_id") or 0)
            stage_id = int(kw.get("stage_id") or 0)
        except ValueError as exc:
            raise Forbidden() from exc
        ticket = request.env["helpdesk.ticket"].browse(ticket_id)
        try:
            if not ticket.exists():
                raise MissingError(request.env._("This ticket does not exist."))
            ticket.check_access("read")
        except (AccessError, MissingError) as exc:
            raise Forbidden() from exc
        # sudo: stages are configuration; only their close_from_portal flag is read
        stage = request.env["helpdesk.ticket.stage"].sudo().browse(stage_id).exists()
        # sudo: the read access to this ticket was checked above; reads its stage
        if stage and stage.close_from_portal and not ticket.sudo().stage_id.closed:
            # sudo: the user's read access to this very ticket was checked above, and
            # only the customer's confirmation is recorded through it
            ticket.sudo()._cs_portal_confirm(request.env.user, stage)
        return request.redirect(f"/my/ticket/{ticket.id}", code=302)
