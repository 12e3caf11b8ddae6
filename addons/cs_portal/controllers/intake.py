from werkzeug.exceptions import NotFound

from odoo import http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import request

from odoo.addons.helpdesk_mgmt.controllers.main import HelpdeskTicketController


class CsPortalIntake(HelpdeskTicketController):
    """Portal intake of the service centre: one form per request kind.

    When the company has portal forms (cs.portal.intake.kind with a team),
    helpdesk_mgmt's "New ticket" leads to them and its plain submission route
    no longer creates tickets on a customer-service team (it would create an
    unclassified consultation there); submissions to other teams, or to no team
    (like an e-mail), and databases without forms work as with helpdesk_mgmt."""

    def _cs_kinds(self):
        # sudo: form configuration, read for the customer
        return (
            request.env["cs.portal.intake.kind"]
            .sudo()
            ._cs_portal_kinds(request.env.company)
        )

    def _cs_kind(self, request_kind):
        kind = self._cs_kinds().filtered(lambda k: k.request_kind == request_kind)
        if not kind or not request.env.user.share:
            raise NotFound()
        # in the customer's language
        return kind.with_context(lang=request.env.lang)

    @http.route("/new/ticket", type="http", auth="user", website=True)
    def create_new_ticket(self, **kw):
        if self._cs_kinds() and request.env.user.share:
            return request.redirect("/my/tickets/new")
        return super().create_new_ticket(**kw)

    @http.route("/submitted/ticket", type="http", auth="user", website=True, csrf=True)
    def submit_ticket(self, **kw):
        if (
            self._cs_kinds()
            and request.env.user.share
            and self._cs_plain_to_cs_team(kw)
        ):
            # nothing written: a request to a customer-service team comes through
            # the form of its kind (classified, register fields, clocks)
            return request.redirect("/my/tickets/new")
        # other teams (or none, as an e-mail): helpdesk_mgmt's submission as before
        return super().submit_ticket(**kw)

    def _cs_plain_to_cs_team(self, kw):
        """Whether helpdesk_mgmt's plain submission would land on a customer-service
        team (its own choice of team, from the same values)."""
        team_id = self._prepare_submit_ticket_vals(**kw).get("team_id")
        # sudo: the team's flag, read for the customer
        return bool(
            team_id
            and request.env["helpdesk.ticket.team"].sudo().browse(team_id).cs_regulated
        )

    @http.route("/my/tickets/new", type="http", auth="user", website=True)
    def cs_portal_kinds(self, **kw):
        if not request.env.user.share:
            raise NotFound()
        return request.render(
            "cs_portal.portal_intake_kinds",
            {"kinds": self._cs_kinds(), "page_name": "ticket"},
        )

    def _cs_form_values(self, kind, form=None, error=None):
        partner = request.env.user.partner_id
        values = {
            "kind": kind,
            "specs": kind._cs_field_specs(),
            "form": form or {},
            "error": error,
            "page_name": "ticket",
        }
        if any(k == "product" for _line, k in values["specs"]):
            bought, others = request.env["helpdesk.ticket"]._cs_portal_products(
                partner, kind.team_id.company_id or request.env.company
            )
            values.update(bought_products=bought, other_products=others)
        if any(k == "selection" for _line, k in values["specs"]):
            values["complaint_classes"] = (
                request.env["helpdesk.ticket"]
                ._fields["complaint_class"]
                ._description_selection(request.env)
            )
        return values

    @http.route(
        "/my/tickets/new/<string:request_kind>",
        type="http",
        auth="user",
        methods=["GET"],
        website=True,
    )
    def cs_portal_form(self, request_kind, **kw):
        kind = self._cs_kind(request_kind)
        return request.render(
            "cs_portal.portal_intake_form", self._cs_form_values(kind)
        )

    @http.route(
        "/my/tickets/new/<string:request_kind>",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
        csrf=True,
    )
    def cs_portal_submit(self, request_kind, **kw):
        """Create the ticket: the form's values are read field by field from the
        form's configuration (nothing else of the request is used), the ticket's
        own constraints and workflow guard run on create (sudo does not lift them),
        and the ticket with its photos is written in one savepoint: on any error
        nothing stays and the form is shown again with the message."""
        kind = self._cs_kind(request_kind)
        partner = request.env.user.partner_id
        files = [
            (f.filename, f.read())
            for f in request.httprequest.files.getlist("attachment")
        ]
        form = {k: v for k, v in kw.items() if isinstance(v, str)}
        try:
            with request.env.cr.savepoint():
                vals = kind._cs_prepare_ticket_vals(form, partner)
                attachments = kind._cs_check_files(files)
                # sudo: portal users cannot create tickets; the values come from
                # the form's configuration only, and the ticket's create checks
                # them (workflow fields, constraints) whatever the caller
                ticket = request.env["helpdesk.ticket"].sudo().create(vals)
                ticket.message_subscribe(partner_ids=partner.ids)
                if attachments:
                    # sudo: the customer's photos, linked to their new ticket
                    request.env["ir.attachment"].sudo().create(
                        [
                            dict(a, res_model="helpdesk.ticket", res_id=ticket.id)
                            for a in attachments
                        ]
                    )
        except (ValidationError, UserError, AccessError) as exc:
            request.env.invalidate_all()
            message = exc.args[0] if exc.args else str(exc)
            return request.render(
                "cs_portal.portal_intake_form",
                self._cs_form_values(kind, form=form, error=message),
            )
        return request.redirect(f"/my/ticket/{ticket.id}")
